/**
 * Why an encode failed, in words a person understands, from ffmpeg's exit and stderr. Pure, so the
 * mapping is tested against ffmpeg's real messages.
 */
import { lastLines } from '../ffmpeg/process';

/** What is known about a finished ffmpeg run. */
export interface FailedRun {
  code: number | null;
  signal: string | null;
  stderrTail: string;
}

/** A readable reason for a failed run; the stderr tail is kept on the job as well. */
export function describeEncodeFailure(r: FailedRun, ctx: { sourcePath: string; outDir: string }): string {
  const err = r.stderrTail;
  if (/No space left on device/i.test(err)) {
    return `The disk is full: ffmpeg could not write to ${ctx.outDir} (No space left on device). Free some space and retry.`;
  }
  if (/No such file or directory/i.test(err) && mentionsPath(err, ctx.sourcePath)) {
    return `The source file ${ctx.sourcePath} is gone (deleted or moved after the job was queued).`;
  }
  if (/Permission denied|Read-only file system/i.test(err) && mentionsPath(err, ctx.outDir)) {
    return `ffmpeg may not write to the output folder ${ctx.outDir} (${/Read-only/i.test(err) ? 'read-only file system' : 'permission denied'}).`;
  }
  if (/Unknown encoder|Encoder not found/i.test(err)) {
    return `This ffmpeg cannot find the encoder: ${lastLines(err, 1)}`;
  }
  if (r.signal) {
    return `ffmpeg crashed (killed by signal ${r.signal}). ${tailNote(err)}`.trim();
  }
  return `ffmpeg failed (exit code ${r.code ?? 'unknown'}): ${lastLines(err, 3) || 'it printed no error message.'}`;
}

function mentionsPath(text: string, p: string): boolean {
  return text.includes(p) || text.includes(`file:${p}`);
}

function tailNote(err: string): string {
  const last = lastLines(err, 2);
  return last ? `Last messages: ${last}` : '';
}
