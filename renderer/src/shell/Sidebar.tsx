import type { ReactNode } from 'react';
import { showView } from '../stores/appStore';
import { VIEWS, type ViewId } from './viewList';

/** The left navigation; each entry shows its Alt shortcut, and views still to come are marked. */
export function Sidebar({ current }: { current: ViewId }): ReactNode {
  return (
    <nav className="sidebar" aria-label="Views">
      <ul>
        {VIEWS.map((v) => (
          <li key={v.id}>
            <button
              type="button"
              className="nav-item"
              aria-current={v.id === current ? 'page' : undefined}
              aria-keyshortcuts={`Alt+${v.key}`}
              onClick={() => showView(v.id)}
              data-testid={`nav-${v.id}`}
            >
              <span className="nav-name">{v.name}</span>
              {v.ready ? null : <span className="nav-later">later</span>}
              <kbd className="nav-key">Alt+{v.key}</kbd>
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}
