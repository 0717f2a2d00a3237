import { useId, type ReactNode } from 'react';
import type { HdrHandling } from '../../../shared/ladder';
import type { HdrKind } from '../../../shared/media';

/** Props of {@link HdrChoice}. */
export interface HdrChoiceProps {
  /** The source's HDR transfer (the choice is only shown for an HDR source). */
  kind: Exclude<HdrKind, null>;
  value: HdrHandling;
  onChange: (value: HdrHandling) => void;
  /** Test ids: `<prefix>-choice`, `<prefix>-keep`, `<prefix>-tonemap`. */
  testIdPrefix: string;
  /** A problem with the choice as it stands (e.g. the encoder cannot keep HDR). */
  error?: string;
}

/**
 * What an HDR source becomes — never flattened silently: kept HDR (10-bit, BT.2020 tags) unless
 * tone-mapping to SDR is chosen. The one control for it (encode options, per-title).
 */
export function HdrChoice({
  kind,
  value,
  onChange,
  testIdPrefix,
  error,
}: HdrChoiceProps): ReactNode {
  const name = useId();
  const transfer = kind === 'pq' ? 'PQ' : 'HLG';
  return (
    <fieldset className="field" data-testid={`${testIdPrefix}-choice`}>
      <legend className="field-label">HDR source (BT.2020 {transfer})</legend>
      <div className="inline-actions">
        <label
          className="check"
          title="x265, SVT-AV1, libaom and VP9 rungs carry HDR; x264 cannot."
        >
          <input
            type="radio"
            name={name}
            checked={value === 'keep'}
            onChange={() => onChange('keep')}
            data-testid={`${testIdPrefix}-keep`}
          />
          Keep HDR <span className="muted">10-bit, BT.2020 {transfer}</span>
        </label>
        <label className="check" title="zscale + tonemap (hable): for SDR screens and x264.">
          <input
            type="radio"
            name={name}
            checked={value === 'tonemap'}
            onChange={() => onChange('tonemap')}
            data-testid={`${testIdPrefix}-tonemap`}
          />
          Tone-map to SDR <span className="muted">BT.709</span>
        </label>
      </div>
      {error ? (
        <span className="field-note text-danger" data-testid={`${testIdPrefix}-error`}>
          {error}
        </span>
      ) : null}
    </fieldset>
  );
}
