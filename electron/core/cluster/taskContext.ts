/**
 * What a task handler of `vq worker` gets (WorkerRunner builds it for each task it takes) and
 * returns. Handlers plan their ffmpeg work from the task's checked facts with this machine's
 * toolchain; the runner keeps the lock, hears cancels and hands the outcome back to BullMQ.
 */
import type { Toolchain } from '../toolchain';

/** One task being run. */
export interface TaskContext {
  /** The task as it came from Redis: unchecked, for the handler's schema. */
  data: unknown;
  /** The BullMQ job id. */
  taskId: string;
  /**
   * This worker's hold on the task (12 hex digits, new each time a task is taken): in temporary
   * file names, so two runs of one task (given out again after Redis lost it) never share a file.
   */
  holdId: string;
  /** Aborted when the app cancels the task, its lock is lost, or the worker stops. */
  signal: AbortSignal;
  /** This worker's name. */
  worker: string;
  toolchain: Toolchain;
  /** Threads per encode (`--threads`), or null for each tool's default. */
  threads: number | null;
  /** A path the app sent, as this machine sees it (`--map`). */
  map(appPath: string): string;
  /** Where two-pass logs go (default: the OS temp folder). */
  tmpDir?: string;
  /** The results of this task's children in its BullMQ flow, by child job key. */
  childrenValues(): Promise<Record<string, unknown>>;
  /** Progress of the whole task (throttled before it reaches Redis). */
  progress(p: { fraction: number | null; fps: number | null; speed: number | null }): void;
}

/** How a task ended: the value to hand back, or why it failed (in words a person understands). */
export type TaskOutcome = { ok: true; value: unknown } | { ok: false; error: string };

/** Runs one kind of task. */
export type TaskHandler = (ctx: TaskContext) => Promise<TaskOutcome>;
