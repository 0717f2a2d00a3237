import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { type RdRendition } from '../../../../shared/analysis';
import { RD_QUALITIES } from '../../../../shared/rd/quality';
import { defaultSettingsKey, settingsHull } from '../../../../shared/rd';
import { useClient } from '../../hooks/useClient';
import { isTextField } from '../../hooks/useGlobalShortcuts';
import { pushToast, showView } from '../../stores/appStore';
import {
  setAnalysisChoice,
  showAnalysisOf,
  toggleAnalysisAxis,
  useAnalysisStore,
} from '../../stores/analysisStore';
import { openInCompare } from '../../stores/compareRequest';
import { useLibraryStore } from '../../stores/libraryStore';
import { ErrorPanel } from '../../ui/ErrorPanel';
import { assignColors } from '../../model/scores/seriesColors';
import { BdTablePanel } from './BdTablePanel';
import { downloadBlob } from '../../ui/download';
import { pngFileName, svgToPngBlob } from './chartPng';
import { ExportPanel } from './ExportPanel';
import { PerTitlePanel } from './PerTitlePanel';
import { TargetQualityPanel } from './TargetQualityPanel';
import { ShotEncodePanel } from './ShotEncodePanel';
import { figureBounds, figureInfo, mixedVmafModels, renditionFigures } from './qualityFigures';
import { RdChart, type ChartCurve, type ChartHull } from './RdChart';
import { StalePointsNote } from './StalePointsNote';
import { useAnalysisSync } from './useAnalysisSync';
import {
  buildCurves,
  hullCandidates,
  hullChoicesOf,
  RD_GROUPINGS,
  stalePlotPoints,
  type RdGrouping,
} from '../../model/analysis/rdCurves';

/**
 * Analysis: the rate–quality picture of one source — every scored rendition on a chart of bitrate
 * against a quality figure, one curve per encoder setting (or per resolution of it, or per
 * ladder), the convex hull of one setting with the bitrates where the best resolution changes;
 * BD-rate of each curve against an anchor; the per-title flow and its recommended ladder; exports.
 */
