/** Path parameters by name, already URI-decoded: `/live/:streamId` gives `{ streamId }`. */
export type RouteParams = Record<string, string>;

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
 * `/login?next=...`. Only paths inside this app are honoured, so a crafted link
 * cannot bounce someone to another site (`//evil.example` is protocol-relative).
 */
export function safeNextPath(next: string | null | undefined, fallback = '/'): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return fallback;
  if (next === '/api' || next.startsWith('/api/')) return fallback;
  return next;
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
