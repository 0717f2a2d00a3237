/**
 * The address of what a window shows, kept in the URL's hash so a reload lands on the same view
 * with the same selections and back/forward step through views: `#/library?item=<id>`,
 * `#/compare?ref=<id>&with=<id>,<id>&frame=<n>`, `#/analysis?source=<id>`, `#/queue`, … The query
 * of the page itself (the `vq serve` token) is never touched. Pure: parsing is total, because a
 * hash can be typed or pasted by anyone.
 */
import { VIEWS, type ViewId } from '../model/viewList';

/** What a hash route says: the view and, per view, its selections. */
export type Route =
  | { view: 'library'; item: string | null }
  | { view: 'compare'; ref: string | null; with: string[]; frame: number }
  | { view: 'analysis'; source: string | null }
  | { view: Exclude<ViewId, 'library' | 'compare' | 'analysis'> };

/** Ids as the API takes them: letters, digits, `-` and `_`, at most 64. */
const ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Panes Compare shows next to the source at most. */
const MAX_WITH = 3;

function id(value: string | null): string | null {
  return value !== null && ID.test(value) ? value : null;
}

function isView(name: string): name is ViewId {
  return VIEWS.some((v) => v.id === name);
}

/** The route a hash names; null for a hash that is not a route (empty, `#main`, nonsense). */
export function parseRoute(hash: string): Route | null {
  const m = /^#\/([a-z]+)(?:\?(.*))?$/.exec(hash);
  if (!m || !isView(m[1]!)) return null;
  const view = m[1];
  const params = new URLSearchParams(m[2] ?? ''); // never throws; bad escapes become U+FFFD
  switch (view) {
    case 'library':
      return { view, item: id(params.get('item')) };
    case 'compare': {
      const frame = Number(params.get('frame') ?? '0');
      const withIds = (params.get('with') ?? '')
        .split(',')
        .map((s) => id(s))
        .filter((s): s is string => s !== null);
      return {
        view,
        ref: id(params.get('ref')),
        with: [...new Set(withIds)].slice(0, MAX_WITH),
        frame: Number.isSafeInteger(frame) && frame >= 0 ? frame : 0,
      };
    }
    case 'analysis':
      return { view, source: id(params.get('source')) };
    default:
      return { view };
  }
}

/** The ids a window has loaded; null while a list is still loading (then none of its ids is dropped). */
export interface KnownIds {
  items: ReadonlySet<string> | null;
  renditions: ReadonlySet<string> | null;
}

/**
 * The route without the ids that name nothing loaded: an address from history (Back) can name an
 * item or rendition removed since. Compare's panes go with an unknown source; a pane may be a
 * rendition or another library item.
 */
export function knownRoute(route: Route, known: KnownIds): Route {
  const item = (id: string | null): string | null =>
    id !== null && (known.items === null || known.items.has(id)) ? id : null;
  switch (route.view) {
    case 'library':
      return { ...route, item: item(route.item) };
    case 'analysis':
      return { ...route, source: item(route.source) };
    case 'compare': {
      const ref = item(route.ref);
      const pane = (id: string): boolean =>
        known.items === null ||
        known.renditions === null ||
        known.items.has(id) ||
        known.renditions.has(id);
      return { ...route, ref, with: ref === null ? [] : route.with.filter(pane) };
    }
    default:
      return route;
  }
}

/** The hash of a route (`#/compare?ref=a&with=b,c&frame=12`); selections left out when empty. */
export function routeHash(route: Route): string {
  const params = new URLSearchParams();
  switch (route.view) {
    case 'library':
      if (route.item) params.set('item', route.item);
      break;
    case 'compare':
      if (route.ref) params.set('ref', route.ref);
      if (route.with.length) params.set('with', route.with.join(','));
      if (route.frame > 0) params.set('frame', String(route.frame));
      break;
    case 'analysis':
      if (route.source) params.set('source', route.source);
      break;
    default:
      break;
  }
  // Ids never need escaping; a literal comma reads better than %2C.
  const query = params.toString().replace(/%2C/g, ',');
  return `#/${route.view}${query ? `?${query}` : ''}`;
}
