import { useMemo, type ReactNode } from 'react';
import { BD_MIN_POINTS, type BdMethod, type QualityDirection } from '../../../../shared/rd';
import {
  bdRows,
  defaultAnchorKey,
  percentText,
  signedText,
  SMALL_OVERLAP,
  type BdCurve,
} from './bdTable';

/** Props of {@link BdTablePanel}. */
export interface BdTablePanelProps {
  curves: readonly (BdCurve & { color?: string })[];
  /** The anchor chosen; null or a key no longer shown picks {@link defaultAnchorKey}'s. */
  anchorKey: string | null;
  method: BdMethod;
  /** Name of the quality figure ("VMAF (mean)"). */
  qualityLabel: string;
  decimals: number;
  /** Which way the figure is better: 'lower' for CAMBI, whose BD-quality is better negative. */
  direction?: QualityDirection;
  onAnchor: (key: string) => void;
  onMethod: (method: BdMethod) => void;
}

const METHOD_HINT: Record<BdMethod, string> = {
  pchip:
    'PCHIP: monotone piecewise cubic interpolation of log-rate against quality (JCT-VC/JVET common test conditions). Needs 2 points per curve.',
  cubic:
    'Cubic: the original Bjøntegaard (VCEG-M33) third-order polynomial fit. Needs 4 points per curve; can misbehave on unusual curves.',
};

/**
 * The BD-rate table: each curve against a chosen anchor — BD-rate (bits saved at equal quality,
 * negative = fewer bits than the anchor) and BD-quality (quality gained at equal bitrate). A pair
 * without numbers says why in words.
 */
