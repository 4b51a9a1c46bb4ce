# syntax=docker/dockerfile:1

# --- build: compile TypeScript (dist/ also gets dist/redis/lua/*.lua from scripts/copy-assets.mjs)
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY src ./src
RUN npm run build

# --- runtime: production dependencies and the compiled output only
FROM node:20-bookworm-slim
ENV NODE_ENV=production
# Inside a container the gateway must listen beyond loopback to be reachable at all, so it
# refuses to start without API keys. Mount a keys file (see examples/auth.example.yaml) and
# point at it:
#   docker run -v "$PWD/auth.yaml:/etc/streamgate/auth.yaml:ro" \
#     -e STREAMGATE_AUTH_FILE=/etc/streamgate/auth.yaml -e REDIS_URL=redis://redis:6379 streamgate
# (`docker kill --signal=HUP <container>` reloads it), or, where every client that can reach
# the ports may do everything, set STREAMGATE_ALLOW_ANONYMOUS=true. Also STREAMGATE_STREAMS to
# fence the keyspace when the Redis holds other data.
ENV HOST=0.0.0.0
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY proto ./proto
COPY openapi ./openapi
USER node
EXPOSE 8080 50051
# The image has no redis-server: set REDIS_URL (see docker-compose.yml).
# No curl in slim images; node's fetch does the probe.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.HTTP_PORT||8080)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/cli.js"]
