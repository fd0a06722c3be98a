# syntax=docker/dockerfile:1
# Keel's API (edge/) on Node: REST, the /v1/stream WebSocket, and the migrations, applied when it starts.
#   docker build -f deploy/docker/edge.Dockerfile -t keel-edge .     (from the repository root)
# TypeScript runs as it is (Node 24 strips types): there is no compile step, only the production dependencies.

FROM node:24-slim AS dependencies
WORKDIR /keel
# Every workspace's manifest, because npm ci checks the whole lockfile; the sources come in the next stage, so
# editing code does not reinstall dependencies.
COPY package.json package-lock.json ./
COPY packages/core/package.json packages/core/
COPY packages/contract/package.json packages/contract/
COPY packages/db/package.json packages/db/
COPY packages/realtime/package.json packages/realtime/
COPY packages/cli/package.json packages/cli/
COPY edge/package.json edge/
COPY worker/package.json worker/
COPY app/package.json app/
# Scripts stay off (nothing downloads binaries at build time); the one install step Keel needs is its patch of
# postgres.js (patches/, applied by patch-package, a root dependency): a closed socket must not crash the process.
COPY patches patches
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund --workspace @keel/edge --include-workspace-root \
  && npx patch-package --error-on-fail

FROM node:24-slim
ENV NODE_ENV=production API_HOST=0.0.0.0 API_PORT=8787
WORKDIR /keel
COPY --from=dependencies /keel ./
COPY packages packages
COPY supabase/migrations supabase/migrations
COPY edge edge
USER node
EXPOSE 8787
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8787/v1/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "edge/src/node.ts"]
