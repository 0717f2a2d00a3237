import type { ReactNode } from 'react';
import type { ScoreMetric } from '../../../../shared/score';
import { METRIC_CHOICES } from './scoreRequest';

/** Props of {@link MetricChoices}. */
export interface MetricChoicesProps {
  value: readonly ScoreMetric[];
  onChange: (metrics: ScoreMetric[]) => void;
  /** Each checkbox's test id is `<prefix>-<metric>`. */
  testIdPrefix: string;
}

/** One checkbox per metric (VMAF, PSNR, SSIM, MS-SSIM); the result keeps the engine's order. */
export function MetricChoices({ value, onChange, testIdPrefix }: MetricChoicesProps): ReactNode {
  return (
    <div className="inline-actions">
      {METRIC_CHOICES.map((m) => (
        <label key={m.value} className="check">
          <input
            type="checkbox"
            checked={value.includes(m.value)}
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
  );
}
