// History-API routing. Routes are data (routes.ts): a pattern and a lazily imported page, so each
// page is its own chunk. Plain <a href> links inside the app are intercepted, so links stay real
// links (keyboard, middle-click, "open in new tab" all work).
import type { Component } from 'svelte';

export interface RouteDef {
  path: string;
  load: () => Promise<{ default: Component<any> }>;
  /** Open without a session (the login page). */
  public?: boolean;
  /** The roles whose page it is; anyone else is shown NoAccessPage instead (the server refuses on its own). */
  roles?: readonly string[];
}

export interface Match {
  route: RouteDef;
  params: Record<string, string>;
  query: URLSearchParams;
  path: string;
}

function compile(path: string): RegExp {
  const src = path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:(\w+)/g, '(?<$1>[^/]+)');
  return new RegExp(`^${src}/?$`);
}

/**
 * Where a plain left click goes inside the app (path, query and hash), or null when the browser
 * should handle it: a modified click, a new window, a download, another origin, the API, a hash.
 */
export function inAppTarget(e: MouseEvent): string | null {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return null;
  const a = (e.target as Element | null)?.closest?.('a');
  if (!a || a.target || a.hasAttribute('download') || a.getAttribute('rel') === 'external') return null;
  const href = a.getAttribute('href');
  if (!href || href.startsWith('#')) return null;
  const url = new URL(href, location.href);
  if (url.origin !== location.origin || url.pathname.startsWith('/api/')) return null;
  return url.pathname + url.search + url.hash;
}

export class Router {
  /**
   * Raw, not a deep proxy: each navigation replaces the match whole, and its `route` must stay the
   * very object of the table, so that a new query string on the same page is the same route (a
   * proxy per match made every setQuery look like another route, and the shell re-mounted the page).
   */
  current = $state.raw<Match | null>(null);
  /**
   * Asked when the browser's back or forward button has changed the URL: true keeps the page as
   * it is (a page with unsaved work asks first, and puts its URL back; see state/leave-guard).
   */
  holdHistory: ((to: URL) => boolean) | null = null;
  private readonly table: Array<{ re: RegExp; route: RouteDef }>;

  constructor(
    routes: RouteDef[],
    private readonly fallback: RouteDef,
  ) {
    this.table = routes.map((route) => ({ re: compile(route.path), route }));
  }

  match(url: URL): Match {
    for (const { re, route } of this.table) {
      const m = re.exec(url.pathname);
      if (m) {
        const params: Record<string, string> = {};
        for (const [k, v] of Object.entries(m.groups ?? {})) params[k] = decodeURIComponent(v);
        return { route, params, query: url.searchParams, path: url.pathname };
      }
    }
    return { route: this.fallback, params: {}, query: url.searchParams, path: url.pathname };
  }

  start(): void {
    this.current = this.match(new URL(location.href));
    addEventListener('popstate', () => {
      const url = new URL(location.href);
      if (this.holdHistory?.(url)) return;
      this.current = this.match(url);
    });
    document.addEventListener('click', (e) => {
      const to = inAppTarget(e);
      if (to === null) return;
      e.preventDefault();
      this.navigate(to);
    });
  }

  navigate(to: string, opts: { replace?: boolean } = {}): void {
    const url = new URL(to, location.href);
    if (opts.replace) history.replaceState(null, '', url);
    else history.pushState(null, '', url);
    this.current = this.match(url);
    if (!opts.replace) scrollTo(0, 0);
  }

  /** Updates the query string of the current page without a new history entry per keystroke. */
  setQuery(values: Record<string, string | number | null | undefined>, opts: { push?: boolean } = {}): void {
    const url = new URL(location.href);
    for (const [k, v] of Object.entries(values)) {
      if (v === null || v === undefined || v === '') url.searchParams.delete(k);
      else url.searchParams.set(k, String(v));
    }
    if (url.href === location.href) return;
    if (opts.push) history.pushState(null, '', url);
    else history.replaceState(null, '', url);
    this.current = this.match(url);
  }
}
