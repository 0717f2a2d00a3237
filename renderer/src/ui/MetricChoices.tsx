import type { ReactNode } from 'react';
import type { ScoreMetric } from '../../../shared/score';
import { METRIC_CHOICES } from '../model/scores/scoreRequest';
import type { MetricSupportMap } from '../model/scores/scoringBuild';

/** Props of {@link MetricChoices}. */
export interface MetricChoicesProps {
  value: readonly ScoreMetric[];
  onChange: (metrics: ScoreMetric[]) => void;
  /** Each checkbox's test id is `<prefix>-<metric>`; a reason's is `<prefix>-<metric>-reason`. */
  testIdPrefix: string;
  /**
   * What the scoring build can compute (scoringBuild.ts); a metric it cannot is shown disabled,
   * unchecked, with the reason. Null while the toolchain is not known: every choice is open.
   */
  support?: MetricSupportMap | null;
}

/**
 * One checkbox per metric (VMAF, PSNR, SSIM, MS-SSIM, CAMBI, XPSNR); the result keeps the
 * engine's order. A metric the scoring build cannot compute is listed as unavailable with why.
 */
export function MetricChoices({
  value,
  onChange,
  testIdPrefix,
  support = null,
}: MetricChoicesProps): ReactNode {
  const unavailable = METRIC_CHOICES.flatMap((m) => {
    const s = support?.[m.value];
    return s && !s.ok ? [{ ...m, reason: s.reason }] : [];
  });
  const off = new Set(unavailable.map((u) => u.value));
  return (
    <>
      <div className="inline-actions">
        {METRIC_CHOICES.map((m) => (
          <label
            key={m.value}
            className={`check${off.has(m.value) ? ' is-disabled' : ''}`}
            title={unavailable.find((u) => u.value === m.value)?.reason}
          >
            <input
              type="checkbox"
              checked={!off.has(m.value) && value.includes(m.value)}
              disabled={off.has(m.value)}
              onChange={(e) =>
                onChange(
                  METRIC_CHOICES.map((c) => c.value).filter((v) =>
                    v === m.value ? e.target.checked : value.includes(v),
                  ),
                )
              }
              data-testid={`${testIdPrefix}-${m.value}`}
            />
            {m.label}
          </label>
        ))}
      </div>
      {unavailable.length ? (
        <ul className="field-note metric-unavailable muted">
          {unavailable.map((u) => (
            <li key={u.value} data-testid={`${testIdPrefix}-${u.value}-reason`}>
              Not on this build — {u.reason}
            </li>
          ))}
        </ul>
      ) : null}
    </>
  );
}
