import { vi } from 'vitest';

// A scripted api for manager tests: each route ("METHOD url") answers with the
// next queued response; every request is recorded with its headers and body.
// Call vi.unstubAllGlobals() after each test.

export interface Call {
  key: string;
  headers: Record<string, string>;
  body: unknown;
}

export const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
export const failure = (status: number, code: string, message: string) =>
  json(status, { error: { type: 'invalid_request_error', code, message } });

export function fakeApi(routes: Record<string, (() => Response | Promise<Response>)[]>): Call[] {
  const calls: Call[] = [];
  vi.stubGlobal('fetch', (url: string, init: RequestInit) => {
    const key = `${init.method ?? 'GET'} ${url}`;
    calls.push({
      key,
      headers: init.headers as Record<string, string>,
      body: typeof init.body === 'string' ? JSON.parse(init.body) : init.body,
    });
    const next = routes[key]?.shift();
    if (!next) throw new Error(`unexpected request ${key}`);
    return Promise.resolve(next());
  });
  return calls;
}
