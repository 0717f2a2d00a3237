/**
 * Logs refused IPC senders with their reason, rate-limited: a hostile frame can send thousands of
 * messages a second, and the log must neither grow without bound nor hide that it happened. At
 * most `burst` lines per `windowMs`; what is dropped is counted and reported with the next line.
 */

/** Options of {@link RefusalLog}. */
export interface RefusalLogOptions {
  /** Lines per window (default 10). */
  burst?: number;
  /** Window length in ms (default 60 000). */
  windowMs?: number;
  /** Where lines go (default console.warn). */
  write?: (line: string) => void;
  /** The clock (tests). */
  now?: () => number;
}

/** A rate-limited log of refused IPC senders. */
export class RefusalLog {
  private readonly burst: number;
  private readonly windowMs: number;
  private readonly write: (line: string) => void;
  private readonly now: () => number;
  private windowStart = -Infinity;
  private inWindow = 0;
  private suppressed = 0;

  constructor(opts: RefusalLogOptions = {}) {
    this.burst = opts.burst ?? 10;
    this.windowMs = opts.windowMs ?? 60_000;
    this.write = opts.write ?? ((line) => console.warn(line));
    this.now = opts.now ?? Date.now;
  }

  /** Records one refused message on `channel`; returns whether a line was written. */
  refused(channel: string, reason: string): boolean {
    const t = this.now();
    if (t - this.windowStart >= this.windowMs) {
      this.windowStart = t;
      this.inWindow = 0;
    }
    if (this.inWindow >= this.burst) {
      this.suppressed++;
      return false;
    }
    this.inWindow++;
    const dropped = this.suppressed
      ? ` (${this.suppressed} more refused message${this.suppressed === 1 ? '' : 's'} not logged before this one)`
      : '';
    this.suppressed = 0;
    this.write(`IPC ${channel} refused: ${reason}${dropped}`);
    return true;
  }
}