export function AnalysisView(): ReactNode {
  const client = useClient();
  const items = useLibraryStore((s) => s.data.items);
  const libraryLoading = useLibraryStore((s) => s.loading);
  const librarySelected = useLibraryStore((s) => s.selectedId);
  const {
    sourceId,
    data,
    loading,
    loadError,
    runs,
    runsError,
    quality,
    grouping,
    axis,
    hullSettings,
    anchorKey,
    bdMethod,
  } = useAnalysisStore();
  const svgRef = useRef<SVGSVGElement>(null);
  const [exporting, setExporting] = useState(false);

  // The source: the one shown before, else the Library's selection, else the first.
  const source =
    items.find((i) => i.id === sourceId) ??
    items.find((i) => i.id === librarySelected) ??
    items[0] ??
    null;
  const shownId = source?.id ?? null;
  useEffect(() => {
    if (shownId) showAnalysisOf(client, shownId);
  }, [client, shownId]);
  useAnalysisSync(client);

  // L flips the bit-rate axis (outside text fields and dialogs).
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (e.defaultPrevented || e.repeat || e.altKey || e.ctrlKey || e.metaKey) return;
      if (e.key !== 'l' && e.key !== 'L') return;
      if (isTextField(e.target) || document.querySelector('dialog[open]')) return;
      e.preventDefault();
      toggleAnalysisAxis();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const points = useMemo(
    () => (data && source && data.sourceId === source.id ? data.points : []),
    [data, source],
  );
  const stalePoints = useMemo(
    () => (data && source && data.sourceId === source.id ? data.stalePoints : []),
    [data, source],
  );
  const staleMarks = useMemo(() => stalePlotPoints(stalePoints, quality), [stalePoints, quality]);
  const info = figureInfo(quality);
  const bounds = useMemo(() => figureBounds(quality, points), [quality, points]);
  const mixedModels = useMemo(() => mixedVmafModels(quality, points), [quality, points]);
  const { curves, missing } = useMemo(
    () => buildCurves(points, grouping, quality),
    [points, grouping, quality],
  );
  const colors = useMemo(() => assignColors(curves.map((c) => c.key)), [curves]);
  const chartCurves = useMemo<ChartCurve[]>(
    () => curves.map((c) => ({ ...c, color: colors[c.key]! })),
    [curves, colors],
  );
  // The hull is one encoder setting's, across resolutions (shared/rd/groupCurves.ts says why).
  const hullChoices = useMemo(() => hullChoicesOf(points, quality), [points, quality]);
  const hullChoice =
    hullChoices.find((c) => c.key === hullSettings) ??
    hullChoices.find((c) => c.key === defaultSettingsKey(hullChoices)) ??
    null;
  const candidates = useMemo(
    () => (hullChoice ? hullCandidates(points, hullChoice.key, quality) : []),
    [points, hullChoice, quality],
  );
  const hull = useMemo<ChartHull | null>(() => {
    if (!hullChoice || candidates.length === 0) return null;
    const { hull: points, crossovers } = settingsHull(candidates, info.direction);
    return { label: hullChoice.label, points, crossovers };
  }, [candidates, hullChoice, info.direction]);

  // The hull is a curve for BD-rate too: how many bits each curve spends above the best mix of
  // resolutions. Not when the curves are the settings themselves: the hull's setting is then a
  // curve already (a grid's line is its hull).
  const bdCurves = useMemo(
    () => [
      ...chartCurves.map((c) => ({ ...c, points: c.line, mixed: c.mixed !== null })),
      ...(hull && hull.points.length >= 2 && grouping !== 'settings'
        ? [{ key: 'hull', label: `Convex hull (${hull.label})`, points: hull.points, mixed: false }]
        : []),
    ],
    [chartCurves, hull, grouping],
  );

  async function savePng(): Promise<void> {
    const svg = svgRef.current;
    if (!svg || !source) return;
    setExporting(true);
    try {
      const blob = await svgToPngBlob(svg);
      downloadBlob(pngFileName(source.fileName, 'rd', quality, axis), blob);
    } catch (err) {
      pushToast({
        kind: 'error',
        title: 'Could not save the chart as PNG',
        message: err instanceof Error ? err.message : String(err),
      });
    } finally {
      setExporting(false);
    }
  }

  const open = (r: RdRendition): void => {
    if (source) openInCompare(source.id, [r.renditionId]);
  };

  return (
    <div className="view analysis-view" data-testid="analysis-view">
      <header className="view-header">
        <div>
          <h1>Analysis</h1>
          <p className="view-lead">
            Quality against bitrate for every scored rendition of a source: a curve per encoder
            setting (encoder, preset, rate control) or per ladder, the convex hull of a setting,
            BD-rate, and a per-title ladder picked from the hull.
          </p>
        </div>
      </header>

      {items.length === 0 ? (
        <section className="panel empty-state" data-testid="analysis-no-sources">
          <h2>{libraryLoading ? 'Loading the library…' : 'No sources yet'}</h2>
          <p>Import a video in the Library; then encode a ladder on it, or run per-title here.</p>
          <button
            type="button"
            className="button button-primary"
            onClick={() => showView('library')}
          >
            Import in the Library
          </button>
        </section>
      ) : source ? (
        <>
          <section className="panel analysis-top" aria-label="What the chart shows">
            <div className="analysis-controls">
              <label className="field analysis-source">
                <span className="field-label">Source</span>
                <select
                  className="input"
                  value={source.id}
                  onChange={(e) => showAnalysisOf(client, e.target.value)}
                  data-testid="analysis-source"
                >
                  {items.map((i) => (
                    <option key={i.id} value={i.id}>
                      {i.fileName} — {i.media.video.width}×{i.media.video.height}
                    </option>
                  ))}
                </select>
              </label>
              <label className="field">
                <span className="field-label">Quality</span>
                <select
                  className="input"
                  value={quality}
                  onChange={(e) => setAnalysisChoice({ quality: e.target.value as typeof quality })}
                  data-testid="analysis-quality"
                >
                  {RD_QUALITIES.map((q) => (
                    <option key={q} value={q}>
                      {figureInfo(q).title}
                    </option>
                  ))}
                </select>
              </label>
              <label className="field">
                <span className="field-label">Curves by</span>
                <select
                  className="input"
                  value={grouping}
                  onChange={(e) => setAnalysisChoice({ grouping: e.target.value as RdGrouping })}
                  data-testid="analysis-grouping"
                >
                  {RD_GROUPINGS.map((g) => (
                    <option key={g.id} value={g.id}>
                      {g.label}
                    </option>
                  ))}
                </select>
              </label>
              <label className="field">
                <span className="field-label">Hull of</span>
                <select
                  className="input"
                  value={hullChoice?.key ?? ''}
                  disabled={hullChoices.length < 2}
                  title="The convex hull of one encoder setting across resolutions"
                  onChange={(e) => setAnalysisChoice({ hullSettings: e.target.value })}
                  data-testid="analysis-hull-settings"
                >
                  {hullChoices.length === 0 ? <option value="">–</option> : null}
                  {hullChoices.map((c) => (
                    <option key={c.key} value={c.key}>
                      {c.label} ({c.points} point{c.points === 1 ? '' : 's'})
                    </option>
                  ))}
                </select>
              </label>
              <div className="field">
                <span className="field-label">Bitrate axis</span>
                <div className="segmented" role="group" aria-label="Bitrate axis (L)">
                  {(['log', 'linear'] as const).map((a) => (
                    <button
                      key={a}
                      type="button"
                      className="segment"
                      aria-pressed={axis === a}
                      title="L switches the axis"
                      onClick={() => setAnalysisChoice({ axis: a })}
                      data-testid={`analysis-axis-${a}`}
                    >
                      {a === 'log' ? 'Log' : 'Linear'}
                    </button>
                  ))}
                </div>
              </div>
              <button
                type="button"
                className="button button-small analysis-png"
                disabled={(curves.length === 0 && staleMarks.length === 0) || exporting}
                onClick={() => void savePng()}
                title="Save the chart as it is shown, as a PNG image"
                data-testid="analysis-png"
              >
                {exporting ? 'Saving…' : 'Save chart as PNG'}
              </button>
            </div>

            {loadError ? (
              <ErrorPanel
                title="The analysis could not be loaded"
                message={loadError}
                testId="analysis-error"
              />
            ) : null}

            <StalePointsNote points={stalePoints} />

            {curves.length || staleMarks.length ? (
              <>
                <RdChart
                  curves={chartCurves}
                  hull={hull}
                  stale={staleMarks}
                  axis={axis}
                  qualityLabel={info.title}
                  title={`${source.fileName} — ${info.label} against bitrate`}
                  decimals={info.decimals}
                  bounds={bounds}
                  onOpen={open}
                  svgRef={svgRef}
                  figures={renditionFigures}
                />
                {info.direction === 'lower' ? (
                  <p className="muted small" data-testid="analysis-lower-better">
                    Lower is better for this figure: better encodes sit lower, and the hull is the
                    lower envelope (the least banding each bitrate reaches). No ladder is picked on
                    it.
                  </p>
                ) : null}
                {mixedModels ? (
                  <p className="field-note text-warn" data-testid="analysis-mixed-models">
                    {mixedModels}
                  </p>
                ) : null}
                <p className="muted small analysis-chart-note">
                  {points.length} scored rendition{points.length === 1 ? '' : 's'}
                  {missing
                    ? ` (${missing} without ${info.label} or a measured bitrate, not drawn)`
                    : ''}
                  {hull
                    ? ` · hull of ${hull.label}: ${hull.points.length} of ${candidates.length} points across resolutions${
                        hull.crossovers.length
                          ? `; the best resolution changes ${hull.crossovers.length} time${hull.crossovers.length === 1 ? '' : 's'}`
                          : ''
                      }`
                    : ''}
                  {' · '}hover a point for its figures, click it to open it in Compare.
                </p>
              </>
            ) : (
              <div className="empty-state analysis-empty" data-testid="analysis-empty">
                <h2>
                  {loading && data === null
                    ? 'Loading…'
                    : points.length
                      ? `No ${info.label} figures`
                      : 'No scored renditions yet'}
                </h2>
                <p>
                  {points.length
                    ? `The scored renditions of ${source.fileName} have no ${info.label}. Choose another quality figure, or score them with it.`
                    : `Encode a ladder with 'Score after encode', or run per-title below.`}
                </p>
                {points.length === 0 ? (
                  <button type="button" className="button" onClick={() => showView('ladders')}>
                    Encode a ladder
                  </button>
                ) : null}
              </div>
            )}
          </section>

          {curves.length ? (
            <BdTablePanel
              curves={bdCurves}
              anchorKey={anchorKey}
              method={bdMethod}
              qualityLabel={info.label}
              decimals={info.decimals}
              direction={info.direction}
              onAnchor={(key) => setAnalysisChoice({ anchorKey: key })}
              onMethod={(m) => setAnalysisChoice({ bdMethod: m })}
            />
          ) : null}

          <PerTitlePanel
            source={source}
            runs={runs}
            runsError={runsError}
            hull={candidates}
            hullEncoder={hullChoice ? (candidates[0]?.encoder ?? null) : null}
            hullPreset={candidates[0]?.preset ?? null}
            hullLabel={hullChoice?.label ?? null}
            quality={quality}
          />

          <TargetQualityPanel source={source} />

          <ShotEncodePanel source={source} />

          <ExportPanel source={source} hasPoints={points.length > 0} />
        </>
      ) : null}
    </div>
  );
}
