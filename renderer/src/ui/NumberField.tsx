import { useState, type ReactNode } from 'react';
import { numberText, parseNumberText, sameNumber } from './numberText';

/** Props of {@link NumberField}. */
export interface NumberFieldProps {
  /** null/undefined show as empty; NaN is "not a number yet". */
  value: number | null | undefined;
  /** null when emptied, NaN when the text is not a number. */
  onChange: (value: number | null) => void;
  label: string;
  placeholder?: string;
  invalid?: boolean;
  className?: string;
  title?: string;
  describedBy?: string;
  testId?: string;
  disabled?: boolean;
}

/**
 * A text field for a number. It keeps what the person types ("1.", "abc") while the value it
 * reports is parsed, and follows the value when it changes from outside (an encoder change resets
 * the CRF, say).
 */
export function NumberField({
  value,
  onChange,
  label,
  placeholder,
  invalid,
  className,
  title,
  describedBy,
  testId,
  disabled,
}: NumberFieldProps): ReactNode {
  const [text, setText] = useState(() => numberText(value));
  const [seen, setSeen] = useState(value);
  if (!sameNumber(seen, value)) {
    // Changed from outside: show the new value unless the text already means it.
    setSeen(value);
    if (!sameNumber(parseNumberText(text), value)) setText(numberText(value));
  }
  return (
    <input
      type="text"
      inputMode="decimal"
      className={`input input-number ${className ?? ''}`}
      value={text}
      placeholder={placeholder}
      aria-label={label}
      aria-invalid={invalid || undefined}
      aria-describedby={describedBy}
      title={title}
      disabled={disabled}
      spellCheck={false}
      autoComplete="off"
      data-testid={testId}
      onChange={(e) => {
        const next = parseNumberText(e.target.value);
        setText(e.target.value);
        setSeen(next);
        onChange(next);
      }}
    />
  );
}
