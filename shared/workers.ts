/**
 * The machines that run VQ Studio work (`vq worker`) as they advertise themselves in Redis: who
 * they are, what they can run (ffmpeg builds, encoders, libvmaf and its models, cores) and how
 * they are doing. A worker writes its own record; every reader re-checks it with these schemas,
 * because anything in Redis may have been written by another version or another program.
 */
import { z } from 'zod';

/** A worker's name: what `vq worker --name` takes and `vq workers` prints. */
export const WORKER_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** Why `name` cannot name a worker, or null when it can. */
export function workerNameProblem(name: string): string | null {
  return WORKER_NAME_PATTERN.test(name)
    ? null
    : `"${name}" cannot name a worker: use 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit.`;
}

const text = (max: number) => z.string().max(max);

/** One ffmpeg build a worker can run, as its toolchain proved it. */
export const WorkerBuildSchema = z
  .object({
    path: text(4096),
    version: text(200).nullable(),
    encoders: z.array(text(64)).max(200),
    libvmaf: z
      .object({
        version: text(40).nullable(),
        models: z.array(text(200)).max(500),
        features: z.array(text(64)).max(64),
      })
      .strict()
      .nullable(),
  })
  .strict();

/** One ffmpeg build a worker can run. */
export type WorkerBuild = z.infer<typeof WorkerBuildSchema>;

/** A worker's record. */
export const WorkerInfoSchema = z
  .object({
    /** Unique per run of `vq worker` (a restarted worker under the same name has a new id). */
    id: z.string().regex(/^[0-9a-f]{32}$/),
    name: z.string().regex(WORKER_NAME_PATTERN),
    host: text(255),
    pid: z.number().int().positive(),
    /** Epoch ms. */
    startedAt: z.number().int().nonnegative(),
    /** Epoch ms of the worker's last heartbeat, by its own clock. */
    lastHeartbeat: z.number().int().nonnegative(),
    /** Jobs it runs at once (`--concurrency`). */
    concurrency: z.number().int().min(1).max(64),
    /** Threads per job (`--threads`), or null for each tool's default. */
    threads: z.number().int().min(1).max(1024).nullable(),
    cores: z.number().int().min(1).max(4096),
    builds: z.array(WorkerBuildSchema).max(16),
    currentJob: text(200).nullable(),
    jobsDone: z.number().int().nonnegative(),
  })
  .strict();

/** A worker's record. */
export type WorkerInfo = z.infer<typeof WorkerInfoSchema>;

/** A worker as `vq workers` lists it: its record and how long ago it was last heard from. */
export interface ListedWorker extends WorkerInfo {
  /** Milliseconds since its last heartbeat, by the reader's clock (0 when the clocks disagree). */
  silentMs: number;
}

/** What a listing found: the workers, and how many records were not valid worker records. */
export interface WorkerListing {
  workers: ListedWorker[];
  invalid: number;
}
