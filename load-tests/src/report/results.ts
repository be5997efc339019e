import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** load-tests/results: where every scenario's reports go unless told otherwise. */
export const defaultResultsDir = path.resolve(import.meta.dirname, '../../results');

/**
 * Writes `<scenario>-<startedAt>.json`, `<scenario>-latest.json` and
 * `<scenario>-latest.svg` into `outDir`; returns their paths. With
 * `latest: false` (a quick or partial run) only the timestamped file.
 */
export async function writeResults(
  outDir: string,
  scenario: string,
  report: { startedAt: string },
  svg: string,
  { latest = true }: { latest?: boolean } = {},
): Promise<string[]> {
  await mkdir(outDir, { recursive: true });
  const json = `${JSON.stringify(report, null, 2)}\n`;
  // Colons are not portable in file names.
  const stamped = path.join(outDir, `${scenario}-${report.startedAt.replace(/:/g, '-')}.json`);
  if (!latest) {
    await writeFile(stamped, json);
    return [stamped];
  }
  const files = [stamped, path.join(outDir, `${scenario}-latest.json`), path.join(outDir, `${scenario}-latest.svg`)];
  await Promise.all([writeFile(files[0]!, json), writeFile(files[1]!, json), writeFile(files[2]!, svg)]);
  return files;
}
