import { parseArgs } from 'node:util';
import { defaultResultsDir } from '../report/results.js';

export interface SfuOptions {
  /** Viewer counts to hold, ascending. */
  steps: number[];
  /** Measurement window per step and target. */
  stepSeconds: number;
  /** Time after adding viewers and before measuring (key frame, queues settle). */
  settleSeconds: number;
  /** No new step starts if it would end after this (whole run, set-up included). */
  maxWallSeconds: number;
  /** Also run mediasoup with SRTP off: splits mediasoup's cost from SRTP's. */
  plain: boolean;
  /** Also run the libuv-only worker build with SRTP: what io_uring gains. */
  libuv: boolean;
  /** Run the plain Node relay at the same steps (the baseline). */
  baseline: boolean;
  /** A target stops ramping after this many unhealthy steps in a row. */
  stopAfterUnhealthy: number;
  sinkSockets: number;
  /** Port range for the workers (split between them): one port per viewer; away from the dev server's 40000-49999. */
  rtcMinPort: number;
  rtcMaxPort: number;
  quick: boolean;
  /** Where sfu-*.json/svg go; undefined: do not write files. */
  outDir: string | undefined;
}

// Past every target's limit on this machine (the relay carried 1,200+): a full run ramps until each target fails.
export const FULL_STEPS = [50, 100, 200, 400, 600, 800, 1000, 1200, 1600, 2000, 2400, 3200];
export const QUICK_STEPS = [20, 50, 100];

export function defaultOptions(quick: boolean): SfuOptions {
  return {
    steps: quick ? QUICK_STEPS : FULL_STEPS,
    stepSeconds: quick ? 1.5 : 5,
    settleSeconds: quick ? 0.5 : 1,
    maxWallSeconds: quick ? 60 : 1200,
    plain: true,
    libuv: true,
    baseline: true,
    stopAfterUnhealthy: 2,
    sinkSockets: 8,
    rtcMinPort: 50000,
    rtcMaxPort: 59999,
    quick,
    outDir: defaultResultsDir,
  };
}

export const USAGE = `usage: npm run bench -- sfu [options]
  --quick               ~20 s smoke run (steps ${QUICK_STEPS.join(',')}, 1.5 s holds)
  --max-viewers N       stop the ramp at N viewers (N is added as the last step)
  --steps a,b,c         viewer counts to hold (default ${FULL_STEPS.join(',')})
  --step-seconds S      measurement window per step (default 5, quick 1.5)
  --max-seconds S       wall-time budget for the whole run (default 1200, quick 60)
  --no-baseline         skip the plain Node relay baseline
  --no-plain            skip the mediasoup-without-SRTP run (what SRTP costs)
  --no-libuv            skip the libuv-only worker build (what io_uring gains)
  --out DIR             results directory (default load-tests/results)`;

function positive(name: string, value: string | undefined, integer: boolean): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n)))
    throw new Error(`--${name} must be a positive ${integer ? 'integer' : 'number'}, got '${value}'`);
  return n;
}

/** Parses the scenario's flags; throws with a message fit for the terminal. */
export function parseSfuArgs(argv: string[]): SfuOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      quick: { type: 'boolean', default: false },
      'max-viewers': { type: 'string' },
      steps: { type: 'string' },
      'step-seconds': { type: 'string' },
      'max-seconds': { type: 'string' },
      'no-baseline': { type: 'boolean', default: false },
      'no-plain': { type: 'boolean', default: false },
      'no-libuv': { type: 'boolean', default: false },
      out: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) throw new Error(USAGE);
  const options = defaultOptions(values.quick);
  if (values.steps !== undefined) {
    options.steps = values.steps.split(',').map((s) => positive('steps', s.trim(), true)!);
  }
  const maxViewers = positive('max-viewers', values['max-viewers'], true);
  if (maxViewers !== undefined) {
    options.steps = options.steps.filter((s) => s < maxViewers).concat(maxViewers);
  }
  options.steps = [...new Set(options.steps)].sort((a, b) => a - b);
  options.stepSeconds = positive('step-seconds', values['step-seconds'], false) ?? options.stepSeconds;
  options.maxWallSeconds = positive('max-seconds', values['max-seconds'], false) ?? options.maxWallSeconds;
  options.baseline = !values['no-baseline'];
  options.plain = !values['no-plain'];
  options.libuv = !values['no-libuv'];
  if (values.out !== undefined) options.outDir = values.out;
  const ports = portsPerWorker(options);
  if (options.steps.at(-1)! + 2 > ports) throw new Error(`at most ${ports - 2} viewers fit a worker's port range`);
  return options;
}

/** Each mediasoup target's worker gets an equal slice of the RTC port range (one port per viewer). */
export function portsPerWorker(options: Pick<SfuOptions, 'rtcMinPort' | 'rtcMaxPort' | 'plain' | 'libuv'>): number {
  const workers = 1 + Number(options.plain) + Number(options.libuv);
  return Math.floor((options.rtcMaxPort - options.rtcMinPort + 1) / workers);
}
