import { useEffect, useMemo, useState, type PointerEvent, type ReactNode } from 'react';
import { useClient } from '../../hooks/useClient';
import { isTextField } from '../../hooks/useGlobalShortcuts';
import { useLibraryStore } from '../../stores/libraryStore';
import { useQueueStore } from '../../stores/queueStore';
import { compareCandidates, sourceCandidate, type CompareCandidate } from './compareCandidates';
import {
  clampFrame,
  compareKeyFor,
  MAX_COMPARED,
  stepZoom,
  timecodeText,
  ZOOM_STEPS,
  zoomText,
  type CompareMode,
  type Zoom,
} from './compareModel';
import { DiffPane } from './DiffPane';
import { FramePane } from './FramePane';
import { useFrameCache } from './useFrameCache';

const MODES: readonly { mode: CompareMode; label: string; key: string }[] = [
  { mode: 'side', label: 'Side by side', key: 'S' },
  { mode: 'wipe', label: 'Wipe', key: 'W' },
  { mode: 'flicker', label: 'Flicker', key: 'F' },
  { mode: 'diff', label: 'Difference', key: 'D' },
];

const GAINS: readonly number[] = [1, 2, 4, 8, 16];

/**
 * Compare: a source and up to three of its renditions (or library items of the same length) on
 * the same exact frame from the frame server — side by side, wiped, flickered or differenced —
 * with frame stepping and synced zoom and pan.
 */
