# One image for every service; docker-compose.yml picks the service with SERVICE.
FROM node:20.19-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production NX_DAEMON=false
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.base.json nx.json ./
COPY libs ./libs
COPY services ./services
ENV SWC_NODE_PROJECT=/app/tsconfig.base.json HOST=0.0.0.0 PORT=3000
USER node
CMD ["sh", "-c", "exec node -r @swc-node/register services/${SERVICE}/src/main.ts"]