export function BdTablePanel({
  curves,
  anchorKey,
  method,
  qualityLabel,
  decimals,
  direction = 'higher',
  onAnchor,
  onMethod,
}: BdTablePanelProps): ReactNode {
  const anchor =
    curves.find((c) => c.key === anchorKey) ??
    curves.find((c) => c.key === defaultAnchorKey(curves, method)) ??
    null;
  const rows = useMemo(
    () => (anchor ? (bdRows(curves, anchor.key, method, direction) ?? []) : []),
    [curves, anchor, method, direction],
  );
  const qualityNote =
    direction === 'lower'
      ? `${qualityLabel} is lower-is-better: BD-rate still compares bits at equal ${qualityLabel}, and a negative BD-quality is the better one (less at the same bitrate). Where a curve reaches its lowest ${qualityLabel} at several bitrates (often 0 at the top rungs), only the cheapest of those points is used: the dearer ones gain nothing, and a curve must fall strictly to have BD numbers.`
      : 'Positive BD-quality: more quality than the anchor at the same bitrate.';

  return (
    <section className="panel bd-panel" aria-label="BD-rate" data-testid="bd-panel">
      <div className="panel-head">
        <h2>
          BD-rate <span className="muted">against an anchor curve, on {qualityLabel}</span>
        </h2>
      </div>
      {curves.length < 2 ? (
        <p className="muted" data-testid="bd-empty">
          BD-rate compares two curves. There{' '}
          {curves.length === 1 ? 'is one curve' : 'are no curves'} of {qualityLabel} yet: encode and
          score another ladder or resolution of this source, or group the curves differently.
        </p>
      ) : (
        <>
          <div className="analysis-controls">
            <label className="field">
              <span className="field-label">Anchor</span>
              <select
                className="input"
                value={anchor?.key ?? ''}
                onChange={(e) => onAnchor(e.target.value)}
                data-testid="bd-anchor"
              >
                {curves.map((c) => (
                  <option key={c.key} value={c.key}>
                    {c.label} ({c.points.length} point{c.points.length === 1 ? '' : 's'})
                  </option>
                ))}
              </select>
            </label>
            <div className="field">
              <span className="field-label">Method</span>
              <div className="segmented" role="group" aria-label="BD interpolation">
                {(['pchip', 'cubic'] as const).map((m) => (
                  <button
                    key={m}
                    type="button"
                    className="segment"
                    aria-pressed={m === method}
                    title={METHOD_HINT[m]}
                    onClick={() => onMethod(m)}
                    data-testid={`bd-method-${m}`}
                  >
                    {m === 'pchip' ? 'PCHIP' : 'Cubic'}
                  </button>
                ))}
              </div>
            </div>
            <p className="field-note bd-note">
              {METHOD_HINT[method]} Negative BD-rate: the curve needs fewer bits than the anchor for
              the same quality. <span data-testid="bd-quality-note">{qualityNote}</span>
            </p>
          </div>
          <div className="table-frame">
            <table className="data-table bd-table" data-testid="bd-table">
              <thead>
                <tr>
                  <th scope="col">Curve</th>
                  <th scope="col" className="num">
                    Points
                  </th>
                  <th scope="col" className="num">
                    BD-rate
                  </th>
                  <th
                    scope="col"
                    className="num"
                    title={`Mean difference in ${qualityLabel} at the same bitrate, curve − anchor${direction === 'lower' ? ' (negative is better)' : ''}`}
                  >
                    BD-quality
                  </th>
                  <th scope="col">Overlap ({qualityLabel})</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => {
                  const color = curves.find((c) => c.key === r.key)?.color;
                  return (
                    <tr key={r.key} data-testid="bd-row" data-curve={r.label} data-ok={r.ok}>
                      <th scope="row">
                        {color ? (
                          <span className="swatch" style={{ background: color }} aria-hidden />
                        ) : null}
                        {r.label}
                      </th>
                      <td
                        className="num"
                        title={
                          r.dropped
                            ? `${r.points - r.dropped} used: ${r.dropped} dearer point${r.dropped === 1 ? '' : 's'} at the curve's lowest ${qualityLabel} left out`
                            : undefined
                        }
                        data-testid="bd-points"
                      >
                        {r.dropped ? `${r.points - r.dropped} of ${r.points}` : r.points}
                      </td>
                      {r.ok ? (
                        <>
                          <td
                            className={`num ${r.result.bdRatePercent < 0 ? 'bd-better' : 'bd-worse'}`}
                            data-testid="bd-rate"
                          >
                            {percentText(r.result.bdRatePercent)}
                          </td>
                          <td className="num" data-testid="bd-quality">
                            {r.result.bdQuality === null ? (
                              <span
                                className="muted"
                                title="The curves share no bitrate range, so there is no quality difference at equal bitrate; the BD-rate needs only the shared quality range."
                              >
                                no shared bitrates
                              </span>
                            ) : (
                              signedText(r.result.bdQuality, decimals)
                            )}
                          </td>
                          <td className="muted">
                            {r.result.overlap[0].toFixed(decimals)}–
                            {r.result.overlap[1].toFixed(decimals)}
                            {r.overlapShare < SMALL_OVERLAP ? (
                              <span
                                className="text-warn"
                                title="The curves share little of their quality range: the BD numbers describe only that narrow range; below 75 % shared, treat them with care."
                                data-testid="bd-small-overlap"
                              >
                                {' '}
                                · only {Math.round(r.overlapShare * 100)} % shared
                              </span>
                            ) : null}
                          </td>
                        </>
                      ) : (
                        <td colSpan={3} className="bd-problem" data-testid="bd-problem">
                          <strong>
                            {r.problem === 'too few points'
                              ? `Too few points (${method === 'cubic' ? 'cubic' : 'PCHIP'} needs ${BD_MIN_POINTS[method]})`
                              : r.problem === 'not monotonic'
                                ? 'Not monotonic'
                                : r.problem === 'no overlap'
                                  ? 'No overlap with the anchor'
                                  : r.problem === 'mixed settings'
                                    ? 'Mixed encoder settings'
                                    : 'Cannot compute'}
                          </strong>
                          <span className="muted small"> — {r.message}</span>
                        </td>
                      )}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
