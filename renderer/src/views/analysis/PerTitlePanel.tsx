import { useId, useMemo, useState, type ReactNode } from 'react';
import { type PerTitleRun } from '../../../../shared/perTitle';
import { ladderQualityProblem, type RdQuality } from '../../../../shared/rd/quality';
import {
  ENCODERS,
  type HdrHandling,
  type Ladder,
  type SoftwareEncoder,
} from '../../../../shared/ladder';
import type { LibraryItem } from '../../../../shared/library';
import {
  defaultPerTitleHeights,
  PER_TITLE_QUALITIES,
  type PerTitleQuality,
} from '../../../../shared/perTitle';
import {
  ladderFromPicks,
  recommendLadder,
  convexHull,
  type PickedRung,
} from '../../../../shared/rd';
import { useClient } from '../../hooks/useClient';
import { useNow } from '../../hooks/useNow';
import { perTitleRunArrived } from '../../stores/analysisStore';
import { showView } from '../../stores/appStore';
import { failureOf, type Failure } from '../../stores/failureOf';
import { sourceHdr } from '../../stores/ladderEditorStore';
import { focusBatch, useQueueStore } from '../../stores/queueStore';
import { useToolchainStore } from '../../stores/toolchainStore';
import { ErrorPanel } from '../../ui/ErrorPanel';
import { errorTitle } from '../../ui/errorTitle';
import { NumberField } from '../../ui/NumberField';
import { ProgressBar } from '../../ui/ProgressBar';
import { availableEncoders, encoderChoices } from '../../model/ladders/encoderChoices';
import { HdrChoice } from '../../ui/HdrChoice';
import { batchFraction, rungTally } from '../../model/queue/queueFigures';
import { timeText } from '../../model/timeText';
import {
  DEFAULT_PER_TITLE_FORM,
  defaultCrfText,
  gridSize,
  perTitleOptionsOf,
  pickOptionsOf,
  type PerTitleField,
  type PerTitleForm,
} from './perTitleForm';
import { figureInfo } from './qualityFigures';
import type { RenditionPoint } from '../../model/analysis/rdCurves';
import { RecommendedLadder, type RecommendedRow } from './RecommendedLadder';

/** Props of {@link PerTitlePanel}. */
export interface PerTitlePanelProps {
  source: LibraryItem;
  runs: readonly PerTitleRun[];
  runsError: string | null;
  /** The hull of the chart (its setting, its figure), for "Recommend from current points". */
  hull: readonly RenditionPoint[];
  /** The encoder and preset of the hull's setting, and its name ("libx264 ultrafast CRF"). */
  hullEncoder: string | null;
  hullPreset: string | null;
  hullLabel: string | null;
  quality: RdQuality;
}

const STATUS_TEXT: Record<PerTitleRun['status'], string> = {
  encoding: 'Encoding the grid',
  scoring: 'Scoring the grid',
  done: 'Done',
  failed: 'Failed',
};

