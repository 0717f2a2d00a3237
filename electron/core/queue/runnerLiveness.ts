/**
 * Whether a queue runner of another process still runs, judged so that a suspended laptop or a
 * clock jump never makes a live runner look dead (its jobs would be killed and run twice).
 *
 * Where /proc exists, a runner is alive exactly while a process with its pid exists and has the
 * identity (boot id and start time) the runner recorded: no clock is involved. Elsewhere, or for a
 * record without an identity, a runner whose process exists counts as dead only once its heartbeat
 * value has stayed unchanged for `staleAfterMs` of this process's monotonic time, which does not
 * advance while the machine sleeps. After this process's own timer stalled for that long (its event
 * loop blocked, or a sleep it measured by the wall clock), such judgments wait one more period:
 * what it saw before the stall may span a pause of the other process too.
 */
import type { RunnerRecord } from './jobStore';
import type { ProcessLook } from '../processIdentity';

/** What {@link RunnerLiveness} needs from the machine (tests pass their own). */
export interface LivenessDeps {
  /** What the machine says about a pid. */
  look(pid: number): ProcessLook;
  /** This process's monotonic time in ms (`performance.now()`). */
  monotonicMs(): number;
  /** Whether a runner of this very process is open (its record alone cannot tell). */
  localRunnerOpen(runner: string): boolean;
  /** How long an unchanged heartbeat takes to mean "dead" where identity cannot be checked. */
  staleAfterMs: number;
}

/** Judges runner records alive or dead; remembers heartbeat values it saw, per runner. */
export class RunnerLiveness {
  private readonly seen = new Map<string, { beat: string; sinceMs: number }>();
  /** Until this monotonic time, heartbeat-based judgments say "alive" (after a stall here). */
  private patientUntilMs = -Infinity;

  constructor(private readonly deps: LivenessDeps) {}

  /** True while the runner's process still runs. */
  alive(record: RunnerRecord): boolean {
    if (record.pid === process.pid) return this.deps.localRunnerOpen(record.runner);
    const look = this.deps.look(record.pid);
    if (look.kind === 'gone') {
      this.seen.delete(record.runner);
      return false;
    }
    if (look.kind === 'running' && record.identity !== null)
      return look.identity === record.identity;
    return this.stillBeating(record);
  }

  /**
   * This process's own timer ran a stale period late: forgets the heartbeats it saw and, for one
   * more stale period, judges no runner dead by its heartbeat.
   */
  noteStall(): void {
    this.seen.clear();
    this.patientUntilMs = this.deps.monotonicMs() + this.deps.staleAfterMs;
  }

  /** Forgets a runner (its record was deleted). */
  forget(runner: string): void {
    this.seen.delete(runner);
  }

  private stillBeating(record: RunnerRecord): boolean {
    const now = this.deps.monotonicMs();
    const last = this.seen.get(record.runner);
    if (!last || last.beat !== record.heartbeatAt) {
      this.seen.set(record.runner, { beat: record.heartbeatAt, sinceMs: now });
      return true;
    }
    if (now < this.patientUntilMs) return true;
    return now - last.sinceMs < this.deps.staleAfterMs;
  }
}
