import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { formatBitrate, formatBytes } from '../../../../shared/format';
import { ENCODERS, type SoftwareEncoder } from '../../../../shared/ladder';
import type { LibraryItem } from '../../../../shared/library';
import {
  MAX_SHOT_HEIGHTS,
  SHOT_CRFS,
  type ShotChoice,
  type ShotEncodeRequest,
  type ShotEncodeRun,
} from '../../../../shared/shotEncode';
import { useClient } from '../../hooks/useClient';
import { availableEncoders, encoderChoices } from '../../model/ladders/encoderChoices';
import { failureOf, type Failure } from '../../stores/failureOf';
import { useToolchainStore } from '../../stores/toolchainStore';
import { ErrorPanel } from '../../ui/ErrorPanel';
import { errorTitle } from '../../ui/errorTitle';
import { NumberField } from '../../ui/NumberField';
import { ProgressBar } from '../../ui/ProgressBar';

const PHASE_TEXT: Record<NonNullable<ShotEncodeRun['phase']>, string> = {
  shots: 'Finding the shots',
  encoding: 'Encoding every shot at each CRF and height',
  scoring: 'Scoring the streams',
  joining: 'Joining the chosen shots, checking and scoring the result',
};

/** Heights offered below a title's own (the usual rungs of a ladder). */
const LOWER_HEIGHTS = [1080, 720, 540, 360, 240, 144];

/** The title's own picture height, as shown (a quarter turn swaps the sides). */
function ownHeight(source: LibraryItem): number {
  const v = source.media.video;
  return Math.abs(v.rotation) % 180 === 90 ? v.width : v.height;
}

/**
 * Per-shot encoding (`shotencode.start`, the same run as `vq shot-encode`): every shot of the
 * source at each CRF of a grid (and each picture height ticked), one slope across the shots' hulls
 * to meet a bitrate or a VMAF, the chosen shot encodes joined, at the height that does best. The
 * answer is drawn over the title's timeline: a band per shot at its CRF (darker: a lower CRF, more
 * bits), with its bitrate and VMAF.
 */
