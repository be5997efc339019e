import { describe, expect, it } from 'vitest';
import { KeyedThrottle } from '../src/services/keyed-throttle.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('KeyedThrottle (room-wide work at most once a window)', () => {
  it('runs a quiet key at once, folds the rest of the window into one trailing run, per key', async () => {
    const runs: [string, number, number, boolean][] = [];
    const t = new KeyedThrottle<number>(
      (key, v, folded, trailing) => {
        runs.push([key, v, folded, trailing]);
        return Promise.resolve();
      },
      Math.max,
      60,
    );
    await t.push('a', 1);
    expect(runs).toEqual([['a', 1, 0, false]]);
    for (const v of [5, 3, 9, 2]) await t.push('a', v);
    await t.push('b', 7);
    expect(runs).toEqual([
      ['a', 1, 0, false],
      ['b', 7, 0, false],
    ]);
    await sleep(100);
    expect(runs).toContainEqual(['a', 9, 3, true]);
    expect(runs).toHaveLength(3);
    // The trailing run opened a new window: the next push is folded, not run at once.
    await t.push('a', 4);
    expect(runs).toHaveLength(3);
    await t.close(true);
    expect(runs.at(-1)).toEqual(['a', 4, 0, true]);
    await t.push('a', 8);
    expect(runs).toHaveLength(4);
  });
});
