import { useEffect, useMemo, useState, type ReactNode } from 'react';
import type { CrfStep, TargetSearch } from '../../../../shared/crfSearch';
import { formatBitrate, formatBytes } from '../../../../shared/format';
import { ENCODERS, type SoftwareEncoder } from '../../../../shared/ladder';
import type { LibraryItem } from '../../../../shared/library';
import { RD_QUALITY_LABELS } from '../../../../shared/rd/quality';
import { useClient } from '../../hooks/useClient';
import { availableEncoders, encoderChoices } from '../../model/ladders/encoderChoices';
import { pushToast, showView } from '../../stores/appStore';
import { failureOf, type Failure } from '../../stores/failureOf';
import { focusBatch } from '../../stores/queueStore';
import { useToolchainStore } from '../../stores/toolchainStore';
import { ErrorPanel } from '../../ui/ErrorPanel';
import { errorTitle } from '../../ui/errorTitle';
import { NumberField } from '../../ui/NumberField';
import { ProgressBar } from '../../ui/ProgressBar';
import {
  DEFAULT_TARGET_FORM,
  TARGET_METRICS,
  crfStepText,
  ladderForResult,
  sampleDefaultsText,
  targetRequestOf,
  type TargetForm,
} from './targetForm';

const PHASE_TEXT: Record<NonNullable<TargetSearch['phase']>, string> = {
  shots: 'Finding the shots',
  samples: 'Cutting the samples',
  steps: 'Encoding and scoring the samples',
  verify: 'Verifying: encoding and scoring the whole title',
};

/**
 * Target quality: a CRF search on the source (`target.start`, the same search as `vq crf-search`).
 * Samples spread over the title are encoded at CRFs an interpolating search picks; the chart draws
 * each step as it ends (CRF → quality, and bitrate), with the target and the CRF picked. The
 * answer can be queued as an encode (scored after, so the library has its true quality).
 */
