# syntax=docker/dockerfile:1
# Keel's trading worker (worker/). Run as many as you like against one database: bots are shared through leases.
#   docker build -f deploy/docker/worker.Dockerfile -t keel-worker .     (from the repository root)
# Metrics, liveness and readiness on WORKER_PORT (9464): /metrics, /healthz, /readyz.

FROM node:24-slim AS dependencies
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
# Scripts stay off (nothing downloads binaries at build time); the one install step Keel needs is its patch of
# postgres.js (patches/, applied by patch-package, a root dependency): a closed socket must not crash the process.
COPY patches patches
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund --workspace @keel/worker --include-workspace-root \
  && npx patch-package --error-on-fail

FROM node:24-slim
ENV NODE_ENV=production WORKER_HOST=0.0.0.0 WORKER_PORT=9464
WORKDIR /keel
COPY --from=dependencies /keel ./
COPY packages packages
COPY worker worker
USER node
EXPOSE 9464
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:9464/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "worker/src/start-worker.ts"]
