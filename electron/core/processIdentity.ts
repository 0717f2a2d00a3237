/**
 * Who a process is, beyond its id. Pids are handed out again (after a reboot, or once the counter
 * wraps), so a queue runner is recognised by its pid together with when that process started
 * (Linux: field 22 of /proc/<pid>/stat, clock ticks since boot) and which boot that was
 * (/proc/sys/kernel/random/boot_id). Neither changes while the process lives, whatever the wall
 * clock does (a suspended laptop, an NTP jump). Where there is no /proc (macOS, Windows) a process
 * can only be seen to exist.
 */
import fs from 'node:fs';

/** True when a process with this id exists (EPERM: it exists but is not ours to signal). */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** What this machine says about a process id. */
export type ProcessLook =
  /** No such process, or one that has exited and waits to be reaped (a zombie). */
  | { kind: 'gone' }
  /** A running process and its identity (`<boot id>:<start ticks>`). */
  | { kind: 'running'; identity: string }
  /** A process exists, but nothing tells which one (no /proc here, or it cannot be read). */
  | { kind: 'unknown' };

/** The fields of a /proc/<pid>/stat line that tell a process apart: its state and start time. */
export function parseProcStat(text: string): { state: string; startTicks: string } | null {
  // Field 2 is the command name in parentheses, which may itself hold spaces and parentheses.
  const close = text.lastIndexOf(')');
  if (close < 0) return null;
  const fields = text
    .slice(close + 1)
    .trim()
    .split(/\s+/);
  // fields[0] is field 3 (state); field 22 (starttime) is fields[19].
  const state = fields[0];
  const startTicks = fields[19];
  if (!state || !startTicks || !/^\d+$/.test(startTicks)) return null;
  return { state, startTicks };
}

let bootIdCache: string | null | undefined;

/** This boot's id (null where there is no /proc). */
function bootId(): string | null {
  if (bootIdCache === undefined) {
    try {
      bootIdCache = fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || null;
    } catch {
      bootIdCache = null;
    }
  }
  return bootIdCache;
}

/** Looks at process `pid` on this machine. */
export function lookAtProcess(pid: number): ProcessLook {
  if (!Number.isInteger(pid) || pid <= 0 || !processExists(pid)) return { kind: 'gone' };
  const boot = bootId();
  if (boot === null) return { kind: 'unknown' };
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch (err) {
    // It exited between the two looks; any other failure (a hidepid mount) tells nothing.
    return (err as NodeJS.ErrnoException).code === 'ENOENT'
      ? { kind: 'gone' }
      : { kind: 'unknown' };
  }
  const parsed = parseProcStat(stat);
  if (!parsed) return { kind: 'unknown' };
  if (parsed.state === 'Z' || parsed.state === 'X') return { kind: 'gone' };
  return { kind: 'running', identity: `${boot}:${parsed.startTicks}` };
}

/** This process's identity (null where there is no /proc). */
export function ownIdentity(): string | null {
  const look = lookAtProcess(process.pid);
  return look.kind === 'running' ? look.identity : null;
}

/**
 * A process named in one string, for records another process checks later (an import's journal):
 * `<pid>:<identity>`, or the pid alone where there is no /proc.
 */
export function processTag(pid = process.pid): string {
  const look = lookAtProcess(pid);
  return look.kind === 'running' ? `${pid}:${look.identity}` : String(pid);
}

/** True while the process a {@link processTag} names still runs (the same process, not a reused pid). */
export function processTagAlive(tag: string): boolean {
  const colon = tag.indexOf(':');
  const pid = Number(colon < 0 ? tag : tag.slice(0, colon));
  const look = lookAtProcess(pid);
  if (look.kind === 'gone') return false;
  if (look.kind === 'unknown' || colon < 0) return true;
  return look.identity === tag.slice(colon + 1);
}
