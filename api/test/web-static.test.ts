import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi } from '../../test/support/api.js';
import type { RunningApi } from '../src/server.js';

/**
 * The built web app is served pre-compressed: brotli when the browser takes
 * it, else gzip, else the plain file — the same bytes once decoded, cached
 * for a year, and never compressed again per request.
 */
const dist = path.resolve(import.meta.dirname, '../../web/dist');
let api: RunningApi;
beforeAll(async () => {
  api = await startTestApi({ env: { WEB_DIST: dist, SCHEDULER_INTERVAL_SECONDS: '0' } });
});
afterAll(async () => {
  await api.close();
});

const fetchRaw = (url: string, acceptEncoding: string) =>
  // undici decodes bodies it knows; ask for the raw bytes by naming the encoding ourselves and reading them as such.
  fetch(url, { headers: { 'accept-encoding': acceptEncoding } });

describe('the web app on the wire', () => {
  it('sends the biggest script brotli- or gzip-compressed as the browser accepts, identical once decoded', async () => {
    const assets = readdirSync(path.join(dist, 'assets')).filter((f) => f.endsWith('.js'));
    const biggest = assets.map((f) => ({ f, size: readFileSync(path.join(dist, 'assets', f)).length })).sort((a, b) => b.size - a.size)[0]!;
    const plain = readFileSync(path.join(dist, 'assets', biggest.f));
    const url = `${api.url}/assets/${biggest.f}`;

    const br = await fetchRaw(url, 'gzip, deflate, br');
    expect(br.headers.get('content-encoding')).toBe('br');
    expect(br.headers.get('vary')).toMatch(/Accept-Encoding/i);
    expect(br.headers.get('cache-control')).toContain('immutable');
    const brBytes = Buffer.from(await br.arrayBuffer());
    // fetch decodes br itself: either way the bytes must be the script.
    const decodedBr = brBytes.equals(plain) ? brBytes : brotliDecompressSync(brBytes);
    expect(decodedBr.equals(plain)).toBe(true);

    const gz = await fetchRaw(url, 'gzip');
    expect(gz.headers.get('content-encoding')).toBe('gzip');
    const gzBytes = Buffer.from(await gz.arrayBuffer());
    expect((gzBytes.equals(plain) ? gzBytes : gunzipSync(gzBytes)).equals(plain)).toBe(true);

    const none = await fetchRaw(url, 'identity');
    expect(none.headers.get('content-encoding')).toBeNull();
    expect(Buffer.from(await none.arrayBuffer()).equals(plain)).toBe(true);
  });

  it('answers a client route (a deep link) with the compressed index.html too', async () => {
    const plain = readFileSync(path.join(dist, 'index.html'));
    const res = await fetchRaw(`${api.url}/live/00000000-0000-4000-8000-000000000000`, 'gzip, deflate, br');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-encoding')).toBe('br');
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect((bytes.equals(plain) ? bytes : brotliDecompressSync(bytes)).equals(plain)).toBe(true);
    const none = await fetchRaw(`${api.url}/live/00000000-0000-4000-8000-000000000000`, 'identity');
    expect(none.headers.get('content-encoding')).toBeNull();
    expect(Buffer.from(await none.arrayBuffer()).equals(plain)).toBe(true);
  });

  it('compresses to a fraction: the brotli copy of every script is under half its size', () => {
    for (const f of readdirSync(path.join(dist, 'assets')).filter((n) => n.endsWith('.js') && !n.endsWith('.map'))) {
      const plain = readFileSync(path.join(dist, 'assets', f)).length;
      if (plain < 4096) continue;
      expect(readFileSync(path.join(dist, 'assets', `${f}.br`)).length).toBeLessThan(plain / 2);
    }
  });
});
