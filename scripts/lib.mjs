// Small helpers shared by the set-up and start scripts. Node built-ins only:
// these run before `npm ci` has installed anything.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const stampDir = path.join(root, '.cache', 'setup');

export function log(msg) {
  process.stdout.write(`[hawker] ${msg}\n`);
}

/** Runs a command, inheriting stdio; throws on a non-zero exit. */
export function run(cmd, args, opts = {}) {
  const res = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts, env: { ...process.env, ...opts.env } });
  if (res.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${res.status ?? res.signal}`);
}

export function runQuiet(cmd, args, opts = {}) {
  return spawnSync(cmd, args, { cwd: root, encoding: 'utf8', ...opts, env: { ...process.env, ...opts.env } });
}

/** Hash of files' contents (sorted paths), for "redo only when inputs changed". */
export function hashFiles(files) {
  const h = createHash('sha256');
  for (const f of [...files].sort()) {
    h.update(f);
    if (fs.existsSync(f)) h.update(fs.readFileSync(f));
  }
  return h.digest('hex');
}

export function listFiles(dir, filter = () => true) {
  if (!fs.existsSync(dir)) return [];
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(p, filter));
    else if (filter(p)) out.push(p);
  }
  return out;
}

/** Runs `work` unless the stamp named `name` already records `hash`. */
export function once(name, hash, work) {
  const stamp = path.join(stampDir, name);
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === hash) return false;
  work();
  fs.mkdirSync(stampDir, { recursive: true });
  fs.writeFileSync(stamp, hash);
  return true;
}

/** Spawns a long-running child with prefixed output; resolves never, rejects on exit. */
export function spawnService(name, cmd, args, env) {
  const child = spawn(cmd, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const prefix = (stream, out) => {
    let buf = '';
    stream.on('data', (chunk) => {
      buf += chunk;
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        out.write(`${name.padEnd(6)}| ${buf.slice(0, i)}\n`);
        buf = buf.slice(i + 1);
      }
    });
  };
  prefix(child.stdout, process.stdout);
  prefix(child.stderr, process.stderr);
  return child;
}
