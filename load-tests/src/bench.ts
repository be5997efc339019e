import { existsSync } from 'node:fs';

/**
 * `npm run bench -- <name> [flags]` runs load-tests/src/scenarios/<name>.ts.
 * Each scenario exports `main(argv): Promise<exitCode>` and must close
 * everything it opens: the process ends when the scenario is done, without
 * process.exit(), so a leaked socket or child shows up as a hang.
 */
interface Scenario {
  main(argv: string[]): Promise<number>;
}

const [name, ...argv] = process.argv.slice(2);
const file = name && /^[a-z][a-z0-9-]*$/.test(name) ? new URL(`./scenarios/${name}.ts`, import.meta.url) : undefined;

if (!file || !existsSync(file)) {
  console.error(`usage: npm run bench -- <scenario> [flags]\nscenarios live in load-tests/src/scenarios/ (e.g. sfu)`);
  process.exitCode = 2;
} else {
  const scenario = (await import(file.href)) as Scenario;
  process.exitCode = await scenario.main(argv);
}
