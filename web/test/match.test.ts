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
  const origin = 'http://localhost:8080';

  it('keeps paths inside the app', () => {
    expect(safeNextPath('/listings/42?ref=live', origin)).toBe('/listings/42?ref=live');
    expect(safeNextPath('/live/abc#chat', origin)).toBe('/live/abc#chat');
    // Encoded slashes stay a path on this site; they are not a second authority.
    expect(safeNextPath('/%2F%2Fevil.example', origin)).toBe('/%2F%2Fevil.example');
  });

  it('falls back for anything that could leave the app', () => {
    const tricks = [
      null,
      undefined,
      '',
      'https://evil.example',
      '//evil.example',
      '/\\evil.example',
      '\\\\evil.example',
      '/\t/evil.example',
      '/\n/evil.example',
      '/\r\n/evil.example',
      '\t//evil.example',
      '/\t\\evil.example',
      '/\\/evil.example',
      'javascript:alert(1)',
      'java\tscript:alert(1)',
      'data:text/html,hi',
      'http:evil.example',
      '/api/me',
      '/api',
      '/./api/me',
      '/x/../api/me',
    ];
    for (const next of tricks) expect(safeNextPath(next, origin), String(next)).toBe('/');
  });

  it('what the browser decoded from ?next= is what gets checked', () => {
    const next = new URLSearchParams('next=%2F%09%2Fevil.example').get('next');
    expect(safeNextPath(next, origin)).toBe('/');
  });
});
