import { useEffect, useState } from 'react';
import type { Shot } from '../../../../shared/shots';
import { useClient } from '../../hooks/useClient';
import { messageOf } from '../../stores/messageOf';

/**
 * The shots of library source `id` (`shots.get`: scene cuts by ffmpeg's scdet, kept in the cache
 * after the first decode), or null while they load; `error` says why they are missing.
 */
export function useShots(id: string | null): { shots: Shot[] | null; error: string | null } {
  const client = useClient();
  const [state, setState] = useState<{
    id: string | null;
    shots: Shot[] | null;
    error: string | null;
  }>({
    id: null,
    shots: null,
    error: null,
  });
  useEffect(() => {
    if (!id) return;
    let live = true;
    client.call('shots.get', { sourceId: id }).then(
      (r) => live && setState({ id, shots: r.shots, error: null }),
      (err: unknown) => live && setState({ id, shots: null, error: messageOf(err) }),
    );
    return () => {
      live = false;
    };
  }, [client, id]);
  return state.id === id
    ? { shots: state.shots, error: state.error }
    : { shots: null, error: null };
}

/** The first frame of the shot before (−1) or after (+1) the one `frame` is in, or null at an end. */
export function shotStartFrom(
  shots: readonly Shot[],
  frame: number,
  direction: 1 | -1,
): number | null {
  const at = shots.findIndex((s) => frame >= s.start && frame < s.end);
  if (at < 0) return null;
  if (direction === 1) return shots[at + 1]?.start ?? null;
  // Back: to this shot's start when past it, else to the start of the shot before.
  if (frame > shots[at]!.start) return shots[at]!.start;
  return shots[at - 1]?.start ?? null;
}
