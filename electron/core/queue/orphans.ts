/**
 * Processes left behind by a queue that died: its own process is gone, but ffmpeg ignores SIGPIPE
 * and keeps encoding after its parent is killed, so a restart must find and stop it.
 */
import fs from 'node:fs';

/**
 * Kills a leftover ffmpeg of a job. The pid may have been reused by an unrelated program, so it is
 * killed only when its command line names the job (its temporary outputs and pass logs carry the
 * job id). Where there is no /proc (macOS, Windows) nothing is killed: a wrong kill is worse.
 */
export function killOrphan(pid: number, jobId: string): boolean {
  let cmdline: string;
  try {
    cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return false;
  }
  if (!cmdline.includes(jobId)) return false;
  try {
    process.kill(pid, 'SIGKILL');
    return true;
  } catch {
    return false;
  }
}
