import type { ReactNode } from 'react';
import type { FrameMatch } from '../../../../../shared/frameMatch';
import { FIX_DESCRIPTIONS } from '../../../../../shared/preflight';
import { SCORE_SERIES, type Alignment, type PictureBox } from '../../../../../shared/score';
import type { ScoreResultDetail } from '../../../../../shared/scoreResults';
import { CommandBlock } from '../../../ui/CommandBlock';
import { FactList } from '../../../ui/FactList';
import { pooledValue } from './scoreColumns';
import { everyNth } from '../../../model/scores/scoreOptionsText';
import { lowerIsBetter, scoreText, SERIES_INFO, shareText } from '../../../model/scores/seriesInfo';

/** Props of {@link ScoreDetails}. */
export interface ScoreDetailsProps {
  detail: ScoreResultDetail;
  onRequestDelete: () => void;
  /** Shown under the pooled figures: what the score is made of (FeatureChart). */
  children?: ReactNode;
}

/**
 * Why a lower-is-better series has no harmonic mean here: libvmaf's harmonic mean leans towards
 * the lowest frames, the worst ones of a score where higher is better; for CAMBI those are the
 * best frames, so the figure would hide banding instead of weighting it.
 */
const HARMONIC_NOT_SHOWN =
  'Not shown: the harmonic mean leans towards the lowest frames, which for a lower-is-better series are its best ones, so it would hide the worst frames instead of weighting them';

const STATS = [
  { key: 'mean', label: 'Mean', title: 'Arithmetic mean of the per-frame values' },
  { key: 'harmonicMean', label: 'Harmonic', title: "libvmaf's n / Σ 1/(s+1) − 1" },
  { key: 'min', label: 'Min', title: 'Worst frame' },
  { key: 'p1', label: 'p1', title: '1st percentile (linear interpolation)' },
  { key: 'p5', label: 'p5', title: '5th percentile (linear interpolation)' },
  { key: 'max', label: 'Max', title: 'Best frame' },
  { key: 'stdev', label: 'σ', title: 'Population standard deviation' },
] as const;

/**
 * The tooltip of a pooled cell of a lower-is-better series (CAMBI), where the column's own title
 * ("Worst frame" over Min) reads the wrong way round; undefined for the others.
 */
function lowerIsBetterTitle(key: (typeof STATS)[number]['key']): string | undefined {
  switch (key) {
    case 'harmonicMean':
      return HARMONIC_NOT_SHOWN;
    case 'min':
      return 'Best frame (lower is better)';
    case 'max':
      return 'Worst frame (lower is better)';
    case 'p1':
    case 'p5':
      return 'A percentile of the best frames (lower is better); the worst frames are at the top';
    default:
      return undefined;
  }
}

/** "vmaf_v1.0.16_3d0h_2160 (scores 0–110) — requested": a model not on 0–100 says its scale. */
function modelText(model: NonNullable<ScoreResultDetail['model']>): string {
  const scale = model.maxScore && model.maxScore !== 100 ? ` (scores 0–${model.maxScore})` : '';
  return `${model.name}${model.transform ? ' (with transform)' : ''}${scale} — ${model.reason}`;
}

function conversionText(c: { from: string; to: string } | null): string | null {
  return c ? `${c.from} → ${c.to}` : null;
}

/**
 * How one result was computed, so it can be reproduced: pooled figures of every series, the
 * model, the ffmpeg and libvmaf build, the alignment, the fixes chosen, warnings, the pre-flight
 * findings and the exact command.
 */
