import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// Lint, format and type checks run inside `npm test` so they count in CI's
// totals like any other test; each must finish with zero findings.
const root = path.resolve(import.meta.dirname, '../..');
const bin = (name: string) => path.join(root, 'node_modules/.bin', name);

function check(cmd: string, args: string[]) {
  const res = spawnSync(bin(cmd), args, { cwd: root, encoding: 'utf8', timeout: 300_000 });
  return { status: res.status, output: `${res.stdout}\n${res.stderr}`.trim() };
}

describe('code quality', () => {
  it('eslint: zero warnings, layering enforced', { timeout: 300_000 }, () => {
    const res = check('eslint', ['.', '--max-warnings', '0']);
    expect(res.output, res.output).not.toMatch(/problem/);
    expect(res.status).toBe(0);
  });

  it('prettier: every file formatted', { timeout: 120_000 }, () => {
    const res = check('prettier', ['--check', '.', '--log-level', 'warn']);
    expect(res.status, res.output).toBe(0);
  });

  it('tsc: the whole repo type-checks in strict mode', { timeout: 300_000 }, () => {
    const res = check('tsc', ['-p', 'tsconfig.json', '--noEmit']);
    expect(res.status, res.output).toBe(0);
    for (const project of ['web/tsconfig.json', 'load-tests/tsconfig.json']) {
      const res = check('tsc', ['-p', project, '--noEmit']);
      expect(res.status, `${project}\n${res.output}`).toBe(0);
    }
  });

  it('svelte-check: the web app, components included, type-checks with no errors or warnings', { timeout: 300_000 }, () => {
    // tsc cannot read *.svelte; svelte-check type-checks their scripts and markup
    // (plus the web's .ts files) and reports Svelte's compiler and a11y warnings.
    const res = check('svelte-check', ['--tsconfig', './web/tsconfig.json', '--fail-on-warnings', '--output', 'human', '--no-color']);
    expect(res.output, res.output).toMatch(/svelte-check found 0 errors and 0 warnings/);
    expect(res.status, res.output).toBe(0);
  });
});
