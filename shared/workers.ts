/**
 * The machines that run VQ Studio work (`vq worker`) as they advertise themselves in Redis: who
 * they are, what they can run (ffmpeg builds, encoders, libvmaf and its models, cores) and how
 * they are doing. A worker writes its own record; every reader re-checks it with these schemas,
 * because anything in Redis may have been written by another version or another program.
 */
import { z } from 'zod';

/** How often a worker renews its record by default; the record expires after three missed beats. */
export const WORKER_HEARTBEAT_MS = 5_000;

/** A worker's name: what `vq worker --name` takes and `vq workers` prints. */
export const WORKER_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** Why `name` cannot name a worker, or null when it can. */
export function workerNameProblem(name: string): string | null {
  return WORKER_NAME_PATTERN.test(name)
    ? null
    : `"${name}" cannot name a worker: use 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit.`;
}

/** Text from Redis that is printed in a terminal: no control characters (no escape sequences). */
const text = (max: number) =>
  z
    .string()
    .max(max)
    // eslint-disable-next-line no-control-regex -- matching control characters is the point
    .regex(/^[^\u0000-\u001f\u007f]*$/, 'no control characters');

/** One ffmpeg build a worker can run, as its toolchain proved it. */
export const WorkerBuildSchema = z
  .object({
    path: text(4096),
    version: text(200).nullable(),
    encoders: z.array(text(64)).max(200),
    /** Filters of interest it has (zscale, for tone mapping); absent from older workers' records. */
    filters: z.array(text(64)).max(64).optional(),
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

/** What the Workers view shows: whether a shared queue is set up, and who is registered there. */
export type WorkersStatus =
  | { configured: false }
  | { configured: true; redis: string; listing: WorkerListing; error: null }
  | {
      configured: true;
      redis: string | null;
      listing: null;
      error: { message: string; hint?: string };
    };

/** What a job needs of the machine that runs it. */
export interface JobNeeds {
  /** Video encoders the job's commands use (all in one build). */
  encoders?: readonly string[];
  /** Filters its commands use that not every build has (zscale, to tone-map HDR to SDR). */
  filters?: readonly string[];
  /** libvmaf, when the job scores: its least version ("2.0.0"), models and features by name. */
  libvmaf?: {
    minVersion?: string;
    models?: readonly string[];
    features?: readonly string[];
  } | null;
  /** The least FFmpeg release the job needs ("7.1" for XPSNR's filter). */
  ffmpeg?: { minVersion: string } | null;
}

/** Whether a worker can run a job: the build it would use, or every reason it cannot. */
export type RunVerdict = { ok: true; build: WorkerBuild } | { ok: false; reasons: string[] };

/**
 * Picks the first of `worker`'s builds that has everything `needs` names — a worker whose ffmpeg
 * lacks an encoder, or whose libvmaf is older or lacks a model or feature, never takes the job.
 */
export function canRun(worker: Pick<WorkerInfo, 'name' | 'builds'>, needs: JobNeeds): RunVerdict {
  if (worker.builds.length === 0) {
    return { ok: false, reasons: [`${worker.name} has no working ffmpeg`] };
  }
  const reasons: string[] = [];
  for (const build of worker.builds) {
    const missing = buildProblems(build, needs);
    if (missing.length === 0) return { ok: true, build };
    reasons.push(`${build.path}: ${missing.join('; ')}`);
  }
  return { ok: false, reasons };
}

function buildProblems(build: WorkerBuild, needs: JobNeeds): string[] {
  const problems: string[] = [];
  const lacking = (needs.encoders ?? []).filter((e) => !build.encoders.includes(e));
  if (lacking.length) problems.push(`no ${lacking.join(', ')}`);
  const noFilter = (needs.filters ?? []).filter((f) => !(build.filters ?? []).includes(f));
  if (noFilter.length) problems.push(`no ${noFilter.join(', ')} filter`);
  const least = needs.ffmpeg?.minVersion;
  if (least) {
    const release = ffmpegRelease(build.version);
    if (!release) {
      problems.push(`ffmpeg ${build.version ?? '(no version)'} names no release; ${least}+ needed`);
    } else if (!versionAtLeast(release, least)) {
      problems.push(`ffmpeg ${release} is older than ${least}`);
    }
  }
  const vmaf = needs.libvmaf;
  if (vmaf) {
    const have = build.libvmaf;
    if (!have) return [...problems, 'no libvmaf'];
    if (vmaf.minVersion && !(have.version && versionAtLeast(have.version, vmaf.minVersion))) {
      problems.push(`libvmaf ${have.version ?? '1.x'} is older than ${vmaf.minVersion}`);
    }
    const models = (vmaf.models ?? []).filter((m) => !have.models.includes(m));
    if (models.length) problems.push(`no VMAF model ${models.join(', ')}`);
    const features = (vmaf.features ?? []).filter((f) => !have.features.includes(f));
    if (features.length) problems.push(`libvmaf cannot compute ${features.join(', ')}`);
  }
  return problems;
}

/**
 * The release of an ffmpeg version string ("7.1.5", "n7.1", "5.1.9-0+deb12u1" → "5.1.9"), or null
 * for a git build ("N-47683-g0e8eb07980-static"), whose string names no release.
 */
export function ffmpegRelease(version: string | null): string | null {
  return (version && /^n?(\d+\.\d+(?:\.\d+)?)/.exec(version)?.[1]) || null;
}

/** True when dotted version `have` is `want` or later ("3.2.0" ≥ "3.2"; "10.0" > "9.9"). */
export function versionAtLeast(have: string, want: string): boolean {
  const a = have.split('.').map((n) => Number.parseInt(n, 10) || 0);
  const b = want.split('.').map((n) => Number.parseInt(n, 10) || 0);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d > 0;
  }
  return true;
}

/** Every encoder any of the worker's builds has, sorted, each once. */
export function workerEncoders(builds: readonly WorkerBuild[]): string[] {
  return [...new Set(builds.flatMap((b) => b.encoders))].sort();
}

/**
 * A build's libvmaf in words: its version ("3.2.0"), "1.x" (libvmaf 1.x prints none), or null
 * when the build has no libvmaf.
 */
export function libvmafText(build: WorkerBuild): string | null {
  if (!build.libvmaf) return null;
  return build.libvmaf.version ?? '1.x';
}

/** The libvmaf versions of a worker's builds, each once ("3.2.0, 1.x"), or "none". */
export function workerLibvmafText(builds: readonly WorkerBuild[]): string {
  const versions = [...new Set(builds.map(libvmafText).filter((v): v is string => v !== null))];
  return versions.length > 0 ? versions.join(', ') : 'none';
}
