import { useEffect } from 'react';
import type { RendererClient } from '../../api/rendererClient';
import {
  perTitleRunArrived,
  refreshAnalysis,
  touchesAnalysis,
  useAnalysisStore,
} from '../../stores/analysisStore';

/** How long events are gathered before the points are fetched again (a grid scores in bursts). */
const REFRESH_DELAY_MS = 300;

/**
 * Keeps the Analysis view's data current while it is shown: a score or rendition of the source
 * coming or going, or one of its per-title runs moving on, fetches the points and runs again
 * (gathered over a short delay); a per-title run's new state shows at once. After a reconnect
 * everything is fetched again (events may have been missed).
 */
export function useAnalysisSync(client: RendererClient): void {
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const schedule = (): void => {
      if (timer !== null) return;
      timer = setTimeout(() => {
        timer = null;
        void refreshAnalysis(client);
      }, REFRESH_DELAY_MS);
    };
    const offEvents = client.onEvent((event) => {
      const { sourceId, data } = useAnalysisStore.getState();
      if (!touchesAnalysis(event, sourceId, data)) return;
      if (event.type === 'pertitle.updated') perTitleRunArrived(event.run);
      schedule();
    });
    let wasOpen = client.connection().status === 'open';
    const offConnection = client.onConnection((state) => {
      if (state.status === 'open' && !wasOpen) schedule();
      wasOpen = state.status === 'open';
    });
    return () => {
      offEvents();
      offConnection();
      if (timer !== null) clearTimeout(timer);
    };
  }, [client]);
}