export function TargetQualityPanel({ source }: { source: LibraryItem }): ReactNode {
  const client = useClient();
  const report = useToolchainStore((s) => s.report);
  const [form, setForm] = useState<TargetForm>(DEFAULT_TARGET_FORM);
  // Every search this panel has heard of (any source); the shown source's are picked below.
  const [known, setKnown] = useState<TargetSearch[]>([]);
  const [error, setError] = useState<Failure | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (patch: Partial<TargetForm>): void => setForm((f) => ({ ...f, ...patch }));
  const choices = useMemo(
    () => encoderChoices(availableEncoders(report)).filter((c) => !c.hardware),
    [report],
  );
  const { request, errors } = targetRequestOf(source.id, form);

  // This source's searches: listed once, then kept current by `target.updated`.
  useEffect(() => {
    let live = true;
    client.call('target.list', { sourceId: source.id }).then(
      (r) => live && setKnown((all) => mergeSearches(all, r.searches)),
      () => undefined,
    );
    const off = client.onEvent((e) => {
      if (e.type === 'target.updated') setKnown((all) => mergeSearches(all, [e.search]));
    });
    return () => {
      live = false;
      off();
    };
  }, [client, source.id]);

  const latest = newestOf(known, source.id);
  const running = latest?.status === 'running';

  async function start(): Promise<void> {
    if (!request) return;
    setBusy(true);
    setError(null);
    try {
      const s = await client.call('target.start', request);
      setKnown((all) => mergeSearches(all, [s]));
    } catch (err) {
      setError(failureOf(err));
    } finally {
      setBusy(false);
    }
  }

  async function cancel(): Promise<void> {
    if (!latest) return;
    try {
      await client.call('target.cancel', { id: latest.id });
    } catch (err) {
      setError(failureOf(err));
    }
  }

  async function queue(s: TargetSearch): Promise<void> {
    if (!s.result) return;
    try {
      const started = await client.call('encode.start', {
        sourceId: source.id,
        ladder: ladderForResult(source, s.result),
        scoreAfterEncode: {},
      });
      pushToast({
        kind: 'info',
        title: `Queued CRF ${s.result.crf}`,
        message: `${source.fileName} with ${ENCODERS[s.result.encoder].label}; scored against the source when encoded.`,
      });
      focusBatch(started.batch.id);
      showView('queue');
    } catch (err) {
      setError(failureOf(err));
    }
  }

  const fieldNote = (k: keyof TargetForm): ReactNode =>
    errors[k] ? (
      <span className="field-note text-danger" data-testid={`target-error-${k}`}>
        {errors[k]}
      </span>
    ) : null;

  return (
    <section className="panel target-panel" aria-label="Target quality" data-testid="target-panel">
      <div className="panel-head">
        <h2>
          Target quality <span className="muted">for {source.fileName}</span>
        </h2>
      </div>
      <p className="muted small">
        Finds the CRF that gives the whole title a quality target: samples spread over it, each
        starting at a shot where one is near, are encoded at CRFs an interpolating search picks (
        {crfStepText(form.encoder)}), and the steps predict the title’s quality, bitrate and size.
        Empty sample fields mean {sampleDefaultsText()}. Verify encodes and scores the whole title
        at the CRF found.
      </p>
      <form
        className="target-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (request && !running && !busy) void start();
        }}
      >
        <label className="field">
          <span className="field-label">Encoder</span>
          <select
            className="input"
            value={form.encoder}
            onChange={(e) => set({ encoder: e.target.value as SoftwareEncoder, preset: '' })}
            data-testid="target-encoder"
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
            data-testid="target-preset"
          >
            <option value="">Default ({ENCODERS[form.encoder].defaultPreset})</option>
            {ENCODERS[form.encoder].presets.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field-label">Quality</span>
          <select
            className="input"
            value={form.metric}
            onChange={(e) => set({ metric: e.target.value as TargetForm['metric'] })}
            data-testid="target-metric"
          >
            {TARGET_METRICS.map((m) => (
              <option key={m} value={m}>
                {RD_QUALITY_LABELS[m]}
              </option>
            ))}
          </select>
        </label>
        <label className="field target-number">
          <span className="field-label">Target</span>
          <NumberField
            value={form.target}
            onChange={(v) => set({ target: v })}
            label="Target"
            placeholder="93"
            invalid={errors.target !== undefined}
            testId="target-value"
          />
          {fieldNote('target')}
        </label>
        <label className="field target-number">
          <span className="field-label">Samples</span>
          <NumberField
            value={form.samples}
            onChange={(v) => set({ samples: v })}
            label="Samples"
            placeholder="auto"
            invalid={errors.samples !== undefined}
            testId="target-samples"
          />
          {fieldNote('samples')}
        </label>
        <label className="field target-number">
          <span className="field-label">Sample seconds</span>
          <NumberField
            value={form.sampleSeconds}
            onChange={(v) => set({ sampleSeconds: v })}
            label="Sample seconds"
            placeholder="2"
            invalid={errors.sampleSeconds !== undefined}
            testId="target-sample-seconds"
          />
          {fieldNote('sampleSeconds')}
        </label>
        <label className="check target-verify">
          <input
            type="checkbox"
            checked={form.verify}
            onChange={(e) => set({ verify: e.target.checked })}
            data-testid="target-verify"
          />
          Verify on the whole title
        </label>
        <div className="target-actions">
          {running ? (
            <button
              type="button"
              className="button"
              onClick={() => void cancel()}
              data-testid="target-cancel"
            >
              Cancel search
            </button>
          ) : (
            <button
              type="submit"
              className="button button-primary"
              disabled={!request || busy}
              data-testid="target-start"
            >
              Find the CRF
            </button>
          )}
        </div>
      </form>
      {error ? (
        <ErrorPanel
          title={`The CRF search could not run: ${errorTitle(error.code)}`}
          message={error.message}
          hint={error.hint}
          onDismiss={() => setError(null)}
          testId="target-error"
        />
      ) : null}
      {latest ? <SearchView search={latest} onQueue={() => void queue(latest)} /> : null}
    </section>
  );
}

/** `all` with `news` in place of their older copies (a newer copy is never replaced by an older one). */
function mergeSearches(
  all: readonly TargetSearch[],
  news: readonly TargetSearch[],
): TargetSearch[] {
  const byId = new Map(all.map((s) => [s.id, s]));
  for (const s of news) {
    const had = byId.get(s.id);
    // A list answer older than an event never takes a search back (to running, or fewer steps).
    const older = had && (had.status !== 'running' || s.steps.length < had.steps.length);
    if (!older) byId.set(s.id, s);
  }
  return [...byId.values()];
}

