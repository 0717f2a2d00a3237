import { lazy, Suspense, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { LibraryItem } from '../../../../../shared/library';
import { DEFAULT_THRESHOLDS } from '../../../../../shared/pooling';
import { SCORE_SERIES, type ScoreSeries } from '../../../../../shared/score';
import { replacedSeries, type ScoreResultSummary } from '../../../../../shared/scoreResults';
import { useClient } from '../../../hooks/useClient';
import { openInCompare } from '../../../stores/compareRequest';
import { deleteScore, exportScores } from '../../../stores/scoreActions';
import {
  checkScore,
  focusScore,
  loadScoreDetail,
  resyncScores,
  setScoresChecked,
  showScoresOf,
  toggleScoreChecked,
  useScoresStore,
} from '../../../stores/scoresStore';
import { ConfirmDialog } from '../../../ui/ConfirmDialog';
import { downloadText } from '../../../ui/download';
import { ErrorPanel } from '../../../ui/ErrorPanel';
import type { ChartSeries } from './FrameChart';
import { ScoreDetails } from './ScoreDetails';
import { ScoreDialog } from './ScoreDialog';
import { ScoreJobs } from './ScoreJobs';
import type { ScoreSort } from './scoreColumns';
import { sortShownFigures } from './replacedFigures';
import { ScoreTable } from './ScoreTable';
import { SERIES_PALETTE } from '../../../model/scores/seriesColors';
import {
  lowerIsBetter,
  seriesAxis,
  SERIES_INFO,
  vmafMaxScoreOf,
} from '../../../model/scores/seriesInfo';
import { WorstFrames } from './WorstFrames';

// uPlot loads with the first chart, not with the app.
const FrameChart = lazy(() => import('./FrameChart').then((m) => ({ default: m.FrameChart })));
const FeatureChart = lazy(() =>
  import('./FeatureChart').then((m) => ({ default: m.FeatureChart })),
);

/** Why some rows are marked stale, and what to do. */
function staleNote(n: number): string {
  return `${n} score${n === 1 ? ' is' : 's are'} stale: the file was encoded again, changed or is missing since it was scored (hover "stale" for why). Score it again for numbers that belong to it.`;
}

/**
 * The Scores of the selected source, under the library table: Score… (choose videos, pre-flight,
 * start), scoring in progress, the sortable table of stored scores, the per-frame chart of the
 * checked rows, and the worst frames and details of the focused row; export of the checked rows.
 */
export function ScoresPanel({ item }: { item: LibraryItem }): ReactNode {
  const client = useClient();
  const data = useScoresStore((s) => s.data);
  const loading = useScoresStore((s) => s.loading);
  const loadError = useScoresStore((s) => s.loadError);
  const selection = useScoresStore((s) => s.selection);
  const colors = useScoresStore((s) => s.colors);
  const details = useScoresStore((s) => s.details);
  const [sort, setSort] = useState<ScoreSort | null>(null);
  const [scoring, setScoring] = useState(false);
  const [metricChoice, setMetricChoice] = useState<ScoreSeries>('vmaf');
  const [highlight, setHighlight] = useState<{ id: string; frame: number } | null>(null);
  const [deleting, setDeleting] = useState<ScoreResultSummary | null>(null);
  const [exporting, setExporting] = useState(false);

  useEffect(() => showScoresOf(client, item.id), [client, item.id]);
  // A rendition a shown score measured was encoded again: the list comes again, judged anew.
  const staleChecks = useScoresStore((s) => s.staleChecks);
  useEffect(() => {
    if (staleChecks > 0) resyncScores(client);
  }, [client, staleChecks]);

  const results = useMemo(
    () => (data.sourceId === item.id ? data.results : []),
    [data.sourceId, data.results, item.id],
  );
  // An earlier score of a video keeps its row while it has figures no newer score has; its other
  // figures are replaced: shown as "–", sorted as missing and not drawn.
  const replaced = useMemo(() => replacedSeries(results), [results]);
  const sorted = useMemo(
    () => sortShownFigures(results, replaced, sort),
    [results, replaced, sort],
  );
  const checked = useMemo(
    () => sorted.filter((r) => selection.selected.includes(r.id)),
    [sorted, selection.selected],
  );
  const focused = results.find((r) => r.id === selection.focused) ?? null;

  const wanted = [...checked.map((r) => r.id), ...(focused ? [focused.id] : [])];
  const wantedKey = wanted.join(',');
  useEffect(() => {
    for (const id of wantedKey ? wantedKey.split(',') : []) void loadScoreDetail(client, id);
  }, [client, wantedKey]);

  const available = useMemo(
    () =>
      SCORE_SERIES.filter((s) =>
        checked.some((r) => {
          const d = details[r.id];
          const shown = !replaced.get(r.id)?.includes(s);
          return shown && d?.status === 'ready' && d.detail.perFrame[s] !== undefined;
        }),
      ),
    [checked, details, replaced],
  );
  const metric = available.includes(metricChoice) ? metricChoice : (available[0] ?? 'vmaf');
  // VMAF on its model's whole scale: 0–110 when a checked result's model tops out at 110.
  const vmafMax = vmafMaxScoreOf(checked);
  const axis = useMemo(() => seriesAxis(metric, vmafMax), [metric, vmafMax]);
  const chartSeries = useMemo<ChartSeries[]>(() => {
    const out: ChartSeries[] = [];
    checked.forEach((r, i) => {
      const d = details[r.id];
      const values = d?.status === 'ready' ? d.detail.perFrame[metric] : undefined;
      if (d?.status !== 'ready' || !values || replaced.get(r.id)?.includes(metric)) return;
      out.push({
        id: r.id,
        label: r.label,
        color: colors[r.id] ?? SERIES_PALETTE[i % SERIES_PALETTE.length]!,
        frameNumbers: d.detail.frameNumbers,
        values,
      });
    });
    return out;
  }, [checked, details, colors, metric, replaced]);
  const threshold =
    checked.map((r) => r.metrics[metric]?.below?.threshold).find((t) => t !== undefined) ??
    DEFAULT_THRESHOLDS[metric] ??
    null;
  const chartLoading = checked.some((r) => details[r.id]?.status !== 'ready');
  const chartErrors = checked.flatMap((r) => {
    const d = details[r.id];
    return d?.status === 'error' ? [`${r.label}: ${d.message}`] : [];
  });
  const focusedDetail = focused ? details[focused.id] : undefined;

  async function runExport(format: 'csv' | 'json'): Promise<void> {
    setExporting(true);
    const file = await exportScores(
      client,
      checked.map((r) => r.id),
      format,
    );
    if (file) downloadText(file.fileName, file.text, file.mimeType);
    setExporting(false);
  }

  return (
    <section
      className="panel scores-panel"
      aria-label={`Scores against ${item.fileName}`}
      data-testid="scores-panel"
    >
      <div className="panel-head">
        <h2>
          Scores <span className="muted">against {item.fileName}</span>
        </h2>
        <div className="inline-actions">
          {results.length ? (
            <>
              <span className="muted small">
                {checked.length} of {results.length} checked
              </span>
              <button
                type="button"
                className="button button-small"
                disabled={checked.length === 0 || exporting}
                onClick={() => void runExport('csv')}
                title="Per-frame values of the checked rows as CSV"
                data-testid="export-csv"
              >
                Export CSV
              </button>
              <button
                type="button"
                className="button button-small"
                disabled={checked.length === 0 || exporting}
                onClick={() => void runExport('json')}
                title="Per-frame values, pooled figures and how each was computed, as JSON"
                data-testid="export-json"
              >
                Export JSON
              </button>
            </>
          ) : null}
          <button
            type="button"
            className="button button-primary"
            onClick={() => setScoring(true)}
            data-testid="score-button"
          >
            Score…
          </button>
        </div>
      </div>

      <ScoreJobs sourceId={item.id} />

      {loadError ? (
        <ErrorPanel
          title="The scores could not be loaded"
          message={loadError}
          testId="scores-error"
        />
      ) : null}

      {results.length === 0 ? (
        <p className="muted scores-empty">
          {loading
            ? 'Loading scores…'
            : 'No scores yet. Score… measures renditions (or other library items) against this source with VMAF, PSNR, SSIM and MS-SSIM — and CAMBI and XPSNR where the ffmpeg build has them — per frame.'}
        </p>
      ) : (
        <ScoreTable
          sorted={sorted}
          replaced={replaced}
          sort={sort}
          onSortChange={setSort}
          checked={selection.selected}
          focused={selection.focused}
          colors={colors}
          onToggleChecked={toggleScoreChecked}
          onCheckAll={setScoresChecked}
          onFocus={focusScore}
        />
      )}
      {results.some((r) => r.stale) ? (
        <p className="muted small" data-testid="scores-stale-note">
          {staleNote(results.filter((r) => r.stale).length)}
        </p>
      ) : null}

      {checked.length ? (
        <div className="chart-block">
          <div className="chart-toolbar">
            <div className="segmented" role="group" aria-label="Series shown in the chart">
              {(available.length ? available : (['vmaf'] as ScoreSeries[])).map((s) => (
                <button
                  key={s}
                  type="button"
                  className="segment"
                  aria-pressed={s === metric}
                  title={SERIES_INFO[s].description}
                  onClick={() => setMetricChoice(s)}
                  data-testid={`chart-series-${s}`}
                >
                  {SERIES_INFO[s].label}
                </button>
              ))}
            </div>
            <span className="muted small">
              Drag across to zoom · double-click to see all frames · click a legend entry to hide
              its line
            </span>
          </div>
          {chartErrors.length ? (
            <ErrorPanel
              title="Per-frame values could not be loaded"
              message={chartErrors.join('; ')}
            />
          ) : null}
          {chartSeries.length ? (
            <Suspense
              fallback={<p className="muted small frame-chart-empty">Loading the chart…</p>}
            >
              <FrameChart
                series={chartSeries}
                axis={axis}
                threshold={threshold}
                highlightFrame={highlight?.frame ?? null}
                testId="frame-chart"
              />
            </Suspense>
          ) : (
            <p className="muted small frame-chart-empty">
              {chartLoading
                ? 'Loading per-frame values…'
                : `No per-frame ${SERIES_INFO[metric].label}.`}
            </p>
          )}
          {metric === 'psnr' || metric === 'psnrY' ? (
            <p className="muted small">
              Frames identical to the reference have an infinite PSNR and show as gaps.
            </p>
          ) : null}
          {lowerIsBetter(metric) ? (
            <p className="muted small" data-testid="chart-lower-better">
              {SERIES_INFO[metric].label}: lower is better — the peaks are the frames with the most
              banding.
            </p>
          ) : null}
        </div>
      ) : results.length ? (
        <p className="muted small">Check rows to see their per-frame scores in a chart.</p>
      ) : null}

      {focused ? (
        <div className="scores-focus">
          {focusedDetail?.status === 'ready' ? (
            <>
              <WorstFrames
                detail={focusedDetail.detail}
                highlighted={highlight?.id === focused.id ? highlight.frame : null}
                onShowFrame={(frame) => {
                  checkScore(focused.id);
                  setHighlight({ id: focused.id, frame });
                }}
                onOpenInCompare={(frame) => {
                  const d = focusedDetail.detail;
                  openInCompare(d.referenceId, [d.target.id], d.alignment.startFrame + frame);
                }}
              />
              <ScoreDetails
                detail={focusedDetail.detail}
                onRequestDelete={() => setDeleting(focused)}
              >
                {Object.keys(focusedDetail.detail.features ?? {}).length ? (
                  <Suspense fallback={<p className="muted small">Loading the features chart…</p>}>
                    <FeatureChart
                      detail={focusedDetail.detail}
                      highlightFrame={highlight?.id === focused.id ? highlight.frame : null}
                    />
                  </Suspense>
                ) : null}
              </ScoreDetails>
            </>
          ) : focusedDetail?.status === 'error' ? (
            <ErrorPanel
              title={`The details of ${focused.label} could not be loaded`}
              message={focusedDetail.message}
            />
          ) : (
            <p className="muted small">Loading the details of {focused.label}…</p>
          )}
        </div>
      ) : null}

      {scoring ? <ScoreDialog reference={item} onClose={() => setScoring(false)} /> : null}
      {deleting ? (
        <ConfirmDialog
          title={`Delete the score of ${deleting.label}?`}
          confirmLabel="Delete score"
          onCancel={() => setDeleting(null)}
          onConfirm={() => {
            const target = deleting;
            setDeleting(null);
            void deleteScore(client, target.id);
          }}
        >
          <p>
            The stored numbers of {deleting.label} against {item.fileName} go. The video files stay;
            you can score them again.
          </p>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}
