import type { ReactNode } from 'react';
import { showView } from '../../stores/appStore';
import type { ViewId } from '../../shell/viewList';
import { LATER_PAGES } from './laterPages';

/** A view that is not built yet: what it will do, and that it arrives in a later release. */
export function LaterView({ view }: { view: ViewId }): ReactNode {
  const page = LATER_PAGES[view];
  if (!page) return null;
  return (
    <div className="view later-view" data-testid={`later-${view}`}>
      <header className="view-header">
        <div>
          <h1>{page.title}</h1>
          <p className="view-lead">{page.summary}</p>
        </div>
      </header>
      <section className="panel later-panel">
        <p className="later-status">
          <span className="pill">Not in this release</span> This page arrives in a later release of
          VQ Studio. Nothing here works yet.
        </p>
        <h2>What it will do</h2>
        <ul className="later-points">
          {page.points.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
        <p className="muted">Available now:</p>
        <div className="inline-actions">
          <button type="button" className="button" onClick={() => showView('library')}>
            Import sources in the Library
          </button>
          <button type="button" className="button" onClick={() => showView('ladders')}>
            Encode a ladder
          </button>
          <button type="button" className="button" onClick={() => showView('toolchain')}>
            Check your ffmpeg builds
          </button>
        </div>
      </section>
    </div>
  );
}
