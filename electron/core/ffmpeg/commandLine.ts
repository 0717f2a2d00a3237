/**
 * A command (program first) as the one line a person on this machine pastes into a terminal: POSIX
 * sh quoting, or cmd.exe's on Windows (shared/shellQuote.ts). The CLI prints it, the report and the
 * command log show it; it is never executed.
 */
import { commandShellFor, shellLine } from '../../../shared/shellQuote';

/** `command` quoted for the shell of `platform` (default: this machine's). */
export function formatCommand(
  command: readonly string[],
  platform: string = process.platform,
): string {
  return shellLine(command, commandShellFor(platform));
}
