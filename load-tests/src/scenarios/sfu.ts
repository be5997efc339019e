import { isDefaultRun, notFullNote, writeResults } from '../report/results.js';
import { defaultOptions, parseSfuArgs, USAGE } from '../sfu/options.js';
import { sfuChart } from '../sfu/output.js';
import { formatTable } from '../sfu/report.js';
import { runSfuBench } from '../sfu/run.js';

/**
 * `npm run bench -- sfu`: how many viewers one mediasoup worker carries,
 * packets forwarded per second per core, and forwarding latency, against a
 * plain Node relay in the same run. See load-tests/README (sfu section).
 * Only a full run (every option at its default, so the ramp goes on until a
 * step fails, with the relay and no-SRTP baselines; --out aside) rewrites
 * sfu-latest.json/.svg; any run writes sfu-<time>.json.
 */
export async function main(argv: string[]): Promise<number> {
  let options;
  try {
    options = parseSfuArgs(argv);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    console.error(message === USAGE ? message : `${message}\n\n${USAGE}`);
    return message === USAGE ? 0 : 2;
  }
  const full = isDefaultRun(options, defaultOptions(false), ['outDir']);
  console.log(
    `sfu bench: steps ${options.steps.join(', ')}; ${options.stepSeconds} s per step; budget ${options.maxWallSeconds} s${full ? '' : notFullNote('sfu')}`,
  );
  const report = await runSfuBench(options, (line) => console.log(`  ${line}`));
  console.log(`\n${formatTable(report)}`);
  if (options.outDir) {
    const files = await writeResults(options.outDir, 'sfu', report, sfuChart(report), { latest: full });
    console.log(`\nwrote ${files.join(', ')}`);
  }
  return 0;
}
