import type { ReactNode } from 'react';
import { SCORE_SERIES, type ScoreSeries } from '../../../../../shared/score';
import type { ScoreResultDetail } from '../../../../../shared/scoreResults';
import { scoreText, SERIES_INFO } from '../../../model/scores/seriesInfo';

/** Props of {@link WorstFrames}. */
export interface WorstFramesProps {
  detail: ScoreResultDetail;
  /** The frame marked in the chart, if any. */
  highlighted: number | null;
  onShowFrame: (frame: number) => void;
  /** Opens Compare on this video and its reference at a worst frame (numbered as in the table). */
  onOpenInCompare?: (frame: number) => void;
}

/** Whole-picture and chroma series left out of the table: the luma figure stands for them. */
const LEFT_OUT: ReadonlySet<ScoreSeries> = new Set<ScoreSeries>([
  'psnr',
  'ssim',
  'xpsnrU',
  'xpsnrV',
]);

/**
 * The frames of one result that score worst (in the series `worstBy` names), worst first, with
 * every series' value there (XPSNR and CAMBI too when scored); clicking one marks it in the
 * chart, "Compare" opens it in Compare.
 */
export function WorstFrames({
  detail,
  highlighted,
  onShowFrame,
  onOpenInCompare,
}: WorstFramesProps): ReactNode {
  const by = detail.worstBy;
  const shown: ScoreSeries[] = SCORE_SERIES.filter(
    (s) => !LEFT_OUT.has(s) && detail.worstFrames.some((f) => s in f),
  );
  return (
    <section className="worst-frames" aria-label={`Worst frames of ${detail.label}`}>
      <h3>
        Worst frames{' '}
        <span className="muted">
          {detail.label}
          {by ? ` · by ${SERIES_INFO[by].label}` : ''}
        </span>
      </h3>
      {detail.worstFrames.length === 0 ? (
        <p className="muted small">No frames to rank.</p>
      ) : (
        <table className="data-table compact worst-table" data-testid="worst-frames">
          <thead>
            <tr>
              <th scope="col">Frame</th>
              {shown.map((s) => (
                <th key={s} scope="col" className="num" title={SERIES_INFO[s].description}>
                  {SERIES_INFO[s].label}
                </th>
              ))}
              {onOpenInCompare ? (
                <th scope="col">
                  <span className="visually-hidden">Open in Compare</span>
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody>
            {detail.worstFrames.map((f) => (
              <tr
                key={f.frame}
                className={f.frame === highlighted ? 'is-selected' : undefined}
                data-testid="worst-frame"
                data-frame={f.frame}
              >
                <td>
                  <button
                    type="button"
                    className="link-button mono"
                    aria-pressed={f.frame === highlighted}
                    title="Mark this frame in the chart"
                    onClick={() => onShowFrame(f.frame)}
                  >
                    {f.frame}
                  </button>
                </td>
                {shown.map((s) => (
                  <td key={s} className={`num ${s === by ? 'is-rank' : ''}`}>
                    {/* null here is +∞ (identical frames) for PSNR, else not a number. */}
                    {f[s] === null && (s === 'psnrY' || s === 'psnr')
                      ? '∞'
                      : scoreText(s, f[s] ?? null)}
                  </td>
                ))}
                {onOpenInCompare ? (
                  <td className="row-actions">
                    <button
                      type="button"
                      className="button button-small"
                      title={`Open frame ${detail.alignment.startFrame + f.frame} of the reference in Compare, next to ${detail.label}`}
                      onClick={() => onOpenInCompare(f.frame)}
                      data-testid="worst-frame-compare"
                    >
                      Compare
                    </button>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p className="muted small">
        Frame numbers count from the first frame scored
        {detail.alignment.startFrame > 0
          ? ` (frame ${detail.alignment.startFrame} of the reference)`
          : ''}
        .
      </p>
    </section>
  );
}
