import { useEffect, useState } from 'react';
import type { FrameInfo } from '../../../../shared/frames';
import { useClient } from '../../hooks/useClient';
import { messageOf } from '../../stores/messageOf';

/**
 * The frame index of `id` (`frames.info`: timestamps, picture types, keyframes), or null while it
 * loads; `error` says why it is missing. The server builds it with one decode and caches it.
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
    client.call('frames.info', { id }).then(
      (info) => live && setState({ id, info, error: null }),
      (err: unknown) => live && setState({ id, info: null, error: messageOf(err) }),
    );
    return () => {
      live = false;
    };
  }, [client, id]);
  return state.id === id ? { info: state.info, error: state.error } : { info: null, error: null };
}
