#!/usr/bin/env node
// Brings a fresh clone to a runnable state, skipping whatever is already done:
// npm packages, Debian packages, the mediasoup worker (built offline, cached in
// ~/.cache), the Prisma client, migrations + demo data (not with --for-tests),
// and the web build. Used by `npm start` and `npm test`.
import fs from 'node:fs';
import path from 'node:path';
import { hashFiles, listFiles, log, once, root, run, runQuiet } from './lib.mjs';

const forTests = process.argv.includes('--for-tests');
const skipDb = forTests || process.argv.includes('--no-db');
const prismaEnv = { PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY || '/bin/false' };
const started = Date.now();

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  console.error(`Hawker needs Node.js >= 20.19 (found ${process.versions.node}).`);
  process.exit(1);
}

// 1. npm packages: `npm ci` when the lockfile changed since the last install.
once('npm', hashFiles([path.join(root, 'package-lock.json')]), () => {
  log('installing npm packages (npm ci)');
  // The mediasoup worker is built below (its postinstall would go online).
  run('npm', ['ci', '--no-audit', '--no-fund'], { env: { ...prismaEnv, MEDIASOUP_WORKER_BIN: '/bin/false' } });
  // npm ci replaces node_modules/mediasoup, so the worker must be restored again.
  fs.rmSync(path.join(root, '.cache', 'setup', 'mediasoup'), { force: true });
});

// 2. Debian packages the platform and its tests use at run time.
const debs = ['ffmpeg', ...(forTests ? ['chromium'] : [])];
const missing = debs.filter((p) => !/ok installed/.test(runQuiet('dpkg-query', ['-W', '-f=${Status}', p]).stdout ?? ''));
if (missing.length > 0) {
  const aptGet = (args) =>
    process.getuid?.() === 0
      ? run('apt-get', args, { env: { DEBIAN_FRONTEND: 'noninteractive' } })
      : run('sudo', ['DEBIAN_FRONTEND=noninteractive', 'apt-get', ...args]);
  log(`apt-get install ${missing.join(' ')}`);
  aptGet(['update', '-qq']);
  aptGet(['install', '-y', '-qq', '--no-install-recommends', ...missing]);
}

// 3. The mediasoup worker (offline build; restored from ~/.cache when built before).
// Keyed by <mediasoup version>-<hash of scripts/mediasoup/*.sh>: a recipe change rebuilds.
const msKeyRes = runQuiet('bash', ['scripts/mediasoup/build-worker.sh', '--print-key']);
const msKey = msKeyRes.status === 0 ? msKeyRes.stdout.trim() : '';
if (!/^\S+-[0-9a-f]{12}$/.test(msKey)) throw new Error(`mediasoup worker cache key: ${msKeyRes.stderr || msKey}`);
// Two builds: with io_uring (mediasoup's default path) and the libuv-only fallback.
const workerBins = ['out/Release', 'out-libuv/Release'].map((dir) =>
  path.join(root, `node_modules/mediasoup/worker/${dir}/mediasoup-worker`),
);
if (!workerBins.every((bin) => fs.existsSync(bin))) fs.rmSync(path.join(root, '.cache', 'setup', 'mediasoup'), { force: true });
once('mediasoup', msKey, () => run('bash', ['scripts/mediasoup/build-worker.sh']));

// 4. Prisma client, regenerated when the schema changes.
const schema = path.join(root, 'api/prisma/schema.prisma');
if (!fs.existsSync(path.join(root, 'api/src/generated/prisma/client.ts')))
  fs.rmSync(path.join(root, '.cache', 'setup', 'prisma'), { force: true });
once('prisma', hashFiles([schema]), () => {
  log('generating the Prisma client');
  run('npx', ['prisma', 'generate'], { cwd: path.join(root, 'api'), env: prismaEnv });
});

// 5. Migrations and demo data (npm start only; tests create their own databases).
if (!skipDb) {
  if (process.env.HAWKER_CREATE_DB && process.env.DATABASE_URL) run('npx', ['tsx', 'api/scripts/create-database.ts']);
  log(process.env.DATABASE_URL ? 'applying migrations to DATABASE_URL' : 'applying migrations to embedded PGlite (./data/pglite)');
  run('npx', ['tsx', 'api/scripts/migrate.ts'], { env: prismaEnv });
  run('npx', ['tsx', 'api/scripts/seed.ts']);
}

// 6. The web app, rebuilt when its sources change.
const webInputs = [
  ...listFiles(path.join(root, 'web/src')),
  ...listFiles(path.join(root, 'shared/src')),
  path.join(root, 'web/index.html'),
  path.join(root, 'web/vite.config.ts'),
  path.join(root, 'package-lock.json'),
];
if (!fs.existsSync(path.join(root, 'web/dist/index.html'))) fs.rmSync(path.join(root, '.cache', 'setup', 'web'), { force: true });
once('web', hashFiles(webInputs), () => {
  log('building the web app');
  run('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: path.join(root, 'web') });
});

log(`set-up done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