export function ScoreDetails({ detail, onRequestDelete, children }: ScoreDetailsProps): ReactNode {
  const a = detail.alignment;
  const series = SCORE_SERIES.filter((s) => detail.metrics[s] !== undefined);
  return (
    <section
      className="score-details"
      aria-label={`How ${detail.label} was scored`}
      data-testid="score-details"
    >
      <h3>
        Details <span className="muted">{detail.label}</span>
      </h3>
      <div className="table-frame">
        <table className="data-table compact pooled-table" aria-label="Pooled figures">
          <thead>
            <tr>
              <th scope="col">Series</th>
              {STATS.map((s) => (
                <th key={s.key} scope="col" className="num" title={s.title}>
                  {s.label}
                </th>
              ))}
              <th scope="col" className="num" title="Share of frames below the threshold">
                Below
              </th>
            </tr>
          </thead>
          <tbody>
            {series.map((s) => {
              const p = detail.metrics[s]!;
              const lower = lowerIsBetter(s);
              return (
                <tr key={s} data-testid="pooled-row" data-series={s}>
                  <th scope="row" title={SERIES_INFO[s].description}>
                    {SERIES_INFO[s].label}
                    {lower ? <span className="muted small"> ↓ better</span> : null}
                  </th>
                  {STATS.map((st) => (
                    <td
                      key={st.key}
                      className="num"
                      title={lower ? lowerIsBetterTitle(st.key) : undefined}
                    >
                      {st.key === 'stdev'
                        ? scoreText(s, p.stdev)
                        : lower && st.key === 'harmonicMean'
                          ? '–'
                          : scoreText(
                              s,
                              pooledValue(detail, s, (v) => v[st.key]),
                            )}
                    </td>
                  ))}
                  <td className="num">
                    {p.below ? `${shareText(p.below.share)} < ${p.below.threshold}` : '–'}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {series.some(lowerIsBetter) ? (
        <p className="muted small" data-testid="pooled-lower-better">
          {series
            .filter(lowerIsBetter)
            .map((s) => SERIES_INFO[s].label)
            .join(', ')}
          : lower is better, so its Min is its best frame and its Max its worst, and it has no
          harmonic mean (that figure leans towards the lowest frames, here the best ones).
        </p>
      ) : null}

      {children}

      {detail.warnings.length || detail.unavailable.length ? (
        <ul className="score-warnings" data-testid="result-warnings">
          {detail.warnings.map((w) => (
            <li key={w.id}>
              {w.message}
              {w.reference ? <span className="muted"> ({w.reference})</span> : null}
            </li>
          ))}
          {detail.unavailable.map((u) => (
            <li key={u.metric}>
              {u.metric} was not computed: {u.reason}
              {u.hint ? <span className="muted"> — {u.hint}</span> : null}
            </li>
          ))}
        </ul>
      ) : null}

      <FactList
        facts={[
          { label: 'Frames scored', value: String(detail.frames) },
          {
            label: 'Model',
            value: detail.model ? modelText(detail.model) : null,
          },
          { label: 'Model file', value: detail.model?.path ?? null, mono: true },
          {
            label: 'ffmpeg',
            value: `${detail.ffmpeg.path}${detail.ffmpeg.version ? ` (${detail.ffmpeg.version})` : ''}`,
            mono: true,
          },
          {
            label: 'libvmaf',
            value:
              detail.ffmpeg.libvmafApi === null
                ? 'not used'
                : `${detail.ffmpeg.libvmafVersion ?? 'version not logged'} · filter API ${detail.ffmpeg.libvmafApi}`,
          },
          {
            label: 'Compared at',
            value: `${a.width}×${a.height} ${a.pixFmt}, ${a.scaler}${
              a.vmafPixFmt && a.vmafPixFmt !== a.pixFmt ? ` (VMAF on ${a.vmafPixFmt})` : ''
            }`,
            mono: true,
          },
          { label: 'Frame rate', value: a.frameRate, mono: true },
          {
            label: 'Timing',
            value: `reference ${a.referenceTiming}, distorted ${a.distortedTiming}`,
            title:
              'index: read at a forced constant rate; convert: fps filter; timestamps: as stored; matched: frames paired by their pictures',
          },
          { label: 'Frame match', value: a.frameMatch ? frameMatchText(a.frameMatch) : null },
          { label: 'Black bars cropped', value: a.crop ? cropText(a.crop) : null, mono: true },
          {
            label: 'Range',
            value: `from frame ${a.startFrame}, ${a.frames === null ? 'to the end' : `${a.frames} frames`}, ${everyNth(a.subsample)}`,
          },
          { label: 'Range conversion', value: conversionText(a.rangeConversion), mono: true },
          { label: 'Matrix conversion', value: conversionText(a.matrixConversion), mono: true },
          {
            label: 'Fixes chosen',
            value: detail.fixes.length
              ? detail.fixes.map((f) => FIX_DESCRIPTIONS[f]).join(' ')
              : 'none',
          },
          { label: 'Scored', value: new Date(detail.createdAt).toLocaleString() },
        ]}
      />

      {detail.preflight.length ? (
        <details className="more">
          <summary>Pre-flight findings ({detail.preflight.length})</summary>
          <ul className="findings">
            {detail.preflight.map((f) => (
              <li key={f.id} className={`finding finding-${f.severity}`}>
                <span className={`severity severity-${f.severity}`}>{f.severity}</span>
                <div className="finding-body">
                  <p>{f.message}</p>
                </div>
              </li>
            ))}
          </ul>
        </details>
      ) : null}

      <CommandBlock args={detail.command} label="Command as run" testId="result-command" />
      <div className="detail-actions">
        <button
          type="button"
          className="button button-small button-danger-quiet"
          onClick={onRequestDelete}
          data-testid="delete-score"
        >
          Delete this score
        </button>
        <span className="muted small">The videos stay; only the stored numbers go.</span>
      </div>
    </section>
  );
}

/** A match a score was taken on, in one line: where it starts, what it lacks, how sure. */
function frameMatchText(m: FrameMatch): string {
  const first = m.mapping[0];
  const parts = [
    first
      ? `distorted frame ${first.distStart} shows reference frame ${first.refStart}`
      : 'no frame matched',
    `${m.dropped.length} lacking (${m.droppedFrames === 'hold' ? 'scored against the frame held' : 'left out'})`,
    `${m.repeated.length} repeated (scored once)`,
    `confidence ${m.confidence.toFixed(2)}`,
  ];
  return parts.join(' · ');
}

/** The boxes compared when bars were cropped away. */
function cropText(c: NonNullable<Alignment['crop']>): string {
  const box = (b: PictureBox | null): string =>
    b ? `${b.width}×${b.height} at (${b.x}, ${b.y})` : 'whole picture';
  return `distorted ${box(c.distorted)}, reference ${box(c.reference)}`;
}
