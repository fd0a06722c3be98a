# syntax=docker/dockerfile:1
# Keel's dashboard (app/): built once, then only SvelteKit's adapter-node output runs (it bundles everything it
# uses, so the image carries no node_modules).
#   docker build -f deploy/docker/app.Dockerfile -t keel-app .     (from the repository root)

FROM node:24-slim AS build
WORKDIR /keel
COPY package.json package-lock.json ./
COPY packages/core/package.json packages/core/
COPY packages/contract/package.json packages/contract/
COPY packages/db/package.json packages/db/
COPY packages/realtime/package.json packages/realtime/
COPY packages/cli/package.json packages/cli/
COPY edge/package.json edge/
COPY worker/package.json worker/
COPY app/package.json app/
# The bundle includes postgres.js: Keel's patch of it (patches/) is applied before the build.
COPY patches patches
RUN npm ci --ignore-scripts --no-audit --no-fund --workspace @keel/app --include-workspace-root \
  && npx patch-package --error-on-fail
COPY packages packages
COPY app app
RUN npm run build --workspace @keel/app

FROM node:24-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000
WORKDIR /keel/app
COPY --from=build /keel/app/package.json ./
COPY --from=build /keel/app/build build
USER node
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:3000/login').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "build/index.js"]
