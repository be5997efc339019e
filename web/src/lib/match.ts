/** Path parameters by name, already URI-decoded: `/live/:streamId` gives `{ streamId }`. */
export type RouteParams = Record<string, string>;

/** The parameters a pattern names, as matchPath returns them: `/shops/:id` → `{ id: string }`. */
export type PathParams<Pattern extends string> = Pattern extends `${string}:${infer Name}/${infer Rest}`
  ? { [K in Name]: string } & PathParams<Rest>
  : Pattern extends `${string}:${infer Name}`
    ? { [K in Name]: string }
    : Record<never, never>;

/**
 * Matches a pattern such as `/listings/:id` against a pathname. Segments must
 * match one for one (no wildcards: every page of Hawker has a fixed shape), a
 * trailing slash is ignored, and a parameter must be non-empty and decodable.
 */
export function matchPath(pattern: string, pathname: string): RouteParams | null {
  const want = segments(pattern);
  const got = segments(pathname);
  if (want.length !== got.length) return null;
  const params: RouteParams = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i] ?? '';
    const g = got[i] ?? '';
    if (w.startsWith(':')) {
      const value = decode(g);
      if (value === null || value === '') return null;
      params[w.slice(1)] = value;
    } else if (w !== g) {
      return null;
    }
  }
  return params;
}

/**
 * Where to go after logging in when a page sent the person to
 * `/login?next=...`. `next` is resolved the way the browser would resolve it
 * against this page, and only a result on this same origin is honoured: the
 * URL parser strips tabs and newlines and reads `\\` as `/`, so string checks
 * alone let `/%09/evil.example` through as `//evil.example`. What comes back
 * is the normalized path, never the raw input.
 */
export function safeNextPath(next: string | null | undefined, origin = globalThis.location?.origin, fallback = '/'): string {
  if (!next || !origin || !next.startsWith('/')) return fallback;
  let url: URL;
  try {
    url = new URL(next, origin);
  } catch {
    return fallback;
  }
  if (url.origin !== origin) return fallback;
  if (url.pathname === '/api' || url.pathname.startsWith('/api/')) return fallback;
  return url.pathname + url.search + url.hash;
}

function segments(path: string): string[] {
  return path.split('/').filter((s) => s !== '');
}

function decode(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}
