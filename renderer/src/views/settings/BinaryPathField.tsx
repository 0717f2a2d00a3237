import type { ReactNode } from 'react';

/** Props of {@link BinaryPathField}. */
export interface BinaryPathFieldProps {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  /** Binaries currently selected for the jobs this setting affects. */
  inUse: (string | null)[];
  /** Why the saved path cannot be used (from the toolchain report), if it cannot. */
  problem: string | null;
  testId: string;
}

/** A path override with a Clear button and the binary in use now. */
export function BinaryPathField({
  id,
  label,
  value,
  onChange,
  inUse,
  problem,
  testId,
}: BinaryPathFieldProps): ReactNode {
  const current = [...new Set(inUse.filter((p): p is string => p !== null))];
  return (
    <div className="field">
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      <div className="input-row">
        <input
          id={id}
          type="text"
          className="input mono field-grow"
          placeholder="Automatic"
          value={value}
          onChange={(e) => onChange(e.target.value)}
          spellCheck={false}
          autoComplete="off"
          data-testid={testId}
          aria-describedby={`${id}-note`}
        />
        <button
          type="button"
          className="button"
          onClick={() => onChange('')}
          disabled={value === ''}
        >
          Clear
        </button>
      </div>
      <span id={`${id}-note`} className="field-note">
        {current.length ? (
          <>
            In use now: <span className="mono">{current.join(', ')}</span>
          </>
        ) : (
          'In use now: unknown until the toolchain is probed.'
        )}
      </span>
      {problem ? (
        <span className="field-note text-danger" role="note">
          The saved path is not used: {problem}
        </span>
      ) : null}
    </div>
  );
}