/** The newest search of a source, or null. */
function newestOf(all: readonly TargetSearch[], sourceId: string): TargetSearch | null {
  let newest: TargetSearch | null = null;
  for (const s of all)
    if (s.sourceId === sourceId && (!newest || s.startedAt > newest.startedAt)) newest = s;
  return newest;
}

/** One search: its progress or outcome, the chart, the answer and its steps. */
function SearchView({
  search: s,
  onQueue,
}: {
  search: TargetSearch;
  onQueue: () => void;
}): ReactNode {
  const label = RD_QUALITY_LABELS[s.request.metric ?? 'vmafMean'];
  const r = s.result;
  const stepsDone = s.steps.length;
  return (
    <div className="target-search" data-testid="target-search" data-status={s.status}>
      {s.status === 'running' ? (
        <div className="target-progress">
          <ProgressBar
            fraction={s.phase === 'verify' ? s.verifyFraction : null}
            label={`CRF search: ${s.phase ? PHASE_TEXT[s.phase] : ''}`}
            testId="target-progress"
          />
          <span className="muted small" data-testid="target-phase">
            {s.phase ? PHASE_TEXT[s.phase] : ''}
            {s.trying !== null ? ` — CRF ${s.trying}` : ''}
            {stepsDone ? ` · ${stepsDone} step${stepsDone === 1 ? '' : 's'} done` : ''}
            {s.shots !== null ? ` · ${s.shots} shots` : ''}
            {s.coverage !== null
              ? ` · ${s.samples.length} samples, ${(100 * s.coverage).toFixed(1)} % of the title`
              : ''}
          </span>
        </div>
      ) : null}
      {s.status === 'failed' ? (
        <p className="text-danger" role="alert" data-testid="target-failed">
          The search failed: {s.error}
        </p>
      ) : null}
      {s.status === 'canceled' ? <p className="muted">The search was canceled.</p> : null}
      {s.steps.length ? (
        <SearchChart
          steps={s.steps}
          target={s.request.target}
          picked={r?.crf ?? null}
          label={label}
        />
      ) : null}
      {r ? (
        <div className="target-result" data-testid="target-result" data-crf={r.crf}>
          <p>
            <strong className="target-crf">CRF {r.crf}</strong> for {label} {r.target}: predicted{' '}
            {r.predicted.vmaf.toFixed(2)} ± {r.predicted.error.toFixed(2)},{' '}
            {formatBitrate(r.predicted.bitrateKbps)}, {formatBytes(r.predicted.sizeBytes)} —{' '}
            {r.steps.length} steps on{' '}
            {r.coverage >= 1
              ? 'the whole title'
              : `${r.samples.length} samples (${(100 * r.coverage).toFixed(1)} % of the title)`}{' '}
            in {r.seconds.search.toFixed(1)} s.
          </p>
          {r.unreachable ? <p className="text-warn">Out of reach: {r.unreachable}.</p> : null}
          {r.verified ? (
            <p data-testid="target-verified">
              Verified on the whole title: {label} {r.verified.vmaf.toFixed(2)} (
              {r.verified.offTarget >= 0 ? '+' : ''}
              {r.verified.offTarget.toFixed(2)} from the target),{' '}
              {formatBitrate(r.verified.bitrateKbps)}, {formatBytes(r.verified.sizeBytes)}.
            </p>
          ) : null}
          <div className="target-actions">
            <button
              type="button"
              className="button button-primary"
              onClick={onQueue}
              data-testid="target-queue"
            >
              Queue an encode at CRF {r.crf}
            </button>
            <button
              type="button"
              className="button"
              onClick={() => void navigator.clipboard?.writeText(r.command.join(' '))}
              title={r.command.join(' ')}
            >
              Copy the command
            </button>
          </div>
          <details>
            <summary>The command for the whole title</summary>
            <pre className="mono small target-command">{r.command.join(' ')}</pre>
          </details>
        </div>
      ) : null}
    </div>
  );
}

/** Chart size in SVG units. */
const W = 560;
const H = 200;
const PAD = { left: 44, right: 56, top: 12, bottom: 30 };

/**
 * The steps: quality against CRF (dots joined in CRF order, each sample's own quality faint behind
 * its step), the target as a dashed line, the CRF picked as a vertical line, and the bitrate on a
 * log scale at the right.
 */
