import { describe, it, expect } from 'vitest';
import os from 'node:os';
import path from 'node:path';
import { loadMediaConfig } from '../src/config.js';
import { MediaConfigError } from '../src/errors.js';

function configError(env: NodeJS.ProcessEnv): MediaConfigError {
  try {
    loadMediaConfig(env);
  } catch (error) {
    if (error instanceof MediaConfigError) return error;
    throw error;
  }
  throw new Error('expected loadMediaConfig to throw');
}

/** The one variable without a default. */
const SECRET = 'a'.repeat(32);
const repoRoot = path.resolve(import.meta.dirname, '..', '..');

describe('loadMediaConfig', () => {
  it('applies the documented defaults when only the secret is set', () => {
    expect(loadMediaConfig({ MEDIA_TOKEN_SECRET: SECRET })).toEqual({
      port: 4000,
      host: '127.0.0.1',
      numWorkers: os.availableParallelism(),
      rtcMinPort: 40000,
      rtcMaxPort: 49999,
      rtcListenIp: '0.0.0.0',
      announcedIp: '127.0.0.1',
      logLevel: 'info',
      mediaTokenSecret: SECRET,
      apiInternalUrl: undefined,
      hlsDir: path.join(repoRoot, 'data', 'hls'),
      maxWebrtcViewersPerStream: 500 * os.availableParallelism(),
      publisherGraceMs: 15_000,
      sendPath: 'auto',
    });
  });

  it('requires a secret of at least 32 characters and never echoes it', () => {
    expect(configError({}).issues).toEqual([{ variable: 'MEDIA_TOKEN_SECRET', message: expect.stringContaining('required') }]);
    const short = configError({ MEDIA_TOKEN_SECRET: 'hunter2-but-longer' });
    expect(short.issues[0]).toEqual({ variable: 'MEDIA_TOKEN_SECRET', message: 'must be at least 32 characters' });
    expect(short.message).not.toContain('hunter2');
  });

  it('reads the media settings and scales the viewer cap with the workers', () => {
    const config = loadMediaConfig({
      MEDIA_TOKEN_SECRET: SECRET,
      MEDIA_WORKERS: '3',
      API_INTERNAL_URL: 'http://127.0.0.1:3000',
      HLS_DIR: 'relative/hls',
      PUBLISHER_GRACE_MS: '0',
    });
    expect(config).toMatchObject({ apiInternalUrl: 'http://127.0.0.1:3000', maxWebrtcViewersPerStream: 1500, publisherGraceMs: 0 });
    expect(config.hlsDir).toBe(path.resolve('relative/hls'));
    expect(loadMediaConfig({ MEDIA_TOKEN_SECRET: SECRET, MAX_WEBRTC_VIEWERS_PER_STREAM: '7' }).maxWebrtcViewersPerStream).toBe(7);
    const bad = configError({ MEDIA_TOKEN_SECRET: SECRET, API_INTERNAL_URL: 'ftp://api', MAX_WEBRTC_VIEWERS_PER_STREAM: '0' });
    expect(bad.issues.map((i) => i.variable).sort()).toEqual(['API_INTERNAL_URL', 'MAX_WEBRTC_VIEWERS_PER_STREAM']);
  });

  it('reads every variable and treats empty strings as unset', () => {
    const config = loadMediaConfig({
      MEDIA_TOKEN_SECRET: SECRET,
      MEDIA_PORT: '0',
      MEDIA_HOST: '0.0.0.0',
      MEDIA_WORKERS: '3',
      RTC_MIN_PORT: '50000',
      RTC_MAX_PORT: '50099',
      MEDIA_ANNOUNCED_IP: '203.0.113.7',
      LOG_LEVEL: '',
    });
    expect(config).toMatchObject({ port: 0, host: '0.0.0.0', numWorkers: 3, rtcMinPort: 50000, rtcMaxPort: 50099 });
    expect(config.announcedIp).toBe('203.0.113.7');
    expect(config.logLevel).toBe('info');
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('names every bad variable in one error', () => {
    const error = configError({ MEDIA_TOKEN_SECRET: SECRET, MEDIA_PORT: '80a', LOG_LEVEL: 'loud', MEDIA_ANNOUNCED_IP: 'not-an-ip' });
    expect(error.issues.map((i) => i.variable).sort()).toEqual(['LOG_LEVEL', 'MEDIA_ANNOUNCED_IP', 'MEDIA_PORT']);
    expect(error.message).toContain('MEDIA_PORT: must be a whole number between 0 and 65535 (got "80a")');
  });

  it('rejects ports that parse loosely as numbers', () => {
    for (const MEDIA_PORT of ['1e3', '0x10', '-1', '4000.5', '70000']) {
      expect(configError({ MEDIA_TOKEN_SECRET: SECRET, MEDIA_PORT }).issues[0]?.variable).toBe('MEDIA_PORT');
    }
  });

  it('rejects an RTC range that is inverted or too small for the workers', () => {
    expect(configError({ MEDIA_TOKEN_SECRET: SECRET, RTC_MIN_PORT: '5000', RTC_MAX_PORT: '4000' }).message).toContain('RTC_MAX_PORT');
    expect(
      configError({ MEDIA_TOKEN_SECRET: SECRET, MEDIA_WORKERS: '4', RTC_MIN_PORT: '5000', RTC_MAX_PORT: '5002' }).issues[0]?.variable,
    ).toBe('MEDIA_WORKERS');
  });
});
