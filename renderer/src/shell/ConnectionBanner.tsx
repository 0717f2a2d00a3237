import type { ReactNode } from 'react';
import { useClient } from '../hooks/useClient';
import { useNow } from '../hooks/useNow';
import { useAppStore } from '../stores/appStore';

/** A banner while the WebSocket to `vq serve` is down, with a countdown and "Retry now". */
export function ConnectionBanner(): ReactNode {
  const client = useClient();
  const connection = useAppStore((s) => s.connection);
  const reconnecting = connection.status === 'reconnecting';
  const now = useNow(reconnecting);
  if (!reconnecting) return null;
  const seconds = connection.retryAt
    ? Math.max(0, Math.ceil((connection.retryAt - now) / 1000))
    : 0;
  const when = seconds > 0 ? `in ${seconds} s` : 'now';
  // A restarted `vq serve` has a new token, so this tab's token no longer opens it.
  const advice = !connection.everConnected
    ? 'Is `vq serve` running? Open the exact URL it printed: it carries the access token.'
    : connection.attempt >= 3
      ? 'If `vq serve` was restarted, open the new URL it printed (the token changes on every start).'
      : 'Is `vq serve` still running?';
  return (
    <div className="banner" role="status" data-testid="connection-banner">
      <span>
        <strong>
          {connection.everConnected ? 'Disconnected' : 'Cannot reach the VQ Studio server'}
        </strong>{' '}
        — reconnecting {when}
        {connection.attempt > 0 ? ` (attempt ${connection.attempt + 1})` : ''}. {advice}
      </span>
      <button type="button" className="button button-small" onClick={() => client.reconnectNow()}>
        Retry now
      </button>
    </div>
  );
}
