import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** load-tests/results: where every scenario's reports go unless told otherwise. */
export const defaultResultsDir = path.resolve(import.meta.dirname, '../../results');

/*
 * The rule for `<scenario>-latest.*`: only a full run rewrites them, because the
 * README's benchmark tables are generated from those files (`npm run bench:tables`).
 * A full run is the scenario's defaults: no --quick and no option that changes what
 * is measured or how much of it (steps, rounds, sizes, seconds, rates, modes …).
 * Options that only say where the output goes (--out, --no-write) do not count.
 * Every other run writes only its timestamped `<scenario>-<startedAt>.json`, and
 * says so when it starts. Each scenario decides `full` with one of the two helpers
 * below and passes `{ latest: full }` to writeResults.
 */

/** For scenarios parsed with scenarioFlags: full when neither --quick nor any of `valued` was given. */
export function isFullRun(flags: { quick: boolean; value: (name: string) => string | undefined }, valued: readonly string[]): boolean {
  return !flags.quick && valued.every((name) => flags.value(name) === undefined);
}

/** For scenarios that parse into an options object: full when every measured option equals its default. */
export function isDefaultRun<T extends object>(options: T, defaults: T, ignore: readonly (keyof T)[]): boolean {
  return (Object.keys(defaults) as (keyof T)[]).every(
    (key) => ignore.includes(key) || JSON.stringify(options[key]) === JSON.stringify(defaults[key]),
  );
}

/** What a scenario prints when it starts a run that is not full. */
export const notFullNote = (scenario: string) => ` (not a full run: ${scenario}-latest.* stay as they are)`;

/**
 * Writes `<scenario>-<startedAt>.json`, `<scenario>-latest.json` and
 * `<scenario>-latest.svg` into `outDir`; returns their paths. With
 * `latest: false` (a quick or partial run; see the rule above) only the
 * timestamped file. A report that records `full: false` never rewrites latest.
 */
export async function writeResults(
  outDir: string,
  scenario: string,
  report: { startedAt: string; full?: boolean },
  svg: string,
  { latest = true }: { latest?: boolean } = {},
): Promise<string[]> {
  await mkdir(outDir, { recursive: true });
  const json = `${JSON.stringify(report, null, 2)}\n`;
  // Colons are not portable in file names.
  const stamped = path.join(outDir, `${scenario}-${report.startedAt.replace(/:/g, '-')}.json`);
  if (!latest || report.full === false) {
    await writeFile(stamped, json);
    return [stamped];
  }
  const files = [stamped, path.join(outDir, `${scenario}-latest.json`), path.join(outDir, `${scenario}-latest.svg`)];
  await Promise.all([writeFile(files[0]!, json), writeFile(files[1]!, json), writeFile(files[2]!, svg)]);
  return files;
}
