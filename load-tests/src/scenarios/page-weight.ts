import { formatPageWeightReport, pageWeightChart } from '../page-weight/output.js';
import { runPageWeightBench, type PageWeightOptions } from '../page-weight/run.js';
import { ENCODINGS, VIEWER_MODES, type Encoding, type ViewerMode } from '../page-weight/viewer.js';
import { defaultResultsDir, isFullRun, notFullNote, writeResults } from '../report/results.js';
import { flagsOrExitCode } from './flags.js';

const FULL = { rounds: 3, warmup: true };
const QUICK = { rounds: 1, warmup: false };
const VALUED = ['rounds', 'modes', 'encodings'];

const USAGE = `usage: npm run bench -- page-weight [--quick] [--rounds 3] [--modes webrtc,hls,fallback] [--encodings compressed,identity]
                                    [--no-write]
JavaScript a viewer downloads (bytes on the wire, decoded, requests) before the first frame of a live show,
measured with Chromium's DevTools Network events on the built web app, for a WebRTC viewer (?mode=webrtc), an
HLS viewer (?mode=hls) and a viewer who falls back from WebRTC to HLS (the SFU full); each compressed (the
browser's Accept-Encoding) and uncompressed (Accept-Encoding: identity) in the same run. One media-server
(RTC ports 46000–46099), one api and one creator live from /studio with Chromium's fake camera; each round
loads every mode × encoding once in rotated order in a fresh context. --quick: 1 round, no warm-up. Only a
full run (no option) rewrites page-weight-latest.json/.svg; any run writes page-weight-<time>.json.
BENCH_DATABASE_URL: admin connection (default postgresql://postgres@127.0.0.1:5432/postgres); the bench
creates its own database and drops it.`;

export async function main(argv: string[]): Promise<number> {
  const flags = flagsOrExitCode(argv, VALUED, USAGE);
  if (typeof flags === 'number') return flags;
  const { quick, value } = flags;
  const base = quick ? QUICK : FULL;
  const modes = (value('modes')?.split(',') ?? [...VIEWER_MODES]) as ViewerMode[];
  const encodings = (value('encodings')?.split(',') ?? [...ENCODINGS]) as Encoding[];
  const o: PageWeightOptions = {
    modes: VIEWER_MODES.filter((m) => modes.includes(m)),
    encodings: ENCODINGS.filter((e) => encodings.includes(e)),
    rounds: Number(value('rounds') ?? base.rounds),
    warmup: base.warmup,
    firstFrameTimeoutMs: 45_000,
    rtcMinPort: 46_000,
    rtcMaxPort: 46_099,
    adminUrl: process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres',
  };
  const valid =
    modes.every((m) => (VIEWER_MODES as readonly string[]).includes(m)) &&
    encodings.every((e) => (ENCODINGS as readonly string[]).includes(e)) &&
    o.modes.length > 0 &&
    o.encodings.length > 0 &&
    Number.isInteger(o.rounds) &&
    o.rounds >= 1 &&
    o.rounds <= 10;
  if (!valid) {
    console.error(USAGE);
    return 2;
  }
  const full = isFullRun(flags, VALUED);
  console.log(
    `page-weight bench: ${o.modes.join(', ')} × ${o.encodings.join(', ')}; ${o.rounds} round${o.rounds === 1 ? '' : 's'} in rotated order${o.warmup ? ' after a warm-up load per mode' : ''}${full ? '' : notFullNote('page-weight')}`,
  );
  const report = await runPageWeightBench(o, (line) => console.log(`  ${line}`), full);
  console.log(`\n${formatPageWeightReport(report)}`);
  if (!flags.noWrite)
    console.log(
      `\nwrote ${(await writeResults(defaultResultsDir, 'page-weight', report, pageWeightChart(report), { latest: full })).join(', ')}`,
    );
  return 0;
}