/** A ladder id and name for a recommendation made in the view from the current points. */
function liveLadderIdentity(source: LibraryItem, encoder: string): { id: string; name: string } {
  const slug = source.fileName
    .toLowerCase()
    .replace(/\.[a-z0-9]+$/, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  return {
    id: `per-title-${slug || source.id.toLowerCase()}-${encoder.replace(/[^a-z0-9]+/gi, '').toLowerCase()}`.slice(
      0,
      64,
    ),
    name: `Per-title: ${source.fileName} (${encoder}, from current points)`,
  };
}

function pickRows(picks: readonly PickedRung<RenditionPoint>[]): RecommendedRow[] {
  return picks.map((p, i) => ({
    key: `${i}-${p.point.id}`,
    width: p.point.width,
    height: p.point.height,
    bitrate: p.bitrate,
    quality: p.quality,
    why: p.why,
  }));
}

function runRows(run: PerTitleRun): RecommendedRow[] {
  return (run.picks ?? []).map((p) => ({
    key: p.rungId,
    width: p.width,
    height: p.height,
    bitrate: p.bitrate,
    quality: p.quality,
    why: p.why,
  }));
}

/** Progress of a run's batch: encodes and scores done, and the overall fraction. */
function RunProgress({ run }: { run: PerTitleRun }): ReactNode {
  const jobs = useQueueStore((s) => s.data.jobs);
  const progress = useQueueStore((s) => s.data.progress);
  const mine = jobs.filter((j) => j.batchId === run.batchId);
  const encodes = rungTally(mine.filter((j) => j.kind === 'encode'));
  const scores = mine.filter((j) => j.kind === 'score');
  const scored = scores.filter((j) => j.status === 'done').length;
  const fraction = mine.length ? batchFraction(mine, progress) : null;
  return (
    <div className="pertitle-progress">
      <ProgressBar
        fraction={fraction}
        label={`Per-title run progress: ${STATUS_TEXT[run.status]}`}
        testId="pertitle-progress"
      />
      <span className="muted small">
        {mine.length
          ? `${encodes.done} of ${encodes.total} encodes · ${scored} of ${scores.length} score jobs`
          : 'Waiting for the queue…'}{' '}
        <button
          type="button"
          className="link-button"
          onClick={() => {
            focusBatch(run.batchId);
            showView('queue');
          }}
        >
          Show in the Queue
        </button>
      </span>
    </div>
  );
}

/**
 * Per-title: one button runs the whole flow on the source (CRF grid → score → hull → recommended
 * ladder) with the options of the form; the runs of the source with their progress and, when
 * done, the recommended ladder to save or encode. "Recommend from current points" picks a ladder
 * from the chart's hull in the view, so the numbers can be tuned and the ladder follows live.
 */
export function PerTitlePanel({
  source,
  runs,
  runsError,
  hull,
  hullEncoder,
  hullPreset,
  hullLabel,
  quality,
}: PerTitlePanelProps): ReactNode {
  const client = useClient();
  const now = useNow(runs.length > 0, 10_000);
  const formId = useId();
  const report = useToolchainStore((s) => s.report);
  const [form, setForm] = useState<PerTitleForm>(DEFAULT_PER_TITLE_FORM);
  const [starting, setStarting] = useState(false);
  const [startError, setStartError] = useState<Failure | null>(null);
  const [live, setLive] = useState(false);
  // An HDR source's grid: kept HDR unless tone-mapping is chosen (asked only of an HDR source).
  const [hdr, setHdr] = useState<HdrHandling>('keep');
  const hdrKind = sourceHdr(source);
  const hdrError =
    hdrKind && hdr === 'keep' && !ENCODERS[form.encoder].hdr
      ? `${ENCODERS[form.encoder].label} cannot carry HDR: choose an encoder that keeps it, or tone-map to SDR.`
      : undefined;

  const choices = useMemo(
    () => encoderChoices(availableEncoders(report)).filter((c) => !c.hardware),
    [report],
  );
  const { options, errors } = useMemo(() => perTitleOptionsOf(form), [form]);
  const defaultHeights = defaultPerTitleHeights(source.media.video.height);
  const encodes = gridSize(form, defaultHeights.length);
  const hasErrors = Object.keys(errors).length > 0 || hdrError !== undefined;
  const set = (patch: Partial<PerTitleForm>): void => setForm((f) => ({ ...f, ...patch }));
  const info = figureInfo(quality);

  // The live recommendation from the chart's hull with the form's pick numbers.
  const liveResult = useMemo(():
    { rows: RecommendedRow[]; ladder: Ladder | string } | { error: string } | null => {
    if (!live) return null;
    const notATarget = ladderQualityProblem(quality);
    if (notATarget) return { error: notATarget };
    if (!hullEncoder || hull.length === 0) {
      return { error: 'There are no scored points to build a hull from yet.' };
    }
    const { pick, errors: pickErrors } = pickOptionsOf(form);
    if (Object.keys(pickErrors).length)
      return { error: 'Fix the ladder numbers in the form first.' };
    try {
      const picks = recommendLadder(convexHull(hull), pick);
      if (picks.length === 0) return { error: 'No rungs could be picked from the hull.' };
      let ladder: Ladder | string;
      try {
        ladder = ladderFromPicks(picks, {
          ...liveLadderIdentity(source, hullEncoder),
          encoder: hullEncoder,
          // The hull's own preset (null: the encoder's default), so the ladder is encoded the
          // way its points were.
          preset: hullPreset,
          description: `Recommended from the convex hull of ${hull.length} scored ${hullLabel ?? hullEncoder} renditions of ${source.fileName} (${info.label}).`,
        });
      } catch (err) {
        ladder = failureOf(err).message;
      }
      return { rows: pickRows(picks), ladder };
    } catch (err) {
      return { error: failureOf(err).message };
    }
  }, [live, hull, hullEncoder, hullPreset, hullLabel, form, source, info.label, quality]);

  async function run(): Promise<void> {
    setStarting(true);
    setStartError(null);
    try {
      const started = await client.call('pertitle.start', {
        sourceId: source.id,
        options: hdrKind ? { ...options, hdr } : options,
      });
      perTitleRunArrived(started.run);
    } catch (err) {
      setStartError(failureOf(err));
    } finally {
      setStarting(false);
    }
  }

  const fieldError = (field: PerTitleField): ReactNode =>
    errors[field] ? (
      <span className="field-note text-danger" data-testid={`pertitle-error-${field}`}>
        {errors[field]}
      </span>
    ) : null;

  const numberField = (
    field:
      | 'targetQuality'
      | 'minStepRatio'
      | 'maxStepRatio'
      | 'maxQualityGap'
      | 'floorKbps'
      | 'maxRungs',
    label: string,
    title: string,
  ): ReactNode => (
    <label className="field pertitle-number" title={title}>
      <span className="field-label">{label}</span>
      <NumberField
        value={form[field]}
        onChange={(v) => set({ [field]: v } as Partial<PerTitleForm>)}
        label={label}
        placeholder={String(DEFAULT_PER_TITLE_FORM[field])}
        invalid={errors[field] !== undefined}
        testId={`pertitle-${field}`}
      />
      {fieldError(field)}
    </label>
  );

  return (
    <section
      className="panel pertitle-panel"
      aria-label="Per-title ladder"
      data-testid="pertitle-panel"
    >
      <div className="panel-head">
        <h2>
          Per-title ladder <span className="muted">for {source.fileName}</span>
        </h2>
      </div>
      <p className="muted small pertitle-lead">
        Encodes a CRF grid (each height × each CRF), scores every rendition against the source,
        builds the convex hull and picks the rungs: the top rung where{' '}
        {figureInfo(form.quality).label} first reaches the target (or the highest point), rungs
        1.5–2× apart in bitrate, at most one JND between neighbours, down to the floor. Empty fields
        use the defaults shown.
      </p>

      <form
        id={formId}
        className="pertitle-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (!hasErrors && !starting) void run();
        }}
      >
        <label className="field">
          <span className="field-label">Encoder</span>
          <select
            className="input"
            value={form.encoder}
            onChange={(e) => set({ encoder: e.target.value as SoftwareEncoder, preset: '' })}
            data-testid="pertitle-encoder"
          >
            {choices.map((c) => (
              <option key={c.encoder} value={c.encoder}>
                {c.label}
                {c.available === false ? ' — not in your ffmpeg' : ''}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field-label">Preset</span>
          <select
            className="input"
            value={form.preset}
            onChange={(e) => set({ preset: e.target.value })}
            data-testid="pertitle-preset"
          >
            <option value="">Default ({ENCODERS[form.encoder].defaultPreset})</option>
            {ENCODERS[form.encoder].presets.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
          {fieldError('preset')}
        </label>
        <label className="field field-grow">
          <span className="field-label">CRF values</span>
          <input
            type="text"
            className="input mono"
            value={form.crfs}
            placeholder={defaultCrfText(form.encoder)}
            aria-invalid={errors.crfs !== undefined || undefined}
            spellCheck={false}
            autoComplete="off"
            onChange={(e) => set({ crfs: e.target.value })}
            data-testid="pertitle-crfs"
          />
          {fieldError('crfs')}
        </label>
        <label className="field field-grow">
          <span className="field-label">Heights</span>
          <input
            type="text"
            className="input mono"
            value={form.heights}
            placeholder={defaultHeights.join(', ') || 'none below the source height'}
            aria-invalid={errors.heights !== undefined || undefined}
            spellCheck={false}
            autoComplete="off"
            onChange={(e) => set({ heights: e.target.value })}
            data-testid="pertitle-heights"
          />
          {fieldError('heights')}
        </label>
        <label className="field">
          <span className="field-label">Hull on</span>
          <select
            className="input"
            value={form.quality}
            onChange={(e) => set({ quality: e.target.value as PerTitleQuality })}
            title="The figures the grid is scored for (VMAF, PSNR, SSIM); CAMBI is no ladder target"
            data-testid="pertitle-quality"
          >
            {PER_TITLE_QUALITIES.map((q) => (
              <option key={q} value={q}>
                {figureInfo(q).title}
              </option>
            ))}
          </select>
        </label>
        {numberField(
          'targetQuality',
          'Target quality',
          'The top rung is the first hull point that reaches this quality (VMAF 95 by default)',
        )}
        {numberField(
          'minStepRatio',
          'Smallest step ×',
          'Neighbouring rungs are at least this many times apart in bitrate',
        )}
        {numberField(
          'maxStepRatio',
          'Largest step ×',
          'Neighbouring rungs are at most this many times apart in bitrate',
        )}
        {numberField(
          'maxQualityGap',
          'Largest quality gap',
          'At most this quality drop between neighbours (6 VMAF = one just-noticeable difference)',
        )}
        {numberField('floorKbps', 'Floor (kb/s)', 'No rung below this bitrate')}
        {numberField('maxRungs', 'Most rungs', 'At most this many rungs')}
        {hdrKind ? (
          <HdrChoice
            kind={hdrKind}
            value={hdr}
            onChange={setHdr}
            testIdPrefix="pertitle-hdr"
            error={hdrError}
          />
        ) : null}
      </form>

      <div className="inline-actions pertitle-actions">
        <button
          type="submit"
          form={formId}
          className="button button-primary"
          disabled={hasErrors || starting}
          data-testid="pertitle-start"
        >
          {starting ? 'Starting…' : 'Run per-title'}
        </button>
        <button
          type="button"
          className="button"
          aria-pressed={live}
          onClick={() => setLive((v) => !v)}
          title="Pick a ladder from the hull on the chart now, with these numbers; it follows your edits"
          data-testid="pertitle-live"
        >
          {live ? 'Hide recommendation from current points' : 'Recommend from current points'}
        </button>
        <span className="muted small" data-testid="pertitle-grid-size">
          {encodes === null
            ? ''
            : `${encodes} encode${encodes === 1 ? '' : 's'} and score${encodes === 1 ? '' : 's'}`}
        </span>
      </div>

      {startError ? (
        <ErrorPanel
          title={`Could not start per-title: ${errorTitle(startError.code)}`}
          message={startError.message}
          hint={startError.hint}
          onDismiss={() => setStartError(null)}
          testId="pertitle-start-error"
        />
      ) : null}

      {liveResult ? (
        <div className="pertitle-live" data-testid="pertitle-live-result">
          <h3>
            From current points{' '}
            <span className="muted">
              hull of {hullLabel ?? hullEncoder} on {info.label}, {hull.length} points
            </span>
          </h3>
          {'error' in liveResult ? (
            <p className="muted">{liveResult.error}</p>
          ) : (
            <RecommendedLadder
              rows={liveResult.rows}
              ladder={liveResult.ladder}
              source={source}
              qualityLabel={info.label}
              decimals={info.decimals}
              testId="live-ladder"
            />
          )}
        </div>
      ) : null}

      {runsError ? (
        <ErrorPanel title="The per-title runs could not be loaded" message={runsError} />
      ) : null}
      {runs.length ? (
        <ol className="pertitle-runs" aria-label="Per-title runs, newest first">
          {runs.map((r) => {
            const q = figureInfo(r.options.quality);
            return (
              <li
                key={r.id}
                className="pertitle-run"
                data-testid="pertitle-run"
                data-status={r.status}
              >
                <div className="pertitle-run-head">
                  <span
                    className={`pill ${r.status === 'failed' ? 'pill-danger' : r.status === 'done' ? 'pill-accent' : ''}`}
                    data-testid="pertitle-status"
                  >
                    {STATUS_TEXT[r.status]}
                  </span>
                  <span>
                    {r.options.encoder} {r.options.preset} · heights {r.options.heights.join(', ')}{' '}
                    · CRF {r.options.crfs.join(', ')} · hull on {q.label}
                  </span>
                  <span className="muted small">{timeText(r.createdAt, now)}</span>
                </div>
                {r.status === 'encoding' || r.status === 'scoring' ? <RunProgress run={r} /> : null}
                {r.status === 'failed' ? (
                  <p className="text-danger small" data-testid="pertitle-run-error">
                    {r.error ?? 'The run failed.'}
                  </p>
                ) : null}
                {r.status === 'done' ? (
                  r.ladder && r.picks?.length ? (
                    <>
                      <p className="muted small">
                        Recommended from the hull of {r.hull?.length ?? 0} of {r.scoredPoints ?? 0}{' '}
                        scored grid points.
                      </p>
                      <RecommendedLadder
                        rows={runRows(r)}
                        ladder={r.ladder}
                        source={source}
                        qualityLabel={q.label}
                        decimals={q.decimals}
                        testId="run-ladder"
                      />
                    </>
                  ) : (
                    <p className="muted small">The run finished without a recommended ladder.</p>
                  )
                ) : null}
              </li>
            );
          })}
        </ol>
      ) : (
        <p className="muted small">
          No per-title runs for this source yet. Run per-title encodes the grid in the Queue; the
          recommended ladder appears here when the last score is in.
        </p>
      )}
    </section>
  );
}
