#!/usr/bin/env node
// `npm start`: set-up, then media-server + api (which also serves the built web
// app) on http://localhost:8080 (PORT overrides).
// `npm run start:cluster`: the multi-node topology without Docker — two api
// processes on the local PostgreSQL and Redis behind a small round-robin proxy.
// Ctrl-C stops every child process.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { log, root, spawnService } from './lib.mjs';

const cluster = process.argv.includes('--cluster');
const port = Number(process.env.PORT ?? 8080);
const mediaPort = Number(process.env.MEDIA_PORT ?? 4000);
const env = { ...process.env };
// One secret per run, shared by the api and the media-server (media tokens, internal calls).
env.MEDIA_TOKEN_SECRET ??= randomBytes(32).toString('hex');
if (cluster) {
  env.DATABASE_URL ??= 'postgresql://postgres@127.0.0.1:5432/hawker';
  env.REDIS_URL ??= 'redis://127.0.0.1:6379';
}

const setup = spawnSync('node', [path.join(root, 'scripts/setup.mjs')], {
  stdio: 'inherit',
  env: { ...env, HAWKER_CREATE_DB: cluster ? '1' : '' },
});
if (setup.status !== 0) process.exit(setup.status ?? 1);

const tsx = path.join(root, 'node_modules/.bin/tsx');
const children = [];
const mediaUrl = `http://127.0.0.1:${mediaPort}`;
// The media-server reports broadcasts going live / ending to any api node.
const apiInternalUrl = `http://127.0.0.1:${cluster ? port + 1 : port}`;
children.push(
  spawnService('media', tsx, ['media-server/src/main.ts'], { ...env, MEDIA_PORT: String(mediaPort), API_INTERNAL_URL: apiInternalUrl }),
);
const apiEnv = { ...env, MEDIA_URL: env.MEDIA_URL ?? mediaUrl, WEB_DIST: path.join(root, 'web/dist') };
if (cluster) {
  const ports = [port + 1, port + 2];
  ports.forEach((p, i) =>
    children.push(spawnService(`api${i + 1}`, tsx, ['api/src/main.ts'], { ...apiEnv, PORT: String(p), NODE_ID: `api-${i + 1}` })),
  );
  children.push(spawnService('proxy', 'node', ['scripts/cluster-proxy.mjs'], { ...env, PORT: String(port), UPSTREAMS: ports.join(',') }));
} else {
  children.push(spawnService('api', tsx, ['api/src/main.ts'], { ...apiEnv, PORT: String(port) }));
}
log(`starting: http://localhost:${port} ${cluster ? '(cluster: 2 api nodes, PostgreSQL, Redis)' : ''}`);

let stopping = false;
function stop(code) {
  if (stopping) return;
  stopping = true;
  log('stopping all services');
  for (const child of children) child.kill('SIGTERM');
  const force = setTimeout(() => {
    for (const child of children) child.kill('SIGKILL');
    process.exit(code);
  }, 8000);
  force.unref();
  Promise.all(children.map((c) => (c.exitCode !== null ? null : new Promise((r) => c.once('exit', r))))).then(() => process.exit(code));
}
for (const child of children) {
  child.once('exit', (code, signal) => {
    if (!stopping) {
      log(`a service exited (${code ?? signal}); stopping the rest`);
      stop(1);
    }
  });
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
