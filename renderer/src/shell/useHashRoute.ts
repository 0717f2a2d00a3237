/**
 * Keeps the page's address and what the window shows in step (see route.ts): on start and on
 * back/forward the hash is applied to the stores; when the view or a selection changes the hash
 * follows — a new history entry per view, the same entry for a selection (a frame stepped in
 * Compare is no step back). Only the hash changes: the page's path and query (`vq serve`'s token)
 * stay as they are.
 */
import { useEffect } from 'react';
import type { VqClient } from '../../../shared/api';
import { showAnalysisOf, useAnalysisStore } from '../stores/analysisStore';
import { showView, useAppStore } from '../stores/appStore';
import { openInCompare, useCompareShownStore } from '../stores/compareRequest';
import { selectItem, useLibraryStore } from '../stores/libraryStore';
import { useQueueStore } from '../stores/queueStore';
import { knownRoute, parseRoute, routeHash, type KnownIds, type Route } from './route';

/**
 * The address follows a selection at most this often (a throttle, not a debounce: playback steps
 * 30 frames a second and queue progress changes the stores all the time, so a debounce would
 * hold the address back for as long as either goes on).
 */
const SETTLE_MS = 250;

/** The route of what the stores say is shown. */
function currentRoute(): Route {
  const view = useAppStore.getState().view;
  switch (view) {
    case 'library':
      return { view, item: useLibraryStore.getState().selectedId };
    case 'compare': {
      const shown = useCompareShownStore.getState().shown;
      return {
        view,
        ref: shown?.sourceId ?? null,
        with: [...(shown?.renditionIds ?? [])],
        frame: shown?.frame ?? 0,
      };
    }
    case 'analysis':
      return { view, source: useAnalysisStore.getState().sourceId };
    default:
      return { view };
  }
}

/** The ids loaded (null for a list not loaded yet or not at all: the address may name its ids). */
function knownIds(): KnownIds {
  const library = useLibraryStore.getState();
  const queue = useQueueStore.getState();
  const loaded = (s: { loading: boolean; loadError: string | null }): boolean =>
    !s.loading && s.loadError === null;
  return {
    items: loaded(library) ? new Set(library.data.items.map((i) => i.id)) : null,
    renditions: loaded(queue) ? new Set(queue.data.renditions.map((r) => r.id)) : null,
  };
}

/**
 * Shows what a route names, leaving out ids that name nothing (removed since it was written);
 * true when some were left out.
 */
function applyRoute(named: Route, client: VqClient): boolean {
  const route = knownRoute(named, knownIds());
  switch (route.view) {
    case 'library':
      if (route.item) selectItem(route.item);
      showView('library');
      break;
    case 'compare':
      if (route.ref) openInCompare(route.ref, route.with, route.frame);
      else showView('compare');
      break;
    case 'analysis':
      if (route.source) showAnalysisOf(client, route.source);
      showView('analysis');
      break;
    default:
      showView(route.view);
  }
  return routeHash(route) !== routeHash(named);
}

/** Binds the hash to the stores for the life of the app shell. */
export function useHashRoute(client: VqClient): void {
  useEffect(() => {
    const start = parseRoute(window.location.hash);
    if (start) applyRoute(start, client);
    let shownView = useAppStore.getState().view;
    let timer: ReturnType<typeof setTimeout> | null = null;

    const write = (): void => {
      timer = null;
      // Until the library and the queue are loaded, a selection the address names cannot be
      // shown yet: writing now would drop it from the address.
      if (useLibraryStore.getState().loading || useQueueStore.getState().loading) return;
      const hash = routeHash(currentRoute());
      if (hash === window.location.hash) return;
      const view = useAppStore.getState().view;
      // A new entry when the view changed, so Back returns to the view before.
      if (view !== shownView && window.location.hash !== '') history.pushState(null, '', hash);
      else history.replaceState(null, '', hash);
      shownView = view;
    };
    const schedule = (): void => {
      if (applying) return;
      if (useAppStore.getState().view !== shownView) {
        if (timer) clearTimeout(timer);
        write(); // a view change is written at once
        return;
      }
      if (!timer) timer = setTimeout(write, SETTLE_MS);
    };
    let applying = false;
    const onPop = (): void => {
      const route = parseRoute(window.location.hash);
      if (!route) return;
      // The stores change one by one while a route is applied: nothing is written in between
      // (a half-applied state would push an entry and break Forward).
      applying = true;
      let dropped: boolean;
      try {
        dropped = applyRoute(route, client);
      } finally {
        applying = false;
      }
      shownView = useAppStore.getState().view;
      // The entry named something gone: it is rewritten to what is shown instead.
      if (dropped) schedule();
    };

    write();
    const unsubscribe = [
      useAppStore.subscribe(schedule),
      useLibraryStore.subscribe(schedule),
      useAnalysisStore.subscribe(schedule),
      useCompareShownStore.subscribe(schedule),
      useQueueStore.subscribe(schedule),
    ];
    window.addEventListener('popstate', onPop);
    return () => {
      for (const off of unsubscribe) off();
      window.removeEventListener('popstate', onPop);
      if (timer) clearTimeout(timer);
    };
  }, [client]);
}
