/**
 * Runs encode jobs: checks the source and the output folder, runs ffmpeg (one or two passes) with
 * progress from `-progress pipe:1`, renames the temporary outputs only after exit 0, probes each
 * output and records it as a rendition. Failures come back as readable reasons; partial outputs are
 * always deleted.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { toApiError } from '../../../shared/errors';
import type { Rung } from '../../../shared/ladder';
import type { Batch, Job, Rendition } from '../../../shared/queue';
import type { EventHub } from '../events';
import { probeFile } from '../probe';
import type { JobStore } from '../queue/jobStore';
import type { JobExecutor, JobOutcome, JobRunContext } from '../queue/jobQueue';
import type { LibraryRepo } from '../store/libraryRepo';
import type { RenditionRepo } from '../store/renditionRepo';
import type { Toolchain } from '../toolchain';
import { deriveEncodeJob, encodeJobOutputs, type DerivedEncodeJob } from './deriveJob';
import { withFinalOutputs } from './jobCommands';
import { partFileJobId, passLogDir, tempOutputPath } from './jobFiles';
import { ensureWritableDir } from './outDir';
import { runEncodePasses } from './runEncode';

/** What the executor needs. */
export interface EncodeExecutorDeps {
  store: JobStore;
  library: LibraryRepo;
  renditions: RenditionRepo;
  toolchain: Toolchain;
  events: EventHub;
  /** Where two-pass logs go (default: the OS temp folder). */
  tmpDir?: string;
}

/** The {@link JobExecutor} for encode jobs. */
export class EncodeExecutor implements JobExecutor {
  constructor(private readonly deps: EncodeExecutorDeps) {}

  async run(job: Job, ctx: JobRunContext): Promise<JobOutcome> {
    const failed = (error: string, stderrTail: string | null = null, encodeSeconds: number | null = null): JobOutcome => ({
      status: 'failed',
      error,
      stderrTail,
      encodeSeconds,
    });
    if (job.plan.kind !== 'encode') return failed(`Job ${job.id} is not an encode job.`);
    const batch = this.deps.store.getBatch(job.batchId);
    if (!batch) return failed('The batch of this job no longer exists.');
    const source = this.deps.library.get(batch.sourceId);
    if (!source) return failed('The source was removed from the library after this job was queued.');
    const sourcePath = source.item.path;
    try {
      await fsp.access(sourcePath, fs.constants.R_OK);
    } catch {
      return failed(`The source file ${sourcePath} is gone (deleted or moved after the job was queued).`);
    }
    // The stored plan is history (it may come from an imported project): what runs is planned
    // again here from the batch's ladder, the job's rung ids and the source as it is now.
    let derived: DerivedEncodeJob;
    try {
      derived = deriveEncodeJob(batch, job, source, await this.deps.toolchain.report(), { tmpDir: this.deps.tmpDir });
    } catch (err) {
      const e = toApiError(err);
      return failed(e.hint ? `${e.message} ${e.hint}` : e.message);
    }
    const { plan, binary, commands, finals, temps } = derived;
    try {
      await ensureWritableDir(batch.outDir);
    } catch (err) {
      return failed(toApiError(err).message);
    }
    ctx.commandsChosen(binary, commands);
    const media = source.item.media;
    const run = await runEncodePasses(
      derived,
      { durationSeconds: media.video.durationSeconds ?? media.durationSeconds, frames: media.video.frameCount },
      { sourcePath, outDir: batch.outDir },
      ctx,
    );
    if (run.status !== 'done') {
      return { status: run.status, error: run.error ?? run.status, stderrTail: run.stderrTail, encodeSeconds: run.encodeSeconds };
    }
    return recordRenditions(this.deps, {
      batch,
      job,
      rungs: plan.rungs.map((p) => p.rung),
      finalCommands: withFinalOutputs(commands, temps, finals),
      finals,
      encodeSeconds: run.encodeSeconds,
      stderrTail: run.stderrTail,
      worker: null,
    });
  }

  removeLeftovers(job: Job, isLive?: (jobId: string) => boolean): void {
    if (job.plan.kind !== 'encode') return;
    fs.rmSync(passLogDir(job.id, this.deps.tmpDir), { recursive: true, force: true });
    // Only files inside the batch's own (validated) output folder, never paths a stored plan names.
    const batch = this.deps.store.getBatch(job.batchId);
    const outputs = batch ? encodeJobOutputs(batch, job.rungIds) : null;
    if (!batch || !outputs) return;
    for (const o of outputs) fs.rmSync(tempOutputPath(o.path, o.rungId, job.id), { force: true });
    if (!isLive) return;
    let names: string[];
    try {
      names = fs.readdirSync(batch.outDir);
    } catch {
      return;
    }
    for (const name of names) {
      const owner = partFileJobId(name);
      if (owner !== null && !isLive(owner)) fs.rmSync(path.join(batch.outDir, name), { force: true });
    }
  }
}

/** What an encode job's finished outputs are recorded from. */
export interface FinishedEncode {
  batch: Batch;
  job: Job;
  /** The rungs made, aligned with `finals`. */
  rungs: Rung[];
  /** The commands with the final output names (what people re-run). */
  finalCommands: string[][];
  /** The final outputs, aligned with `rungs`; they exist. */
  finals: string[];
  encodeSeconds: number | null;
  stderrTail: string | null;
  /** The `vq worker` that made them; null for this machine. */
  worker: string | null;
}

/**
 * Probes each final output and records it as a rendition (replacing one at the same path), then
 * announces it. The job's outcome: done, or failed when an output cannot be read back.
 */
export async function recordRenditions(
  deps: Pick<EncodeExecutorDeps, 'renditions' | 'toolchain' | 'events'>,
  done: FinishedEncode,
): Promise<JobOutcome> {
  const { batch, job, rungs, finals, encodeSeconds, stderrTail } = done;
  try {
    const ffprobe = await deps.toolchain.binaryFor('probe');
    for (const [i, rung] of rungs.entries()) {
      const info = await probeFile(finals[i]!, { ffprobe });
      const rendition: Rendition = {
        id: randomBytes(8).toString('hex'),
        sourceId: batch.sourceId,
        batchId: batch.id,
        jobId: job.id,
        rungId: rung.id,
        rung,
        path: finals[i]!,
        fileName: info.fileName,
        encoder: rung.encoder,
        width: info.video.width,
        height: info.video.height,
        bitrateKbps: info.video.bitrateKbps ?? info.bitrateKbps,
        sizeBytes: info.sizeBytes,
        encodeSeconds,
        command: done.finalCommands,
        media: info,
        createdAt: new Date().toISOString(),
        ...(done.worker ? { worker: done.worker } : {}),
      };
      const { replacedId } = deps.renditions.insert(rendition);
      if (replacedId) deps.events.emit({ type: 'rendition.removed', id: replacedId });
      deps.events.emit({ type: 'rendition.added', rendition });
    }
  } catch (err) {
    return {
      status: 'failed',
      error: `ffmpeg finished, but an output cannot be read back: ${toApiError(err).message}`,
      stderrTail,
      encodeSeconds,
    };
  }
  return { status: 'done', stderrTail, encodeSeconds };
}
