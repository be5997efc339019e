import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SEGMENT_SECONDS } from '../../media-server/src/hls-ffmpeg.js';

const root = path.resolve(import.meta.dirname, '../..');
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');

/** Facts the README states that the code decides: a change to one without the other fails here. */
describe('the README agrees with the code', () => {
  it('gives the HLS segment length the media-server uses', () => {
    const stated = [...readme.matchAll(/(\d+(?:\.\d+)?) s segments/g)].map((m) => Number(m[1]));
    expect(stated.length).toBeGreaterThan(0);
    expect(new Set(stated)).toEqual(new Set([SEGMENT_SECONDS]));
  });
});