export function CompareView(): ReactNode {
  const client = useClient();
  const cache = useFrameCache();
  const items = useLibraryStore((s) => s.data.items);
  const selectedId = useLibraryStore((s) => s.selectedId);
  const renditions = useQueueStore((s) => s.data.renditions);

  const [sourceChoice, setSourceChoice] = useState<string | null>(null);
  const [checked, setChecked] = useState<string[]>([]);
  const [frame, setFrame] = useState(0);
  const [mode, setMode] = useState<CompareMode>('side');
  const [zoom, setZoom] = useState<Zoom>('fit');
  const [showB, setShowB] = useState(false);
  const [wipeAt, setWipeAt] = useState(50);
  const [gain, setGain] = useState(4);

  const source =
    items.find((i) => i.id === sourceChoice) ??
    items.find((i) => i.id === selectedId) ??
    items[0] ??
    null;
  const candidates = useMemo(
    () => (source ? compareCandidates(source, renditions, items) : []),
    [source, renditions, items],
  );
  const compared = candidates.filter((c) => checked.includes(c.id));
  const panes: CompareCandidate[] = source ? [sourceCandidate(source), ...compared] : [];
  const size = source
    ? { width: source.media.video.width, height: source.media.video.height }
    : { width: 0, height: 0 };
  const frameCount = source?.media.video.frameCount ?? 1;
  const fps = source?.media.video.frameRate ?? null;
  const shownFrame = clampFrame(frame, frameCount);
  const twoUp = compared.length > 0;
  const effectiveMode: CompareMode = twoUp ? mode : 'side';

  const urlOf = (c: CompareCandidate, index: number): string =>
    c.kind === 'source' ? client.frameUrl(c.id, index) : client.frameUrl(c.id, index, size);

  // Prefetch the neighbours of every pane so a step draws from memory.
  const paneKey = panes.map((p) => p.id).join();
  useEffect(() => {
    for (const p of panes) {
      for (const index of [shownFrame + 1, shownFrame - 1]) {
        if (index < 0 || index >= frameCount) continue;
        cache.get(urlOf(p, index)).catch(() => undefined);
      }
    }
    // panes/urlOf are rebuilt each render; paneKey stands for them.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [cache, paneKey, shownFrame, frameCount, size.width, size.height]);

  useEffect(() => {
    const onKeyDown = (e: KeyboardEvent): void => {
      if (e.defaultPrevented) return;
      if (document.querySelector('dialog[open]')) return;
      const action = compareKeyFor(
        {
          key: e.key,
          altKey: e.altKey,
          ctrlKey: e.ctrlKey,
          metaKey: e.metaKey,
          shiftKey: e.shiftKey,
          inTextField: isTextField(e.target),
        },
        mode,
      );
      if (!action) return;
      e.preventDefault();
      switch (action.kind) {
        case 'step':
          setFrame((f) => clampFrame(clampFrame(f, frameCount) + action.delta, frameCount));
          break;
        case 'first':
          setFrame(0);
          break;
        case 'last':
          setFrame(frameCount - 1);
          break;
        case 'mode':
          setMode(action.mode);
          break;
        case 'toggleFlicker':
          setShowB((b) => !b);
          break;
        case 'zoom':
          setZoom((z) => stepZoom(z, action.direction));
          break;
        case 'fit':
          setZoom('fit');
          break;
      }
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [mode, frameCount]);

  const chooseSource = (id: string): void => {
    setSourceChoice(id);
    setChecked([]);
    setFrame(0);
  };
  const toggle = (id: string): void => {
    setChecked((list) =>
      list.includes(id)
        ? list.filter((x) => x !== id)
        : list.length < MAX_COMPARED
          ? [...list, id]
          : list,
    );
  };

  const onWipeDrag = (e: PointerEvent<HTMLDivElement>): void => {
    if (e.type === 'pointerdown') e.currentTarget.setPointerCapture(e.pointerId);
    else if (!e.currentTarget.hasPointerCapture(e.pointerId)) return;
    const box = e.currentTarget.parentElement?.getBoundingClientRect();
    if (!box || box.width <= 0) return;
    setWipeAt(Math.min(100, Math.max(0, ((e.clientX - box.left) / box.width) * 100)));
  };

  if (!source) {
    return (
      <div className="view compare-view" data-testid="compare-view">
        <header className="view-header">
          <h1>Compare</h1>
        </header>
        <div className="empty-state">
          <h2>No sources yet</h2>
          <p>Import a source in the Library, encode a ladder, then compare the renditions here.</p>
        </div>
      </div>
    );
  }

  const a = panes[0]!;
  const b = compared[0] ?? null;

  return (
    <div className="view compare-view" data-testid="compare-view">
      <header className="view-header">
        <div>
          <h1>Compare</h1>
          <p className="view-lead">
            Exact frames from the frame server; renditions are scaled to the source size with
            bicubic, as the scorer sees them.
          </p>
        </div>
      </header>

      <section className="panel compare-controls">
        <label className="field">
          <span className="field-label">Source</span>
          <select
            className="input"
            value={source.id}
            onChange={(e) => chooseSource(e.target.value)}
            data-testid="compare-source"
          >
            {items.map((i) => (
              <option key={i.id} value={i.id}>
                {i.fileName}
              </option>
            ))}
          </select>
        </label>
        <fieldset className="compare-choices">
          <legend className="field-label">Compare with (up to {MAX_COMPARED})</legend>
          {candidates.length ? (
            candidates.map((c) => (
              <label key={c.id} className="compare-choice">
                <input
                  type="checkbox"
                  checked={checked.includes(c.id)}
                  disabled={!checked.includes(c.id) && checked.length >= MAX_COMPARED}
                  onChange={() => toggle(c.id)}
                  data-testid="compare-rendition"
                  data-id={c.id}
                />
                {c.title}
                {c.kind === 'item' ? <span className="muted small"> (library item)</span> : null}
              </label>
            ))
          ) : (
            <span className="muted small">
              No renditions of this source yet, and no other item with the same frame count.
            </span>
          )}
        </fieldset>
      </section>

      <div className="compare-toolbar">
        <div className="segmented" role="group" aria-label="Compare mode">
          {MODES.map((m) => (
            <button
              key={m.mode}
              type="button"
              className="segment"
              aria-pressed={effectiveMode === m.mode}
              disabled={!twoUp && m.mode !== 'side'}
              title={`${m.label} (${m.key})`}
              onClick={() => setMode(m.mode)}
              data-testid={`mode-${m.mode}`}
            >
              {m.label}
            </button>
          ))}
        </div>
        <div className="segmented" role="group" aria-label="Zoom">
          {ZOOM_STEPS.map((z) => (
            <button
              key={String(z)}
              type="button"
              className="segment"
              aria-pressed={zoom === z}
              onClick={() => setZoom(z)}
              data-testid={`zoom-${z === 'fit' ? 'fit' : z * 100}`}
            >
              {zoomText(z)}
            </button>
          ))}
        </div>
        {effectiveMode === 'flicker' && b ? (
          <button type="button" className="button button-small" onClick={() => setShowB((x) => !x)}>
            Showing {showB ? 'B' : 'A'} · F to switch
          </button>
        ) : null}
        {effectiveMode === 'diff' ? (
          <label className="inline-actions small">
            Gain
            <select
              className="input"
              value={gain}
              onChange={(e) => setGain(Number(e.target.value))}
            >
              {GAINS.map((g) => (
                <option key={g} value={g}>
                  ×{g}
                </option>
              ))}
            </select>
          </label>
        ) : null}
        <span className="compare-frame">
          Frame <strong data-testid="frame-number">{shownFrame}</strong>
          <span className="muted"> / {frameCount - 1}</span>
          <span className="muted"> · {timecodeText(shownFrame, fps)}</span>
        </span>
      </div>

      {effectiveMode === 'side' || !b ? (
        <div className={`compare-grid compare-grid-${Math.min(panes.length, 4)}`}>
          {panes.map((p) => (
            <FramePane
              key={p.id}
              candidate={p}
              url={urlOf(p, shownFrame)}
              frame={shownFrame}
              size={size}
              zoom={zoom}
              cache={cache}
            />
          ))}
        </div>
      ) : effectiveMode === 'diff' ? (
        <div className="compare-grid compare-grid-1">
          <DiffPane
            a={a}
            b={b}
            urlA={urlOf(a, shownFrame)}
            urlB={urlOf(b, shownFrame)}
            frame={shownFrame}
            size={size}
            zoom={zoom}
            gain={gain}
            cache={cache}
          />
        </div>
      ) : (
        <div className="compare-stack" data-testid={`compare-${effectiveMode}`}>
          <FramePane
            candidate={a}
            url={urlOf(a, shownFrame)}
            frame={shownFrame}
            size={size}
            zoom={zoom}
            cache={cache}
            label="A"
            style={effectiveMode === 'flicker' && showB ? { visibility: 'hidden' } : undefined}
          />
          <FramePane
            candidate={b}
            url={urlOf(b, shownFrame)}
            frame={shownFrame}
            size={size}
            zoom={zoom}
            cache={cache}
            label="B"
            className="compare-over"
            style={
              effectiveMode === 'wipe'
                ? { clipPath: `inset(0 0 0 ${wipeAt}%)` }
                : showB
                  ? undefined
                  : { visibility: 'hidden' }
            }
          />
          {effectiveMode === 'wipe' ? (
            <div
              className="compare-divider"
              style={{ left: `${wipeAt}%` }}
              role="separator"
              aria-orientation="vertical"
              aria-valuenow={Math.round(wipeAt)}
              aria-label="Wipe position: A left, B right"
              onPointerDown={onWipeDrag}
              onPointerMove={onWipeDrag}
              data-testid="wipe-divider"
            />
          ) : null}
        </div>
      )}
    </div>
  );
}
