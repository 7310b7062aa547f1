# Production image: the portal against external Postgres and S3 (see docker-compose.yml).
# Embedded Postgres/S3 also work inside it (leave DATABASE_URL / S3_ENDPOINT unset), with
# DATA_DIR on a volume.
FROM node:20-bookworm-slim AS build
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1
COPY package.json package-lock.json ./
COPY prisma ./prisma
COPY prisma.config.ts ./
# patch-package applies patches/ at install (s3rver: CopyObject source decoding).
COPY patches ./patches
COPY lib/db/pg-adapter.ts ./lib/db/pg-adapter.ts
RUN npm ci --no-audit --no-fund
COPY . .
# The environment is validated at run time; the image build has none.
RUN SKIP_ENV_VALIDATION=1 npm run build

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data
COPY --from=build --chown=node:node /app /app
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 3000
VOLUME ["/data"]
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s CMD node -e "fetch('http://127.0.0.1:3000/api/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node_modules/.bin/tsx", "scripts/start.ts"]
