import { parseSfuArgs, USAGE } from '../sfu/options.js';
import { writeSfuReport } from '../sfu/output.js';
import { formatTable } from '../sfu/report.js';
import { runSfuBench } from '../sfu/run.js';

/**
 * `npm run bench -- sfu`: how many viewers one mediasoup worker carries,
 * packets forwarded per second per core, and forwarding latency, against a
 * plain Node relay in the same run. See load-tests/README (sfu section).
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
  console.log(`sfu bench: steps ${options.steps.join(', ')}; ${options.stepSeconds} s per step; budget ${options.maxWallSeconds} s`);
  const report = await runSfuBench(options, (line) => console.log(`  ${line}`));
  console.log(`\n${formatTable(report)}`);
  if (options.outDir) {
    const files = await writeSfuReport(report, options.outDir);
    console.log(`\nwrote ${files.join(', ')}`);
  }
  return 0;
}
