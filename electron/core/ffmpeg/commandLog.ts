/**
 * The command log: every process the app starts (ffmpeg, ffprobe, `vmaf`), what it was for, its
 * command line, when it ran and how it ended. A bounded ring of the latest entries (older ones
 * drop out; a process still running is kept until it ends) with a subscription for each change.
 * The process runner (process.ts) writes it; the Activity panel, `activity.list` and
 * `vq … --verbose` read it. One log per Node process, like the runner's process registry.
 */
import type { CommandEntry, CommandOutcome, CommandPurpose } from '../../../shared/activity';

/** What the runner knows when a process starts. */
export interface CommandStart {
  purpose: CommandPurpose;
  /** Every argument, the program first. */
  argv: readonly string[];
  /** The command as one shell line, for people to copy. */
  commandLine: string;
  pid: number | null;
}

/** What the runner knows when a process has ended. */
export interface CommandEnd {
  outcome: Exclude<CommandOutcome, 'running'>;
  exitCode: number | null;
  signal: string | null;
  error?: string | null;
  /** The stderr tail; the log keeps its last lines only when the process failed or timed out. */
  stderrTail?: string;
}

/** Lines of stderr an entry of a failed process keeps. */
const STDERR_LINES = 20;
/** Characters of stderr an entry keeps at most (ffmpeg can print very long lines). */
const STDERR_CHARS = 4000;

/** A bounded, observable log of started processes. */
export class CommandLog {
  private nextId = 1;
  /** The latest entries and every running one, oldest first, by id. */
  private readonly entries = new Map<number, CommandEntry>();
  private readonly listeners = new Set<(entry: CommandEntry) => void>();

  /**
   * @param capacity how many ended entries are kept (the latest ones); processes still running
   * are kept besides, until they end.
   */
  constructor(readonly capacity = 500) {}

  /** Records a process that has just been started; returns its entry id. */
  started(start: CommandStart): number {
    const id = this.nextId++;
    const entry: CommandEntry = {
      id,
      purpose: start.purpose,
      binary: start.argv[0] ?? '',
      argv: [...start.argv],
      commandLine: start.commandLine,
      startedAt: Date.now(),
      endedAt: null,
      durationMs: null,
      pid: start.pid,
      outcome: 'running',
      exitCode: null,
      signal: null,
      error: null,
      stderrTail: null,
    };
    this.entries.set(id, entry);
    this.trim();
    this.notify(entry);
    return id;
  }

  /** Records how the process of entry `id` ended; an unknown or already ended id is ignored. */
  ended(id: number, end: CommandEnd): void {
    const before = this.entries.get(id);
    if (before?.outcome !== 'running') return;
    const endedAt = Date.now();
    const failed = end.outcome === 'failed' || end.outcome === 'timed out';
    const entry: CommandEntry = {
      ...before,
      endedAt,
      durationMs: endedAt - before.startedAt,
      outcome: end.outcome,
      exitCode: end.exitCode,
      signal: end.signal,
      error: end.error ?? null,
      stderrTail: failed && end.stderrTail ? lastStderrLines(end.stderrTail) : null,
    };
    // Replaced in place: the order stays the order the processes started.
    this.entries.set(id, entry);
    this.trim();
    this.notify(entry);
  }

  /** The latest entries, in the order their processes started. */
  list(): CommandEntry[] {
    return [...this.entries.values()];
  }

  /**
   * Calls `listener` with the entry each time a process starts and again when it ends (the
   * second time with its outcome). Returns the unsubscribe function.
   */
  subscribe(listener: (entry: CommandEntry) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Drops the oldest ended entries beyond the capacity. */
  private trim(): void {
    let ended = 0;
    for (const entry of this.entries.values()) if (entry.outcome !== 'running') ended++;
    for (const [id, entry] of this.entries) {
      if (ended <= this.capacity) break;
      if (entry.outcome === 'running') continue;
      this.entries.delete(id);
      ended--;
    }
  }

  private notify(entry: CommandEntry): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(entry);
      } catch (err) {
        // A broken subscriber must neither stop the others nor the process it hears about.
        console.error('command log listener failed:', err);
      }
    }
  }
}

/** The last lines of a stderr text, trimmed to a size an entry may keep. */
function lastStderrLines(text: string): string {
  const lines = text
    .slice(-4 * STDERR_CHARS)
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '');
  const tail = lines.slice(-STDERR_LINES).join('\n');
  return tail.length > STDERR_CHARS ? tail.slice(tail.length - STDERR_CHARS) : tail;
}

/** The command log of this Node process (the app, `vq serve`, or one `vq` command). */
export const commandLog = new CommandLog();
