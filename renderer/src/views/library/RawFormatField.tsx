import type { ReactNode, Ref } from 'react';
import { parseRawSpec } from '../../../../shared/rawSpec';
import { guessRawSpec } from './rawGuess';

/** Props of {@link RawFormatField}. */
export interface RawFormatFieldProps {
  fileName: string;
  value: string;
  onChange: (value: string) => void;
  ref?: Ref<HTMLInputElement>;
}

/** The `WxH:pix_fmt[:fps]` field shown for headerless raw files, with a guess from the file name. */
export function RawFormatField({ fileName, value, onChange, ref }: RawFormatFieldProps): ReactNode {
  const guess = guessRawSpec(fileName);
  const parsed = value.trim() ? parseRawSpec(value) : null;
  return (
    <div className="field raw-field">
      <label className="field-label" htmlFor="raw-format">
        Raw format
      </label>
      <input
        ref={ref}
        id="raw-format"
        type="text"
        className="input mono"
        data-testid="raw-format"
        placeholder="WxH:pix_fmt[:fps]"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        spellCheck={false}
        autoComplete="off"
        aria-invalid={parsed !== null && !parsed.ok}
        aria-describedby="raw-format-note"
      />
      <span id="raw-format-note" className="field-note">
        {parsed && !parsed.ok ? (
          <span className="text-danger">{parsed.message}</span>
        ) : parsed && parsed.ok ? (
          `${parsed.spec.width}×${parsed.spec.height}, ${parsed.spec.pixFmt}, ${parsed.spec.fps} fps`
        ) : guess ? (
          <button
            type="button"
            className="link-button"
            onClick={(e) => {
              onChange(guess);
              // The link disappears once the field is filled: keep focus in the field, so Enter imports.
              e.currentTarget.closest('.raw-field')?.querySelector('input')?.focus();
            }}
          >
            Use {guess} (from the file name)
          </button>
        ) : (
          'Raw video has no header: give size, pixel format and frame rate.'
        )}
      </span>
    </div>
  );
}