export function ShotEncodePanel({ source }: { source: LibraryItem }): ReactNode {
  const client = useClient();
  const report = useToolchainStore((s) => s.report);
  const [encoder, setEncoder] = useState<SoftwareEncoder>('libx264');
  const [preset, setPreset] = useState('');
  const [kind, setKind] = useState<'kbps' | 'quality'>('quality');
  const [value, setValue] = useState<number | null>(93);
  const own = ownHeight(source);
  const offered = [own, ...LOWER_HEIGHTS.filter((h) => h < own)];
  // The heights ticked, for the source they were ticked on (another source starts at its own).
  const [ticked, setTicked] = useState<{ sourceId: string; heights: ReadonlySet<number> } | null>(
    null,
  );
  const heights = ticked?.sourceId === source.id ? ticked.heights : new Set([own]);
  const toggleHeight = (h: number): void => {
    const next = new Set(heights);
    if (next.has(h)) next.delete(h);
    else next.add(h);
    setTicked({ sourceId: source.id, heights: next });
  };
  const picked = offered.filter((h) => heights.has(h));
  const [known, setKnown] = useState<ShotEncodeRun[]>([]);
  const [error, setError] = useState<Failure | null>(null);
  const choices = useMemo(
    () => encoderChoices(availableEncoders(report)).filter((c) => !c.hardware),
    [report],
  );
  const valueError =
    value === null
      ? 'Give the target.'
      : kind === 'quality'
        ? value > 0 && value <= 100
          ? null
          : 'A VMAF target runs above 0 up to 100.'
        : value > 0 && value <= 1_000_000
          ? null
          : 'A bitrate above 0 kb/s.';
  const heightsError =
    picked.length === 0
      ? 'Tick at least one height.'
      : picked.length > MAX_SHOT_HEIGHTS
        ? `At most ${MAX_SHOT_HEIGHTS} heights.`
        : null;

  useEffect(() => {
    let live = true;
    client.call('shotencode.list', { sourceId: source.id }).then(
      (r) => live && setKnown((all) => mergeRuns(all, r.runs)),
      () => undefined,
    );
    const off = client.onEvent((e) => {
      if (e.type === 'shotencode.updated') setKnown((all) => mergeRuns(all, [e.run]));
    });
    return () => {
      live = false;
      off();
    };
  }, [client, source.id]);

  const latest = known
    .filter((r) => r.sourceId === source.id)
    .sort((a, b) => b.startedAt.localeCompare(a.startedAt))[0];
  const running = latest?.status === 'running';

  async function start(): Promise<void> {
    if (valueError || heightsError || value === null) return;
    setError(null);
    const request: ShotEncodeRequest = {
      sourceId: source.id,
      encoder,
      preset: preset || null,
      heights: picked,
      target: kind === 'kbps' ? { kbps: value } : { quality: value },
    };
    try {
      const run = await client.call('shotencode.start', request);
      setKnown((all) => mergeRuns(all, [run]));
    } catch (err) {
      setError(failureOf(err));
    }
  }

  return (
    <section className="panel target-panel" aria-label="Per-shot encode" data-testid="shot-panel">
      <div className="panel-head">
        <h2>
          Per-shot encode <span className="muted">for {source.fileName}</span>
        </h2>
      </div>
      <p className="muted small">
        Encodes every shot at {SHOT_CRFS[encoder].length} CRFs (at each height ticked), finds each
        shot’s rate–quality hull and spends the bits where they buy the most quality: one slope
        across all shots (Netflix’s Dynamic Optimizer), to meet the bitrate or the VMAF asked, at
        the height that does best. The chosen shot encodes are joined without re-encoding, checked
        and scored.
      </p>
      <form
        className="target-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (!running && !valueError && !heightsError) void start();
        }}
      >
        <label className="field">
          <span className="field-label">Encoder</span>
          <select
            className="input"
            value={encoder}
            onChange={(e) => {
              setEncoder(e.target.value as SoftwareEncoder);
              setPreset('');
            }}
            data-testid="shot-encoder"
          >
            {choices.map((c) => (
              <option key={c.encoder} value={c.encoder}>
                {c.label}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field-label">Preset</span>
          <select
            className="input"
            value={preset}
            onChange={(e) => setPreset(e.target.value)}
            data-testid="shot-preset"
          >
            <option value="">Default ({ENCODERS[encoder].defaultPreset})</option>
            {ENCODERS[encoder].presets.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field-label">Target</span>
          <select
            className="input"
            value={kind}
            onChange={(e) => setKind(e.target.value as 'kbps' | 'quality')}
            data-testid="shot-target-kind"
          >
            <option value="quality">VMAF (mean) at least</option>
            <option value="kbps">Bitrate at most (kb/s)</option>
          </select>
        </label>
        <label className="field target-number">
          <span className="field-label">{kind === 'kbps' ? 'kb/s' : 'VMAF'}</span>
          <NumberField
            value={value}
            onChange={setValue}
            label="Target value"
            invalid={valueError !== null}
            testId="shot-target"
          />
          {valueError ? <span className="field-note text-danger">{valueError}</span> : null}
        </label>
        <fieldset className="field shot-heights" data-testid="shot-heights">
          <legend className="field-label">Heights</legend>
          <div className="shot-heights-list">
            {offered.map((h) => (
              <label key={h} className="check">
                <input
                  type="checkbox"
                  checked={heights.has(h)}
                  onChange={() => toggleHeight(h)}
                  data-testid="shot-height"
                  data-height={h}
                />
                {h}p
              </label>
            ))}
          </div>
          {heightsError ? (
            <span className="field-note text-danger">{heightsError}</span>
          ) : picked.length > 1 ? (
            <span className="field-note muted">
              {picked.length * SHOT_CRFS[encoder].length} encodes of every shot
            </span>
          ) : null}
        </fieldset>
        <div className="target-actions">
          {running ? (
            <button
              type="button"
              className="button"
              onClick={() =>
                void client
                  .call('shotencode.cancel', { id: latest.id })
                  .catch((err: unknown) => setError(failureOf(err)))
              }
              data-testid="shot-cancel"
            >
              Cancel
            </button>
          ) : (
            <button
              type="submit"
              className="button button-primary"
              disabled={valueError !== null || heightsError !== null}
              data-testid="shot-start"
            >
              Encode shot by shot
            </button>
          )}
        </div>
      </form>
      {error ? (
        <ErrorPanel
          title={`The per-shot encode could not run: ${errorTitle(error.code)}`}
          message={error.message}
          hint={error.hint}
          onDismiss={() => setError(null)}
          testId="shot-error"
        />
      ) : null}
      {latest ? <RunView run={latest} /> : null}
    </section>
  );
}

/** `all` with `news` in place of older copies (a list answer never takes a run back). */
function mergeRuns(all: readonly ShotEncodeRun[], news: readonly ShotEncodeRun[]): ShotEncodeRun[] {
  const byId = new Map(all.map((r) => [r.id, r]));
  for (const r of news) {
    const had = byId.get(r.id);
    const older = had && (had.status !== 'running' || r.done < had.done);
    if (!older) byId.set(r.id, r);
  }
  return [...byId.values()];
}

/** One run: progress, or the choices over the title's timeline and the result. */
function RunView({ run }: { run: ShotEncodeRun }): ReactNode {
  const r = run.result;
  return (
    <div className="target-search" data-testid="shot-run" data-status={run.status}>
      {run.status === 'running' ? (
        <div className="target-progress">
          <ProgressBar
            fraction={run.total ? run.done / run.total : null}
            label="Per-shot encode progress"
            testId="shot-progress"
          />
          <span className="muted small">
            {run.phase ? PHASE_TEXT[run.phase] : ''}
            {run.total ? ` · ${run.done} of ${run.total} shot encodes` : ''}
            {run.onWorkers ? ' on the shared queue’s workers (the Queue shows their jobs)' : ''}
            {run.shots.length ? ` · ${run.shots.length} shots` : ''}
          </span>
        </div>
      ) : null}
      {run.status === 'failed' ? (
        <p className="text-danger" role="alert">
          The per-shot encode failed: {run.error}
        </p>
      ) : null}
      {run.status === 'canceled' ? <p className="muted">Canceled.</p> : null}
      {r ? (
        <>
          <ShotStrip choices={r.choices} crfs={r.crfs} />
          <p data-testid="shot-result" data-height={r.height}>
            {r.height}p
            {r.heights.length > 1
              ? ` (the best of ${r.heights.map((h) => `${h}p`).join(', ')})`
              : ''}
            , VMAF {r.measured.vmaf.toFixed(2)}, {formatBitrate(r.measured.bitrateKbps)} video,{' '}
            {formatBytes(r.measured.sizeBytes)} (predicted VMAF {r.predicted.vmaf.toFixed(2)},{' '}
            {formatBitrate(r.predicted.bitrateKbps)}).
            {r.why ? <span className="text-warn"> Out of reach: {r.why}.</span> : null}
          </p>
          <p className="muted small mono">{r.measured.file}</p>
        </>
      ) : null}
    </div>
  );
}

/** The title's timeline with a band per shot at its CRF: darker is a lower CRF (more bits). */
function ShotStrip({
  choices,
  crfs,
}: {
  choices: readonly ShotChoice[];
  crfs: readonly number[];
}): ReactNode {
  const total = choices.at(-1)?.end ?? 1;
  const lo = Math.min(...crfs);
  const hi = Math.max(...crfs);
  return (
    <div className="shot-strip" data-testid="shot-strip" data-shots={choices.length}>
      {choices.map((c, i) => {
        const t = hi > lo ? (c.crf - lo) / (hi - lo) : 0.5;
        return (
          <div
            key={c.start}
            className="shot-strip-band"
            style={{
              left: `${(c.start / total) * 100}%`,
              width: `${((c.end - c.start) / total) * 100}%`,
              background: `color-mix(in srgb, var(--accent) ${Math.round(90 - 65 * t)}%, var(--bg-sunken))`,
            }}
            title={`Shot ${i + 1}, frames ${c.start}–${c.end - 1}: CRF ${c.crf} at ${c.height}p, ${formatBitrate(c.kbps)}, VMAF ${c.vmaf.toFixed(2)}`}
            data-crf={c.crf}
          >
            <span className="shot-strip-crf">{c.crf}</span>
          </div>
        );
      })}
    </div>
  );
}
