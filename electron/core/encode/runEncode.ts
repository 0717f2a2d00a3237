/**
 * Runs the ffmpeg passes of one derived encode job: progress from `-progress pipe:1`, cancel, the
 * temporary outputs renamed to their final names only after every pass exited 0, and partial
 * outputs always deleted otherwise. The app's executor and a `vq worker` both run encodes here.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { toApiError } from '../../../shared/errors';
import { runTool } from '../ffmpeg/process';
import { ProgressParser, progressFraction } from '../ffmpeg/progress';
import type { DerivedEncodeJob } from './deriveJob';
import { describeEncodeFailure } from './failure';

/** What the run reports while it goes. */
export interface EncodeRunHooks {
  signal: AbortSignal;
  progress(p: { fraction: number | null; fps: number | null; speed: number | null }): void;
  processStarted(pid: number): void;
}

/** How the passes ended; with 'done' the final outputs exist. */
export interface EncodeRunResult {
  status: 'done' | 'failed' | 'canceled';
  /** Why it did not finish, in words a person understands (null when done). */
  error: string | null;
  stderrTail: string | null;
  /** Wall time of the ffmpeg passes (null when none ran). */
  encodeSeconds: number | null;
}

/** Bytes of ffmpeg's stderr kept on a job. */
const STDERR_TAIL_BYTES = 8 * 1024;

/**
 * Runs `derived`'s passes. `totals` (the source's duration and frame count) turn ffmpeg's
 * progress into a fraction; `describe` names the source and folder in failure messages. With
 * `keepTemporary` the outputs stay under their temporary names (a worker's, for the app to check
 * before it renames them).
 */
export async function runEncodePasses(
  derived: DerivedEncodeJob,
  totals: { durationSeconds: number | null; frames: number | null },
  describe: { sourcePath: string; outDir: string },
  hooks: EncodeRunHooks,
  opts: { keepTemporary?: boolean } = {},
): Promise<EncodeRunResult> {
  const { plan, commands, finals, temps, passDir } = derived;
  let encodeSeconds = 0;
  let stderrTail: string | null = null;
  const end = (status: EncodeRunResult['status'], error: string | null): EncodeRunResult => {
    if (status !== 'done') for (const t of temps) fs.rmSync(t, { force: true });
    return { status, error, stderrTail, encodeSeconds: round3(encodeSeconds) };
  };
  try {
    if (plan.twoPass) await fsp.mkdir(passDir, { recursive: true });
    for (let i = 0; i < commands.length; i++) {
      if (hooks.signal.aborted) return end('canceled', 'Canceled.');
      const passes = commands.length;
      const parser = new ProgressParser((block) => {
        const f = progressFraction(block, totals);
        // 100 % is only reported after exit 0; `progress=end` of a pass is held just below.
        const within = block.end ? 0.999 : f;
        hooks.progress({
          fraction: within === null ? null : (i + within) / passes,
          fps: block.fps,
          speed: block.speed,
        });
      });
      const [bin, ...args] = commands[i]!;
      const r = await runTool(bin!, args, {
        purpose: 'encode',
        signal: hooks.signal,
        collectStdout: false,
        onStdoutLine: (line) => parser.push(line),
        onSpawn: (pid) => hooks.processStarted(pid),
        stderrTailBytes: STDERR_TAIL_BYTES,
      });
      encodeSeconds += r.durationMs / 1000;
      stderrTail = r.stderrTail;
      // A cancel that raced ffmpeg's own exit still counts as a cancel; so does a Ctrl+C in a
      // terminal, which reaches ffmpeg too (it then exits with 255).
      if (r.canceled || (r.code !== 0 && hooks.signal.aborted) || interruptedFromOutside(r)) {
        return end(
          'canceled',
          r.canceled || hooks.signal.aborted
            ? 'Canceled.'
            : 'ffmpeg was stopped by an interrupt signal (Ctrl+C or kill).',
        );
      }
      if (r.code !== 0) return end('failed', describeEncodeFailure(r, describe));
    }
    if (!opts.keepTemporary) {
      for (let i = 0; i < temps.length; i++) await fsp.rename(temps[i]!, finals[i]!);
    }
  } catch (err) {
    return end('failed', `Writing the output failed: ${toApiError(err).message}`);
  } finally {
    if (plan.twoPass) fs.rmSync(passDir, { recursive: true, force: true });
  }
  hooks.progress({ fraction: 1, fps: null, speed: null });
  return end('done', null);
}

/**
 * ffmpeg exits with 255 exactly when it received SIGINT/SIGTERM (`exit_program(received_nb_signals
 * ? 255 : …)` in fftools/ffmpeg.c; its own errors exit 1), and with `-loglevel error` it prints
 * nothing about it.
 */
function interruptedFromOutside(r: {
  code: number | null;
  signal: NodeJS.Signals | null;
}): boolean {
  return r.signal === 'SIGINT' || r.signal === 'SIGTERM' || r.code === 255;
}

function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}
