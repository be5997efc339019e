import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, apiFetch, errorMessage } from '../src/lib/api.js';

function stubFetch(handler: (url: string, init: RequestInit) => Response | Promise<Response>) {
  const fn = vi.fn((url: string, init: RequestInit) => Promise.resolve(handler(url, init)));
  vi.stubGlobal('fetch', fn);
  return fn;
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('apiFetch', () => {
  it('sends JSON with same-origin credentials and parses the answer', async () => {
    const fetch = stubFetch(() => json(200, { user: { id: 'u1' } }));
    await expect(apiFetch('/api/auth/login', { body: { email: 'a@b.c', password: 'pw' } })).resolves.toEqual({
      user: { id: 'u1' },
    });
    const [url, init] = fetch.mock.calls[0] ?? [];
    expect(url).toBe('/api/auth/login');
    expect(init).toMatchObject({
      method: 'POST',
      credentials: 'same-origin',
      body: '{"email":"a@b.c","password":"pw"}',
    });
    expect((init?.headers as Record<string, string>)['Content-Type']).toBe('application/json');
  });

  it("throws ApiError carrying the api's type, code, message and param", async () => {
    stubFetch(() =>
      json(400, {
        error: { type: 'invalid_request_error', code: 'invalid_email', message: 'Bad email', param: 'email' },
      }),
    );
    const err = await apiFetch('/api/auth/login', { body: {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({
      status: 400,
      type: 'invalid_request_error',
      code: 'invalid_email',
      message: 'Bad email',
      param: 'email',
    });
  });

  it('gives a readable message when the body is not an api error', async () => {
    stubFetch(() => new Response('<html>Bad gateway</html>', { status: 502 }));
    const err = await apiFetch('/api/me').catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 502, code: 'http_502' });
    expect(errorMessage(err)).toMatch(/went wrong/);
  });

  it('turns a network failure into ApiError status 0', async () => {
    stubFetch(() => Promise.reject(new TypeError('Failed to fetch')));
    await expect(apiFetch('/api/me')).rejects.toMatchObject({ status: 0, code: 'network_error' });
  });

  it('returns undefined for an empty 204', async () => {
    stubFetch(() => new Response(null, { status: 204 }));
    await expect(apiFetch('/api/auth/logout', { method: 'POST' })).resolves.toBeUndefined();
  });

  it('uploads a Blob as raw bytes with its own content type', async () => {
    const fetch = stubFetch(() => json(201, { id: 'i1', url: '/media/images/i1' }));
    const file = new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], { type: 'image/png' });
    await apiFetch('/api/listings/l1/images', { method: 'POST', body: file });
    const [, init] = fetch.mock.calls[0] ?? [];
    expect(init?.body).toBe(file);
    expect((init?.headers as Record<string, string>)['Content-Type']).toBe('image/png');
  });

  it('rethrows aborts untouched', async () => {
    stubFetch(() => Promise.reject(new DOMException('aborted', 'AbortError')));
    await expect(apiFetch('/api/me')).rejects.toMatchObject({ name: 'AbortError' });
  });
});
