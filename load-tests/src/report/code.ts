import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const root = path.resolve(import.meta.dirname, '../../..');

/** The code a results file measured: HEAD, and each measured file's hash and whether it differs from HEAD (the working tree is what runs). */
export type MeasuredCode = { commit: string; files: Record<string, { sha256: string; modified: boolean }> };

export async function measuredCode(files: readonly string[]): Promise<MeasuredCode> {
  const git = async (...args: string[]) => (await promisify(execFile)('git', args, { cwd: root })).stdout.trim();
  const commit = await git('rev-parse', 'HEAD').catch(() => 'unknown');
  const modified = new Set(
    (await git('status', '--porcelain', '--', ...files).catch(() => ''))
      .split('\n')
      .filter(Boolean)
      .map((l) => l.slice(3)),
  );
  const out: MeasuredCode['files'] = {};
  for (const f of files) {
    const sha256 = createHash('sha256')
      .update(await readFile(path.join(root, f)))
      .digest('hex')
      .slice(0, 16);
    out[f] = { sha256, modified: modified.has(f) };
  }
  return { commit, files: out };
}
