import type { ReactNode } from 'react';
import { showView } from '../stores/appStore';
import { useQueueStore } from '../stores/queueStore';
import { VIEWS, type ViewId } from '../model/viewList';

/**
 * The left navigation; each entry shows its Alt shortcut, views still to come are marked, and the
 * Queue shows how many jobs are queued or running.
 */
export function Sidebar({ current }: { current: ViewId }): ReactNode {
  const activeJobs = useQueueStore(
    (s) => s.data.jobs.filter((j) => j.status === 'queued' || j.status === 'running').length,
  );
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
              {v.id === 'queue' && activeJobs > 0 ? (
                <span
                  className="nav-count"
                  aria-label={`${activeJobs} active`}
                  data-testid="queue-count"
                >
                  {activeJobs}
                </span>
              ) : null}
              <kbd className="nav-key">Alt+{v.key}</kbd>
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}
