import { parseArgs } from 'node:util';

/**
 * The flags every small scenario shares (--quick, --no-write, --help) plus its
 * own valued ones, parsed strictly: an unknown flag or a missing value prints
 * the reason and returns undefined (the caller exits 2) instead of running a
 * bench with a setting nobody asked for.
 */
export function scenarioFlags(argv: string[], valued: string[]) {
  try {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        quick: { type: 'boolean', default: false },
        'no-write': { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
        ...Object.fromEntries(valued.map((name) => [name, { type: 'string' as const }])),
      },
    });
    const value = (name: string): string | undefined => {
      const v = (values as Record<string, unknown>)[name];
      return typeof v === 'string' ? v : undefined;
    };
    return { quick: values.quick === true, noWrite: values['no-write'] === true, help: values.help === true, value };
  } catch (err) {
    console.error((err as Error).message);
    return undefined;
  }
}

export type ScenarioFlags = NonNullable<ReturnType<typeof scenarioFlags>>;

/**
 * scenarioFlags, then --help: the flags to run with, or the exit code to
 * return at once (2: the flags were wrong, 0: the usage was printed).
 */
export function flagsOrExitCode(argv: string[], valued: string[], usage: string): ScenarioFlags | number {
  const flags = scenarioFlags(argv, valued);
  if (!flags) return 2;
  if (flags.help) {
    console.log(usage);
    return 0;
  }
  return flags;
}
