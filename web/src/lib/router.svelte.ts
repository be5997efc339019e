import { tick, type Component } from 'svelte';
import { matchPath, type PathParams, type RouteParams } from './match.js';

/** A page receives its path parameters as props: `/live/:streamId` → `{ streamId }`. */
export type PageComponent = Component<RouteParams>;

export interface Route {
  /** `/shops/:id` style pattern; see matchPath. */
  path: string;
  /** Static document title; pages with loaded data may refine it. */
  title: string;
  load: () => Promise<{ default: PageComponent }>;
}

/**
 * A route whose page takes exactly the parameters its path names, checked when
 * the route table compiles: `/live/:streamId` needs a page with a `streamId`
 * prop, and a path without parameters a page without props.
 */
export function defineRoute<P extends string>(path: P, title: string, load: () => Promise<{ default: Component<PathParams<P>> }>): Route {
  // matchPath gives the page exactly the names in its pattern, which is what
  // PathParams<P> spells out; Route forgets P so that all routes fit one table.
  return { path, title, load: load as Route['load'] };
}

/** What App renders: a loaded page and its props, keyed so a new path remounts it. */
export interface View {
  page: PageComponent;
  params: RouteParams;
  key: string;
}

type NavigationKind = 'initial' | 'push' | 'replace' | 'pop';

/**
 * A small history-API router. It owns the current location as runes state, so
 * pages read `router.path` / `router.query` instead of window.location and react
 * to navigation. Links stay plain `<a href>` (accessible, open-in-new-tab works):
 * one document listener turns same-origin clicks into pushState navigations.
 */
export class Router {
  path = $state('/');
  search = $state('');
  view = $state.raw<View | null>(null);
  /** True when the first page of this tab could not be loaded at all. */
  failed = $state(false);
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- re-derived from `search` on every navigation and only read; the URL changes through navigate(), never by mutating this
  readonly query = $derived(new URLSearchParams(this.search));

  #routes: Route[] = [];
  #notFound: Route | null = null;
  #seq = 0;

  /** Starts listening and renders the current URL; returns a stop function. */
  start(routes: Route[], notFound: Route): () => void {
    this.#routes = routes;
    this.#notFound = notFound;
    window.addEventListener('popstate', this.#onPopState);
    document.addEventListener('click', this.#onClick);
    void this.#resolve('initial');
    return () => {
      window.removeEventListener('popstate', this.#onPopState);
      document.removeEventListener('click', this.#onClick);
    };
  }

  navigate(to: string, options: { replace?: boolean } = {}): void {
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a local parse of an href, dropped when this function returns; never reactive state
    const url = new URL(to, location.href);
    if (url.origin !== location.origin) {
      location.assign(url.href);
      return;
    }
    const href = url.pathname + url.search + url.hash;
    if (options.replace) {
      history.replaceState(null, '', href);
    } else if (href === currentHref()) {
      // Same place again (e.g. the logo on the home page): just go to the top.
      window.scrollTo(0, 0);
      return;
    } else {
      history.pushState(null, '', href);
    }
    void this.#resolve(options.replace ? 'replace' : 'push');
  }

  /** For nav links: aria-current="page" on exact matches, or on sections by prefix. */
  isActive(href: string, exact = href === '/'): boolean {
    return exact ? this.path === href : this.path === href || this.path.startsWith(`${href}/`);
  }

  #onPopState = (): void => {
    void this.#resolve('pop');
  };

  #onClick = (event: MouseEvent): void => {
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const anchor = event.target instanceof Element ? event.target.closest('a') : null;
    if (!(anchor instanceof HTMLAnchorElement) || !anchor.hasAttribute('href')) return;
    if ((anchor.target && anchor.target !== '_self') || anchor.hasAttribute('download')) return;
    if (anchor.relList.contains('external')) return;
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a local parse of an href, dropped when this function returns; never reactive state
    const url = new URL(anchor.href, location.href);
    if (url.origin !== location.origin) return;
    // /api and /socket.io belong to the server, not to this app.
    if (url.pathname.startsWith('/api/') || url.pathname.startsWith('/socket.io/')) return;
    // In-page anchors (the skip link) keep the browser's own scroll and focus.
    if (url.hash && url.pathname === location.pathname && url.search === location.search) return;
    event.preventDefault();
    this.navigate(url.pathname + url.search + url.hash);
  };

  async #resolve(kind: NavigationKind): Promise<void> {
    const seq = ++this.#seq;
    this.path = location.pathname;
    this.search = location.search;
    const { route, params } = this.#match(location.pathname);

    let module: { default: PageComponent };
    try {
      module = await route.load();
    } catch {
      if (seq !== this.#seq) return;
      // A page chunk that fails to load usually means a deploy replaced the hashed
      // files this tab was built against: a full load of the same URL gets the new
      // ones. On the very first page that would loop, so show an error instead.
      if (kind === 'initial') this.failed = true;
      else location.reload();
      return;
    }
    if (seq !== this.#seq) return; // a later navigation won the race

    document.title = route.path === '/' ? 'Hawker · Live shopping' : `${route.title} · Hawker`;
    this.view = { page: module.default, params, key: location.pathname };
    if (kind === 'initial') return;

    await tick();
    // Move focus to the new content so keyboard and screen-reader users start
    // there instead of on the link they clicked, which is now gone.
    document.getElementById('main')?.focus({ preventScroll: true });
    const anchor = location.hash ? document.getElementById(location.hash.slice(1)) : null;
    if (anchor) anchor.scrollIntoView();
    else if (kind !== 'pop') window.scrollTo(0, 0);
  }

  #match(pathname: string): { route: Route; params: RouteParams } {
    for (const route of this.#routes) {
      const params = matchPath(route.path, pathname);
      if (params) return { route, params };
    }
    if (!this.#notFound) throw new Error('router used before start()');
    return { route: this.#notFound, params: {} };
  }
}

function currentHref(): string {
  return location.pathname + location.search + location.hash;
}

/** The app's one router; main.ts starts it with the route table. */
export const router = new Router();
