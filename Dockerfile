# cognito-bff container images.
#
#   podman build --pull=never --format docker -t cognito-bff .                          # the service (last stage: runtime)
#   podman build --pull=never --format docker --target cognito-local -t cognito-bff-emulator .   # the emulator, for docker-compose.yml
#
# (--format docker keeps the HEALTHCHECK: podman's default OCI format drops it. docker build keeps it anyway.)
# The runtime image holds the compiled service and its production dependencies only: no local Cognito
# (packages/local-cognito, a workspace the root lists as a devDependency), no emulator, no tsx, no TypeScript. It runs in aws mode, so it needs COGNITO_USER_POOL_ID, COGNITO_CLIENT_ID,
# COOKIE_SECRETS and PUBLIC_URL (see docs/operations.md, "Running in containers").

ARG NODE_IMAGE=node:24-bookworm-slim

# --- build: every dependency (the local Cognito workspace included), then tsc of src/ alone ----
FROM ${NODE_IMAGE} AS build
WORKDIR /app
ENV NPM_CONFIG_UPDATE_NOTIFIER=false NPM_CONFIG_FUND=false NPM_CONFIG_AUDIT=false
COPY package.json package-lock.json ./
COPY packages/local-cognito/package.json ./packages/local-cognito/
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# --- cognito-local: the emulator alone (a development tool: Node runs the package's TypeScript) --
# Pool, app client and demo user with fixed ids (packages/local-cognito/src/standalone-emulator.ts); data in /data.
FROM build AS cognito-local
COPY packages/local-cognito/src ./packages/local-cognito/src
RUN mkdir -p /data && chown node:node /data
ENV NODE_ENV=development \
    COGNITO_LOCAL_HOST=0.0.0.0 \
    COGNITO_LOCAL_PORT=9229 \
    COGNITO_LOCAL_DATA_DIR=/data \
    COGNITO_LOCAL_READY_FILE=/tmp/cognito-local-ready
USER node
VOLUME ["/data"]
EXPOSE 9229
# Healthy once the pool, client and demo user are set up (the file is written then, removed on stop).
HEALTHCHECK --interval=2s --timeout=2s --start-period=30s --retries=3 CMD ["test", "-f", "/tmp/cognito-local-ready"]
# node itself (it strips the types), not the tsx CLI (which would run node as a child process and relay signals).
CMD ["node", "packages/local-cognito/src/standalone-emulator.ts"]

# --- production dependencies only ------------------------------------------------------------
# Only the root package.json and lock: without packages/local-cognito/package.json npm has no workspace
# to install, so the local Cognito and its emulator stay out (with it, npm would install the workspace
# and its dependencies even under --omit=dev). The same holds for the CDK app, infra/, whose folder is
# never copied (158 packages, 69 MB before and after it became a workspace).
FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
ENV NPM_CONFIG_UPDATE_NOTIFIER=false NPM_CONFIG_FUND=false NPM_CONFIG_AUDIT=false
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force

# --- runtime: the service ---------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ARG VERSION=0.1.0
ARG SOURCE_URL=https://github.com/your-org/cognito-bff
LABEL org.opencontainers.image.title="cognito-bff" \
      org.opencontainers.image.description="A Fastify backend-for-frontend that puts AWS Cognito User Pool flows behind clean JSON endpoints" \
      org.opencontainers.image.source="${SOURCE_URL}" \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.version="${VERSION}"
WORKDIR /app
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000
COPY package.json ./
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# Read-only for the service: files belong to root, the process runs as node (uid 1000).
USER node
EXPOSE 3000
# Ready (200) once the pool's JWKS is loaded; node's fetch, since the slim image has no curl.
HEALTHCHECK --interval=10s --timeout=3s --start-period=15s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/readyz', { signal: AbortSignal.timeout(2500) }).then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM: close-with-grace (src/server.ts) finishes requests in flight and exits, also as PID 1.
STOPSIGNAL SIGTERM
CMD ["node", "dist/server.js"]
