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
import type { Job, Rendition } from '../../../shared/queue';
import type { EventHub } from '../events';
import { runTool } from '../ffmpeg/process';
import { ProgressParser, progressFraction } from '../ffmpeg/progress';
import { probeFile } from '../probe';
import type { JobStore } from '../queue/jobStore';
import type { JobExecutor, JobOutcome, JobRunContext } from '../queue/jobQueue';
import type { LibraryRepo } from '../store/libraryRepo';
import type { RenditionRepo } from '../store/renditionRepo';
import type { Toolchain } from '../toolchain';
import { deriveEncodeJob, encodeJobOutputs, type DerivedEncodeJob } from './deriveJob';
import { describeEncodeFailure } from './failure';
import { withFinalOutputs } from './jobCommands';
import { partFileJobId, passLogDir, tempOutputPath } from './jobFiles';
import { ensureWritableDir } from './outDir';

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

/** Bytes of ffmpeg's stderr kept on a job. */
const STDERR_TAIL_BYTES = 8 * 1024;

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
      derived = deriveEncodeJob(batch, job, source, await this.deps.toolchain.report(), this.deps.tmpDir);
    } catch (err) {
      const e = toApiError(err);
      return failed(e.hint ? `${e.message} ${e.hint}` : e.message);
    }
    const { plan, binary, commands, finals, temps, passDir } = derived;
    try {
      await ensureWritableDir(batch.outDir);
    } catch (err) {
      return failed(toApiError(err).message);
    }
    ctx.commandsChosen(binary, commands);

    const media = source.item.media;
    const totals = { durationSeconds: media.video.durationSeconds ?? media.durationSeconds, frames: media.video.frameCount };
    let encodeSeconds = 0;
    let stderrTail: string | null = null;
    const removeTemps = (): void => {
      for (const t of temps) fs.rmSync(t, { force: true });
    };
    try {
      if (plan.twoPass) await fsp.mkdir(passDir, { recursive: true });
      for (let i = 0; i < commands.length; i++) {
        if (ctx.signal.aborted) {
          removeTemps();
          return { status: 'canceled', error: 'Canceled.', stderrTail, encodeSeconds };
        }
        const passes = commands.length;
        const parser = new ProgressParser((block) => {
          const f = progressFraction(block, totals);
          // 100 % is only reported after exit 0; `progress=end` of a pass is held just below.
          const within = block.end ? 0.999 : f;
          ctx.progress({ fraction: within === null ? null : (i + within) / passes, fps: block.fps, speed: block.speed });
        });
        const [bin, ...args] = commands[i]!;
        const r = await runTool(bin!, args, {
          purpose: 'encode',
          signal: ctx.signal,
          collectStdout: false,
          onStdoutLine: (line) => parser.push(line),
          onSpawn: (pid) => ctx.processStarted(pid),
          stderrTailBytes: STDERR_TAIL_BYTES,
        });
        encodeSeconds += r.durationMs / 1000;
        stderrTail = r.stderrTail;
        // A cancel that raced ffmpeg's own exit still counts as a cancel; so does a Ctrl+C in a
        // terminal, which reaches ffmpeg too (it then exits with 255).
        if (r.canceled || (r.code !== 0 && ctx.signal.aborted) || interruptedFromOutside(r)) {
          removeTemps();
          const error = r.canceled || ctx.signal.aborted ? 'Canceled.' : 'ffmpeg was stopped by an interrupt signal (Ctrl+C or kill).';
          return { status: 'canceled', error, stderrTail, encodeSeconds };
        }
        if (r.code !== 0) {
          removeTemps();
          return failed(describeEncodeFailure(r, { sourcePath, outDir: batch.outDir }), stderrTail, encodeSeconds);
        }
      }
      for (let i = 0; i < temps.length; i++) await fsp.rename(temps[i]!, finals[i]!);
    } catch (err) {
      removeTemps();
      return failed(`Writing the output failed: ${toApiError(err).message}`, stderrTail, encodeSeconds || null);
    } finally {
      if (plan.twoPass) fs.rmSync(passDir, { recursive: true, force: true });
    }

    ctx.progress({ fraction: 1, fps: null, speed: null });
    const finalCommands = withFinalOutputs(commands, temps, finals);
    try {
      const ffprobe = await this.deps.toolchain.binaryFor('probe');
      for (let i = 0; i < plan.rungs.length; i++) {
        const p = plan.rungs[i]!;
        const info = await probeFile(finals[i]!, { ffprobe });
        const rendition: Rendition = {
          id: randomBytes(8).toString('hex'),
          sourceId: batch.sourceId,
          batchId: batch.id,
          jobId: job.id,
          rungId: p.rung.id,
          rung: p.rung,
          path: finals[i]!,
          fileName: info.fileName,
          encoder: p.rung.encoder,
          width: info.video.width,
          height: info.video.height,
          bitrateKbps: info.video.bitrateKbps ?? info.bitrateKbps,
          sizeBytes: info.sizeBytes,
          encodeSeconds: round3(encodeSeconds),
          command: finalCommands,
          media: info,
          createdAt: new Date().toISOString(),
        };
        const { replacedId } = this.deps.renditions.insert(rendition);
        if (replacedId) this.deps.events.emit({ type: 'rendition.removed', id: replacedId });
        this.deps.events.emit({ type: 'rendition.added', rendition });
      }
    } catch (err) {
      return failed(`ffmpeg finished, but an output cannot be read back: ${toApiError(err).message}`, stderrTail, round3(encodeSeconds));
    }
    return { status: 'done', stderrTail, encodeSeconds: round3(encodeSeconds) };
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

/**
 * ffmpeg exits with 255 exactly when it received SIGINT/SIGTERM (`exit_program(received_nb_signals
 * ? 255 : …)` in fftools/ffmpeg.c; its own errors exit 1), and with `-loglevel error` it prints
 * nothing about it.
 */
function interruptedFromOutside(r: { code: number | null; signal: NodeJS.Signals | null }): boolean {
  return r.signal === 'SIGINT' || r.signal === 'SIGTERM' || r.code === 255;
}

function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}
