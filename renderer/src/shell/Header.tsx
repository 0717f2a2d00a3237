import type { ReactNode } from 'react';
import { setShortcutsOpen, useAppStore } from '../stores/appStore';

/** The top bar: product name, mode (Desktop / Browser), connection and the shortcut sheet button. */
export function Header(): ReactNode {
  const appInfo = useAppStore((s) => s.appInfo);
  const status = useAppStore((s) => s.connection.status);
  const mode = appInfo ? (appInfo.mode === 'electron' ? 'Desktop' : 'Browser') : null;
  const modeTitle =
    appInfo?.mode === 'electron'
      ? 'The desktop app: files are read directly on this computer.'
      : 'The browser UI of `vq serve`: files are read on the machine running the server.';
  return (
    <header className="header">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true" />
        <span className="brand-name">VQ Studio</span>
        {appInfo ? <span className="brand-version">{appInfo.version}</span> : null}
      </div>
      <div className="header-right">
        {mode ? (
          <span className="pill" title={modeTitle} data-testid="mode-badge">
            {mode}
          </span>
        ) : null}
        <span
          className={`status-dot status-${status}`}
          role="status"
          aria-label={`Connection: ${status}`}
        >
          {status === 'open'
            ? 'Connected'
            : status === 'connecting'
              ? 'Connecting…'
              : 'Reconnecting…'}
        </span>
        <button
          type="button"
          className="button button-ghost button-small"
          onClick={() => setShortcutsOpen(true)}
        >
          Shortcuts <kbd>?</kbd>
        </button>
      </div>
    </header>
  );
}
