import type { ReactNode } from 'react';
import { CopyButton } from './CopyButton';
import { shellLine, shellLines } from '../../../shared/shellQuote';
import { useCommandShell } from '../hooks/useCommandShell';

/** Props of {@link CommandBlock}. */
export interface CommandBlockProps {
  /** The argument array, binary first. */
  args: readonly string[];
  /** A label above it ("Pass 1"), if any. */
  label?: string;
  testId?: string;
}

/**
 * An exact ffmpeg command, shown with the input, filter graph and each output on its own line,
 * with Copy (the same multi-line text, which a shell runs as one command) and Copy as one line.
 */
export function CommandBlock({ args, label, testId }: CommandBlockProps): ReactNode {
  const shell = useCommandShell();
  const lines = shellLines(args, shell);
  return (
    <div className="command-block">
      <div className="command-head">
        <span className="command-label">{label ?? 'Command'}</span>
        <span className="inline-actions">
          <CopyButton text={shellLine(args, shell)} label="Copy as one line" />
          <CopyButton text={lines} label="Copy command" />
        </span>
      </div>
      <pre className="command-text" data-testid={testId}>
        {lines}
      </pre>
    </div>
  );
}
