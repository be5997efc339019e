import { describe, expect, it } from 'vitest';
import { matchPath, safeNextPath } from '../src/lib/match.js';

describe('matchPath', () => {
  it('matches static paths, ignoring a trailing slash', () => {
    expect(matchPath('/', '/')).toEqual({});
    expect(matchPath('/orders', '/orders')).toEqual({});
    expect(matchPath('/orders', '/orders/')).toEqual({});
    expect(matchPath('/orders', '/order')).toBeNull();
    expect(matchPath('/', '/orders')).toBeNull();
  });

  it('extracts decoded parameters', () => {
    expect(matchPath('/live/:streamId', '/live/abc-123')).toEqual({ streamId: 'abc-123' });
    expect(matchPath('/shops/:id', '/shops/caf%C3%A9')).toEqual({ id: 'café' });
  });

  it('rejects missing, extra and undecodable segments', () => {
    expect(matchPath('/live/:streamId', '/live')).toBeNull();
    expect(matchPath('/live/:streamId', '/live/a/b')).toBeNull();
    expect(matchPath('/live/:streamId', '/live/%E0%A4%A')).toBeNull();
  });
});

describe('safeNextPath', () => {
  it('keeps paths inside the app', () => {
    expect(safeNextPath('/listings/42?ref=live')).toBe('/listings/42?ref=live');
  });

  it('falls back for anything that could leave the app', () => {
    for (const next of [null, undefined, '', 'https://evil.example', '//evil.example', '/\\evil.example', '/api/me']) {
      expect(safeNextPath(next)).toBe('/');
    }
  });
});
