import { useMemo, useState, type ReactNode } from 'react';
import type { ScoreResultDetail } from '../../../../../shared/scoreResults';
import { featureAxis, featureGroups, featureLabel, type FeatureGroupId } from './featureGroups';
import { FrameChart, type ChartSeries } from './FrameChart';
import { SERIES_PALETTE } from '../../../model/scores/seriesColors';

/** Props of {@link FeatureChart}. */
export interface FeatureChartProps {
  detail: Pick<ScoreResultDetail, 'id' | 'label' | 'features' | 'frameNumbers'>;
  /** The frame marked in the other charts (a worst frame), marked here too. */
  highlightFrame: number | null;
}

/**
 * What a result's VMAF is made of: libvmaf's elementary features per frame, one family (ADM,
 * VIF, motion) at a time, one line per feature, on the frames of the score chart. Renders
 * nothing for a result without stored features.
 */
export function FeatureChart({ detail, highlightFrame }: FeatureChartProps): ReactNode {
  const groups = useMemo(() => featureGroups(detail.features), [detail.features]);
  const [choice, setChoice] = useState<FeatureGroupId>('adm');
  const group = groups.find((g) => g.id === choice) ?? groups[0];
  const series = useMemo<ChartSeries[]>(
    () =>
      (group?.keys ?? []).map((key, i) => ({
        id: `${detail.id}:${key}`,
        label: featureLabel(key),
        color: SERIES_PALETTE[i % SERIES_PALETTE.length]!,
        frameNumbers: detail.frameNumbers,
        values: detail.features[key]!,
      })),
    [group, detail],
  );
  const axis = useMemo(() => (group ? featureAxis(group) : null), [group]);
  if (!group || !axis) return null;
  return (
    <section
      className="feature-chart"
      aria-label={`What the VMAF of ${detail.label} is made of`}
      data-testid="feature-chart"
    >
      <h4>
        What the VMAF is made of <span className="muted small">libvmaf’s features per frame</span>
      </h4>
      <div className="chart-toolbar">
        <div className="segmented" role="group" aria-label="Feature family shown">
          {groups.map((g) => (
            <button
              key={g.id}
              type="button"
              className="segment"
              aria-pressed={g.id === group.id}
              title={g.description}
              onClick={() => setChoice(g.id)}
              data-testid={`feature-group-${g.id}`}
            >
              {g.label}
            </button>
          ))}
        </div>
      </div>
      <FrameChart
        series={series}
        axis={axis}
        threshold={null}
        highlightFrame={highlightFrame}
        height={180}
        testId="feature-frame-chart"
      />
      <p className="muted small">{group.description}</p>
    </section>
  );
}
