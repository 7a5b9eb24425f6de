# syntax=docker/dockerfile:1
# One image for every service; docker-compose.yml picks the service with SERVICE (timeline, case, education, health,
# social-care, audit or web). The build stage compiles every service to JavaScript (`nx run-many -t build`, see
# infra/scripts/build-service.ts); the image holds that output and the production dependencies only, runs as the
# unprivileged `node` user and reports its health from /health/ready. There is no container engine where this
# project is built: infra/checks/image-recipe.spec.ts performs these steps and starts every service from them.
FROM node:20.19-bookworm-slim AS build
WORKDIR /app
ENV NX_DAEMON=false
COPY package.json package-lock.json .npmrc ./
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
COPY tsconfig.base.json nx.json ./
COPY infra/scripts/build-service.ts ./infra/scripts/
COPY libs ./libs
COPY services ./services
RUN npx nx run-many -t build --outputStyle=static

FROM node:20.19-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json .npmrc ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --no-audit --no-fund
COPY --from=build /app/dist ./dist
ENV HOST=0.0.0.0 PORT=3000
USER node
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=6 CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.PORT + '/health/ready').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["sh", "-c", "exec node --enable-source-maps dist/services/${SERVICE:?set SERVICE to timeline, case, education, health, social-care, audit or web}/main.js"]
