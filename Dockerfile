# One image for api and media-server (and the web build served by nginx).
# Built on Debian bookworm like the dev machines, so the same offline
# mediasoup worker recipe (scripts/mediasoup/build-worker.sh) applies.
FROM node:20-bookworm AS build
WORKDIR /app
ENV PRISMA_SCHEMA_ENGINE_BINARY=/bin/false
COPY . .
RUN node scripts/setup.mjs --no-db

FROM node:20-bookworm-slim
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends ffmpeg libuv1 libsrtp2-1 libusrsctp2 libabsl20220623 libflatbuffers2 liburing2 \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app /app
ENV NODE_ENV=production
CMD ["node_modules/.bin/tsx", "api/src/main.ts"]
