/**
 * The command log as clients see it: every process the app starts (ffmpeg, ffprobe, libvmaf's
 * `vmaf`), what it was for, its exact command line, when it ran and how it ended. The Activity
 * panel shows these entries and `vq … --verbose` prints them; both word a status the same way.
 */

/** What a process was started for, in the words the Activity panel and `--verbose` show. */
export const COMMAND_PURPOSES = [
  'probe',
  'thumbnail',
  'frame index',
  'frame decode',
  'frame proxy',
  'pixel readout',
  'encode',
  'score',
  'alignment',
  'package',
  'toolchain check',
  'other',
] as const;

/** What a process was started for. */
export type CommandPurpose = (typeof COMMAND_PURPOSES)[number];

/**
 * How a process ended: `ok` exit 0; `failed` a non-zero exit or killed by a signal nobody asked
 * for; `canceled` stopped on request (a canceled job, a closed frame decoder, quit); `timed out`
 * stopped after its time limit; `not started` the program could not be run at all.
 */
export type CommandOutcome = 'running' | 'ok' | 'failed' | 'canceled' | 'timed out' | 'not started';

/** The outcomes that count as failures (the panel's "Failures only"). */
export const FAILED_OUTCOMES: readonly CommandOutcome[] = ['failed', 'timed out', 'not started'];

/** One process in the command log. */
export interface CommandEntry {
  /** Increases by one per process started in this app run. */
  id: number;
  purpose: CommandPurpose;
  /** The program as started (a path or a name on PATH). */
  binary: string;
  /** Every argument, the program first. */
  argv: string[];
  /** The same command as one line a person can paste into a shell (never executed by the app). */
  commandLine: string;
  /** When it started (epoch ms). */
  startedAt: number;
  /** When it ended (epoch ms); null while it runs. */
  endedAt: number | null;
  /** How long it ran; null while it runs. */
  durationMs: number | null;
  /** The operating system's process id; null when it could not start. */
  pid: number | null;
  outcome: CommandOutcome;
  /** The exit code; null while running, when killed by a signal or when it never started. */
  exitCode: number | null;
  /** The signal that ended it (SIGKILL, …); null otherwise. */
  signal: string | null;
  /** Why it could not be started (`not started`); null otherwise. */
  error: string | null;
  /** The last lines the process wrote to stderr, kept only when it failed or timed out. */
  stderrTail: string | null;
}

/** True when the entry ended in a failure (see {@link FAILED_OUTCOMES}). */
export function isFailedCommand(entry: CommandEntry): boolean {
  return FAILED_OUTCOMES.includes(entry.outcome);
}

/** A duration as people read it: "41 ms", "3.2 s", "14 s", "2 min 05 s". */
export function commandDurationText(ms: number): string {
  const whole = Math.round(ms);
  if (whole < 1000) return `${whole} ms`;
  if (whole < 9950) return `${(whole / 1000).toFixed(1)} s`;
  const seconds = Math.round(whole / 1000);
  if (seconds < 60) return `${seconds} s`;
  return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s`;
}

/**
 * How a process ended in a few words: "running", "exit 0", "exit 1", "killed (SIGKILL)",
 * "canceled (SIGKILL)", "timed out", "not started: spawn ffmpeg ENOENT".
 */
export function commandStatusText(entry: CommandEntry): string {
  const how =
    entry.exitCode !== null ? `exit ${entry.exitCode}` : entry.signal ? entry.signal : null;
  switch (entry.outcome) {
    case 'running':
      return 'running';
    case 'ok':
      return 'exit 0';
    case 'failed':
      return entry.exitCode !== null
        ? `exit ${entry.exitCode}`
        : `killed (${how ?? 'no exit code'})`;
    case 'canceled':
      return how ? `canceled (${how})` : 'canceled';
    case 'timed out':
      return how ? `timed out (${how})` : 'timed out';
    case 'not started':
      return entry.error ? `not started: ${entry.error}` : 'not started';
  }
}
