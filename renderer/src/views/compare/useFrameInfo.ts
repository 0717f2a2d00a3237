import { useEffect, useState } from 'react';
import type { FrameInfo } from '../../../../shared/frames';
import { useClient } from '../../hooks/useClient';
import { messageOf } from '../../stores/messageOf';

/** How often a timeline still being listed is asked for again. */
const GROWING_POLL_MS = 400;
/** How often picture types still being named are asked for again. */
const TYPES_POLL_MS = 2000;

/**
 * The frame index of `id` (`frames.info`: timestamps, picture types, keyframes), or null while it
 * loads; `error` says why it is missing. The server lists it from the file's packets and caches
 * it; a long file's timeline fills in while that runs (`complete` false: asked for again), and
 * its picture types as the frame server's background decodes name them (`typesPending`).
 */
export function useFrameInfo(id: string | null): { info: FrameInfo | null; error: string | null } {
  const client = useClient();
  const [state, setState] = useState<{
    id: string | null;
    info: FrameInfo | null;
    error: string | null;
  }>({ id: null, info: null, error: null });
  useEffect(() => {
    if (!id) return;
    let live = true;
    let shown = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const ask = (): void => {
      client.call('frames.info', { id }).then(
        (info) => {
          if (!live) return;
          shown = true;
          setState({ id, info, error: null });
          if (!info.complete) timer = setTimeout(ask, GROWING_POLL_MS);
          else if (info.typesPending) timer = setTimeout(ask, TYPES_POLL_MS);
        },
        (err: unknown) => {
          if (!live) return;
          // A timeline already shown stays (asked for again later); a first failure is shown.
          setState((s) => (s.id === id && s.info ? s : { id, info: null, error: messageOf(err) }));
          if (shown) timer = setTimeout(ask, TYPES_POLL_MS);
        },
      );
    };
    ask();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [client, id]);
  return state.id === id ? { info: state.info, error: state.error } : { info: null, error: null };
}
