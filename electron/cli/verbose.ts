/**
 * `vq … --verbose`: every process the command starts (ffmpeg, ffprobe, vmaf) is printed to stderr
 * when it starts, with its command line, and when it ends, with its exit status and how long it
 * ran. Stdout is left alone, so `--json` output stays one clean document.
 */
import { commandDurationText, commandStatusText, type CommandEntry } from '../../shared/activity';
import { commandLog } from '../core/ffmpeg/commandLog';

/** The global flag. */
export const VERBOSE_FLAG = '--verbose';

/**
 * Takes the global `--verbose` out of the arguments (anywhere before a `--`, after which every
 * argument is a file name). Returns whether it was there and the arguments without it.
 */
export function takeVerboseFlag(argv: readonly string[]): { verbose: boolean; rest: string[] } {
  const end = argv.indexOf('--');
  const options = end < 0 ? argv : argv.slice(0, end);
  const files = end < 0 ? [] : argv.slice(end);
  const kept = options.filter((a) => a !== VERBOSE_FLAG);
  return { verbose: kept.length !== options.length, rest: [...kept, ...files] };
}

/** The stderr line of an entry: its start (with the command line) or its end (with the status). */
export function verboseLine(entry: CommandEntry): string {
  const who = `vq: [${entry.id} ${entry.purpose}]`;
  if (entry.outcome === 'running') return `${who} ${entry.commandLine}`;
  const took =
    entry.durationMs === null || entry.outcome === 'not started'
      ? ''
      : ` after ${commandDurationText(entry.durationMs)}`;
  const said = entry.stderrTail?.split('\n').pop();
  return `${who} ${commandStatusText(entry)}${took}${said ? ` — ${said}` : ''}`;
}

/** Prints each process start and end to `write` (stderr); returns the function that stops it. */
export function printCommands(write: (line: string) => void): () => void {
  return commandLog.subscribe((entry) => write(verboseLine(entry)));
}