function SearchChart({
  steps,
  target,
  picked,
  label,
}: {
  steps: readonly CrfStep[];
  target: number;
  picked: number | null;
  label: string;
}): ReactNode {
  const sorted = [...steps].sort((a, b) => a.crf - b.crf);
  const crfs = sorted.map((s) => s.crf).concat(picked ?? []);
  const lo = Math.min(...crfs) - 1;
  const hi = Math.max(...crfs) + 1;
  const qs = sorted.flatMap((s) => [s.quality, ...s.sampleQualities]).concat(target);
  const qLo = Math.min(...qs) - 0.5;
  const qHi = Math.max(...qs) + 0.5;
  const rates = sorted.map((s) => Math.log(s.bitrateKbps));
  const rLo = Math.min(...rates) - 0.05;
  const rHi = Math.max(...rates) + 0.05;
  const x = (c: number): number => PAD.left + ((c - lo) / (hi - lo)) * (W - PAD.left - PAD.right);
  const y = (q: number): number =>
    PAD.top + (1 - (q - qLo) / (qHi - qLo)) * (H - PAD.top - PAD.bottom);
  const yr = (k: number): number =>
    PAD.top + (1 - (Math.log(k) - rLo) / (rHi - rLo || 1)) * (H - PAD.top - PAD.bottom);
  const line = (pts: [number, number][]): string =>
    pts.map(([a, b], i) => `${i ? 'L' : 'M'}${a.toFixed(1)},${b.toFixed(1)}`).join('');
  return (
    <svg
      className="target-chart"
      viewBox={`0 0 ${W} ${H}`}
      role="img"
      aria-label={`${label} and bitrate of each CRF tried`}
      data-testid="target-chart"
      data-steps={steps.length}
    >
      <line
        className="target-axis"
        x1={PAD.left}
        x2={W - PAD.right}
        y1={H - PAD.bottom}
        y2={H - PAD.bottom}
      />
      <line
        className="target-line-target"
        x1={PAD.left}
        x2={W - PAD.right}
        y1={y(target)}
        y2={y(target)}
      />
      <text className="target-axis-text" x={PAD.left - 4} y={y(target) + 3} textAnchor="end">
        {target}
      </text>
      <text
        className="target-axis-text"
        x={(PAD.left + W - PAD.right) / 2}
        y={H - 6}
        textAnchor="middle"
      >
        CRF
      </text>
      <text className="target-axis-text" x={4} y={PAD.top + 8}>
        {label}
      </text>
      <text
        className="target-axis-text target-rate-text"
        x={W - 4}
        y={PAD.top + 8}
        textAnchor="end"
      >
        kb/s
      </text>
      <path className="target-rate" d={line(sorted.map((s) => [x(s.crf), yr(s.bitrateKbps)]))} />
      <path className="target-quality" d={line(sorted.map((s) => [x(s.crf), y(s.quality)]))} />
      {picked !== null ? (
        <line
          className="target-picked"
          x1={x(picked)}
          x2={x(picked)}
          y1={PAD.top}
          y2={H - PAD.bottom}
        />
      ) : null}
      {sorted.map((s) => (
        <g key={s.crf}>
          {s.sampleQualities.map((q, i) => (
            <circle key={i} className="target-sample" cx={x(s.crf)} cy={y(q)} r={2} />
          ))}
          <circle className="target-step" cx={x(s.crf)} cy={y(s.quality)} r={4}>
            <title>{`CRF ${s.crf}: ${label} ${s.quality.toFixed(2)} (samples ${s.sampleQualities.map((q) => q.toFixed(1)).join(', ')}), ${formatBitrate(s.bitrateKbps)}`}</title>
          </circle>
          <circle className="target-rate-dot" cx={x(s.crf)} cy={yr(s.bitrateKbps)} r={2.5} />
          <text
            className="target-axis-text"
            x={x(s.crf)}
            y={H - PAD.bottom + 12}
            textAnchor="middle"
          >
            {s.crf}
          </text>
          <text
            className="target-axis-text target-rate-text"
            x={W - PAD.right + 4}
            y={yr(s.bitrateKbps) + 3}
          >
            {Math.round(s.bitrateKbps)}
          </text>
        </g>
      ))}
    </svg>
  );
}
