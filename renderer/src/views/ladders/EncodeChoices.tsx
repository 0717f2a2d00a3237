import { useMemo, type ReactNode } from 'react';
import type { HdrHandling } from '../../../../shared/ladder';
import type { HdrKind } from '../../../../shared/media';
import type { ScoreMetric } from '../../../../shared/score';
import { setEncodeOptions } from '../../stores/ladderEditorStore';
import { useToolchainStore } from '../../stores/toolchainStore';
import { MetricChoices } from '../../ui/MetricChoices';
import { scoringSupport } from '../../model/scores/scoringBuild';
import { HdrChoice } from '../../ui/HdrChoice';

/** Props of {@link EncodeChoices}. */
export interface EncodeChoicesProps {
  /** The source's HDR transfer; the HDR choice shows only for an HDR source. */
  sourceHdr: HdrKind;
  hdr: HdrHandling;
  /** Score after encode is on: its metrics are chosen here. */
  scoreAfterEncode: boolean;
  scoreMetrics: readonly ScoreMetric[];
}

/**
 * The encode choices that depend on the source and the options: what an HDR source becomes (never
 * flattened silently: kept HDR unless tone-mapping is chosen), and what score after encode
 * measures. Renders nothing when neither applies.
 */
export function EncodeChoices({
  sourceHdr,
  hdr,
  scoreAfterEncode,
  scoreMetrics,
}: EncodeChoicesProps): ReactNode {
  // A metric the scoring build cannot compute is listed unavailable with the reason.
  const report = useToolchainStore((s) => s.report);
  const support = useMemo(() => scoringSupport(report), [report]);
  if (sourceHdr === null && !scoreAfterEncode) return null;
  return (
    <div className="encode-choices">
      {sourceHdr !== null ? (
        <HdrChoice
          kind={sourceHdr}
          value={hdr}
          onChange={(value) => setEncodeOptions({ hdr: value })}
          testIdPrefix="hdr"
        />
      ) : null}
      {scoreAfterEncode ? (
        <fieldset className="field" data-testid="score-after-metrics">
          <legend className="field-label">Score after encode measures</legend>
          <MetricChoices
            value={scoreMetrics}
            onChange={(metrics) => setEncodeOptions({ scoreMetrics: metrics })}
            testIdPrefix="after-metric"
            support={support}
          />
        </fieldset>
      ) : null}
    </div>
  );
}
