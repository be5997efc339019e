import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BENCH_TABLES, blockText, lineDiff, readBenchTables, renderBenchTables, writeBenchTables } from './readme-tables.js';

/**
 * `npm run bench:tables`: rewrites README.md's benchmark blocks
 * (`<!-- bench-table:<name> -->` … `<!-- /bench-table:<name> -->`) from
 * load-tests/results/<name>-latest.json. `-- --check`: changes nothing, prints
 * what differs and exits 1 when the README disagrees with the results files.
 */
const USAGE = `usage: npm run bench:tables [-- --check]
Renders the README's benchmark tables from load-tests/results/<name>-latest.json
(${BENCH_TABLES.join(', ')}) and writes them between their markers in README.md.
--check: write nothing; exit 1 and show the differences when README.md disagrees.`;

const root = path.resolve(import.meta.dirname, '../../..');
const readmePath = path.join(root, 'README.md');

function main(argv: string[]): number {
  const unknown = argv.filter((a) => a !== '--check');
  if (unknown.length > 0) {
    console.error(unknown.includes('--help') || unknown.includes('-h') ? USAGE : `unknown argument ${unknown[0]}\n\n${USAGE}`);
    return unknown.includes('--help') || unknown.includes('-h') ? 0 : 2;
  }
  const check = argv.includes('--check');
  const readme = readFileSync(readmePath, 'utf8');
  const blocks = renderBenchTables();
  const current = readBenchTables(readme);
  const stale = BENCH_TABLES.filter((name) => current.get(name) !== blockText(blocks[name]));
  if (!check) {
    const next = writeBenchTables(readme, blocks);
    if (next !== readme) writeFileSync(readmePath, next);
    console.log(
      stale.length ? `README.md: rewrote ${stale.join(', ')}` : 'README.md: every benchmark table already matches its results file',
    );
    return 0;
  }
  if (stale.length === 0) {
    console.log(`README.md: the benchmark tables match load-tests/results (${BENCH_TABLES.join(', ')})`);
    return 0;
  }
  for (const name of stale) {
    const have = current.get(name);
    console.log(
      `\nREADME.md, bench-table:${name} — ${have === undefined ? 'markers missing' : `differs from load-tests/results/${name}-latest.json`}:`,
    );
    for (const line of lineDiff((have ?? '').trim(), blocks[name])) console.log(`  ${line}`);
  }
  console.log(
    `\n${stale.length} table(s) out of date: run \`npm run bench:tables\` (README lines starting "-" would become the "+" lines).`,
  );
  return 1;
}

process.exitCode = main(process.argv.slice(2));
