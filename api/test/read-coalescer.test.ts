import { describe, expect, it } from 'vitest';
import { ReadCoalescer } from '../src/services/read-coalescer.js';

/** A read whose calls are counted and finish when the test says so. */
function controlledRead() {
  const calls: { key: string; finish: (v: string) => void; fail: (e: Error) => void }[] = [];
  const read = (key: string) =>
    new Promise<string>((finish, fail) => {
      calls.push({ key, finish, fail });
    });
  return { calls, read };
}
const tick = () => new Promise((r) => setImmediate(r));

describe('ReadCoalescer (one query for a burst of identical reads, never older than the request)', () => {
  it('a burst shares the read in flight only if it started after them: two reads for 100 callers', async () => {
    const { calls, read } = controlledRead();
    const c = new ReadCoalescer(read);
    const first = c.get('room');
    const burst = Array.from({ length: 99 }, () => c.get('room'));
    expect(calls).toHaveLength(1);
    calls[0]!.finish('v1');
    expect(await first).toBe('v1');
    await tick();
    // The 99 asked while v1 was being read: they get the read that started after them.
    expect(calls).toHaveLength(2);
    calls[1]!.finish('v2');
    expect(new Set(await Promise.all(burst))).toEqual(new Set(['v2']));
    expect(calls).toHaveLength(2);
  });

  it('keys do not share, a failure reaches only its wave, and a quiet key reads afresh', async () => {
    const { calls, read } = controlledRead();
    const c = new ReadCoalescer(read);
    const a = c.get('a');
    const b = c.get('b');
    expect(calls.map((x) => x.key)).toEqual(['a', 'b']);
    calls[0]!.fail(new Error('db down'));
    calls[1]!.finish('b1');
    await expect(a).rejects.toThrow('db down');
    expect(await b).toBe('b1');
    await tick();
    const again = c.get('a');
    expect(calls).toHaveLength(3);
    calls[2]!.finish('a2');
    expect(await again).toBe('a2');
  });

  it('with reuseMs, only a hot key (a storm) is served a recent value; a quiet key, and one this node changed, read fresh', async () => {
    const { calls, read } = controlledRead();
    const c = new ReadCoalescer(read, 60_000);
    const first = c.get('room');
    calls[0]!.finish('v1');
    expect(await first).toBe('v1');
    await tick();
    // Quiet: each request still gets a read that started after it.
    const quiet = c.get('room');
    expect(calls).toHaveLength(2);
    calls[1]!.finish('v2');
    expect(await quiet).toBe('v2');
    await tick();
    // A storm (more than 50 requests in a second): the recent value is shared, no new reads.
    const storm = Array.from({ length: 60 }, () => c.get('room'));
    // The first requests of the second are not hot yet: their reads (in flight, then one queued) finish as 'v3'.
    for (let i = 2; i < 4; i++) {
      await tick();
      calls[i]?.finish('v3');
    }
    const values = await Promise.all(storm);
    expect(values.slice(-5)).toEqual(['v2', 'v2', 'v2', 'v2', 'v2']);
    expect(calls.length).toBeLessThanOrEqual(4);
    c.forget('room');
    const fresh = c.get('room');
    expect(calls.at(-1)!.key).toBe('room');
    calls.at(-1)!.finish('v4');
    expect(await fresh).toBe('v4');
  });
});
