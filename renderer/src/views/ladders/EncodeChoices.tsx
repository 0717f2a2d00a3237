import { useId, type ReactNode } from 'react';
import type { HdrHandling } from '../../../../shared/ladder';
import type { HdrKind } from '../../../../shared/media';
import type { ScoreMetric } from '../../../../shared/score';
import { setEncodeOptions } from '../../stores/ladderEditorStore';
import { MetricChoices } from '../scores/MetricChoices';

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
  const name = useId();
  if (sourceHdr === null && !scoreAfterEncode) return null;
  const kind = sourceHdr === 'pq' ? 'PQ' : 'HLG';
  return (
    <div className="encode-choices">
      {sourceHdr !== null ? (
        <fieldset className="field" data-testid="hdr-choice">
          <legend className="field-label">HDR source (BT.2020 {kind})</legend>
          <div className="inline-actions">
            <label
              className="check"
              title="x265, SVT-AV1, libaom and VP9 rungs carry HDR; x264 cannot."
            >
              <input
                type="radio"
                name={name}
                checked={hdr === 'keep'}
                onChange={() => setEncodeOptions({ hdr: 'keep' })}
                data-testid="hdr-keep"
              />
              Keep HDR <span className="muted">10-bit, BT.2020 {kind}</span>
            </label>
            <label className="check" title="zscale + tonemap (hable): for SDR screens and x264.">
              <input
                type="radio"
                name={name}
                checked={hdr === 'tonemap'}
                onChange={() => setEncodeOptions({ hdr: 'tonemap' })}
                data-testid="hdr-tonemap"
              />
              Tone-map to SDR <span className="muted">BT.709</span>
            </label>
          </div>
        </fieldset>
      ) : null}
      {scoreAfterEncode ? (
        <fieldset className="field" data-testid="score-after-metrics">
          <legend className="field-label">Score after encode measures</legend>
          <MetricChoices
            value={scoreMetrics}
            onChange={(metrics) => setEncodeOptions({ scoreMetrics: metrics })}
            testIdPrefix="after-metric"
          />
        </fieldset>
      ) : null}
    </div>
  );
}
