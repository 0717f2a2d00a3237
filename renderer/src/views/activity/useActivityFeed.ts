/**
 * Keeps the activity store current while the Activity view is open: listens for `activity.updated`
 * events, fetches a snapshot now and again after each reconnect, and stops when the view closes.
 */
import { useCallback, useEffect } from 'react';
import { useClient } from '../../hooks/useClient';
import { activityEventArrived, loadActivity } from '../../stores/activityStore';

/**
 * Subscribes the activity store to the client for as long as the calling component is mounted.
 * Returns a stable function that fetches the snapshot again (after a failed read).
 */
export function useActivityFeed(): () => void {
  const client = useClient();
  useEffect(() => {
    // Events first, then the snapshot, so nothing that happens in between is lost.
    const offEvents = client.onEvent(activityEventArrived);
    let wasOpen = client.connection().status === 'open';
    const offConnection = client.onConnection((state) => {
      const open = state.status === 'open';
      if (open && !wasOpen) void loadActivity(client);
      wasOpen = open;
    });
    void loadActivity(client);
    return () => {
      offEvents();
      offConnection();
    };
  }, [client]);
  return useCallback(() => void loadActivity(client), [client]);
}
