/**
 * Encode jobs on the shared queue: the app's queue runner still decides what runs when (order,
 * dependencies, cancel, retry, restart recovery, all in library.db), and this executor hands each
 * encode to BullMQ instead of running ffmpeg here. It sends the job's facts to the lane of the
 * encoders it needs, follows it (the worker that took it, its progress, a stall that put it back
 * in the queue, a Redis that lost it) and, when a worker finishes it, measures every output itself
 * — size and SHA-256 against what the worker reported, then a probe — before listing it as a
 * rendition that names its worker. Nothing a worker says is listed unchecked.
 */
import fs from 'node:fs';
import path from 'node:path';
import { toApiError } from '../../../shared/errors';
import { formatRawSpec } from '../../../shared/rawSpec';
import type { Rung } from '../../../shared/ladder';
import type { Batch, Job } from '../../../shared/queue';
import {
  checkedLadder,
  checkedOutDir,
  encodeJobOutputs,
  pickRungs,
  refuseUnreadable,
} from '../encode/deriveJob';
import {
  EncodeExecutor,
  recordRenditions,
  type EncodeExecutorDeps,
} from '../encode/encodeExecutor';
import { tempOutputPath } from '../encode/jobFiles';
import { ensureWritableDir } from '../encode/outDir';
import { sha256File } from '../media/sha256File';
import type { JobExecutor, JobOutcome, JobRunContext } from '../queue/jobQueue';
import { EncodeDoneSchema, encodeLane, type EncodeDone, type EncodeTask } from './encodeTask';
import { canceled, failed, followDispatch, whileNotAborted } from './following';
import type { SharedQueue, TransferHolder } from './sharedQueue';
import type { TransferServer } from './transferServer';
import { cancelRuns, chunkedFlow, wholeTask, type Dispatch } from './taskDispatch';
import { earlierRunIds, runIdOf } from './taskIds';
import { splitTitle } from './titleChunks';

/** How often a dispatched job is looked at; a chunked one (a look per chunk) less often. */
const WATCH_MS = 100;
const WATCH_CHUNKS_MS = 1_000;

/** What a dispatched job is to make, and how its media travels. */
interface Made {
  job: Job;
  batch: Batch;
  rungs: Rung[];
  finals: string[];
  taskId: string;
  /** The temporary names uploads are placed under, when workers send outputs over HTTP. */
  viaHttp: { temps: string[] } | null;
}

/** The {@link JobExecutor} for encode jobs when the queue is shared (VQ_REDIS_URL). */
export class ClusterEncodeExecutor implements JobExecutor {
  private readonly local: EncodeExecutor;

  constructor(
    private readonly deps: EncodeExecutorDeps & {
      shared: SharedQueue;
      /** Set when workers fetch sources and send outputs over HTTP (VQ_TRANSFER=http). */
      transfer?: TransferHolder | null;
    },
  ) {
    this.local = new EncodeExecutor(deps);
  }

  async run(job: Job, ctx: JobRunContext): Promise<JobOutcome> {
    if (job.plan.kind !== 'encode') return failed(`Job ${job.id} is not an encode job.`);
    const batch = this.deps.store.getBatch(job.batchId);
    if (!batch) return failed('The batch of this job no longer exists.');
    const source = this.deps.library.get(batch.sourceId);
    if (!source)
      return failed('The source was removed from the library after this job was queued.');
    let task: EncodeTask;
    let lane: string;
    let finals: string[];
    let rungs: Rung[];
    try {
      refuseUnreadable(source);
      const outDir = checkedOutDir(batch.outDir);
      rungs = pickRungs(checkedLadder(batch), job.rungIds);
      lane = encodeLane(rungs.map((r) => r.encoder));
      finals = (encodeJobOutputs(batch, job.rungIds) ?? []).map((o) => o.path);
      await ensureWritableDir(outDir);
      task = {
        v: 1,
        kind: 'encode',
        jobId: job.id,
        batchId: batch.id,
        sourcePath: source.item.path,
        raw: source.raw ? formatRawSpec(source.raw) : null,
        outDir,
        ladder: batch.ladder,
        rungIds: job.rungIds,
      };
    } catch (err) {
      const e = toApiError(err);
      return failed(e.hint ? `${e.message} ${e.hint}` : e.message);
    }
    const taskId = runIdOf(job);
    const shared = this.deps.shared;
    // Earlier runs of this job (before a restart or a retry) must not finish alongside this one.
    void cancelRuns(shared, earlierRunIds(job)).catch(() => {});
    let dispatch: Dispatch;
    let chunked = false;
    let viaHttpSetup: { server: TransferServer; temps: string[] } | null = null;
    try {
      const transfer = this.deps.transfer ? await this.deps.transfer.get() : null;
      const split =
        batch.chunkSeconds && batch.ladder && transfer
          ? {
              whole:
                'chunks are written and joined on a shared disk, and this app sends media over HTTP',
            }
          : batch.chunkSeconds && batch.ladder
            ? await splitTitle({
                chunkSeconds: batch.chunkSeconds,
                ladder: checkedLadder(batch),
                rungIds: job.rungIds,
                source,
                toolchain: this.deps.toolchain,
                signal: ctx.signal,
              })
            : null;
      if (split && 'chunks' in split) {
        const { kind: _whole, ...facts } = task;
        dispatch = chunkedFlow(shared, lane, taskId, split.chunks, facts);
        chunked = true;
      } else {
        if (split) console.warn(`queue: job ${job.id} is encoded whole: ${split.whole}.`);
        if (transfer) {
          // The worker reads the source and writes the outputs through this app, which places each
          // verified upload under its temporary name; it is renamed once the job is done.
          const temps = rungs.map((r, i) => tempOutputPath(finals[i]!, r.id, taskId));
          const token = transfer.grant(taskId, {
            source: { path: source.item.path, raw: source.raw !== null },
            outputs: Object.fromEntries(rungs.map((r, i) => [r.id, temps[i]!])),
          });
          task = {
            ...task,
            transfer: {
              source: transfer.sourceUrl(taskId),
              outputs: Object.fromEntries(
                rungs.map((r) => [r.id, transfer.outputUrl(taskId, r.id)]),
              ),
              token,
            },
          };
          viaHttpSetup = { server: transfer, temps };
        }
        dispatch = wholeTask(shared, lane, taskId, task);
      }
    } catch (err) {
      if (ctx.signal.aborted) return canceled();
      const e = toApiError(err);
      return failed(e.hint ? `${e.message} ${e.hint}` : e.message);
    }
    const viaHttp = viaHttpSetup;
    try {
      return await this.sendAndFollow(
        dispatch,
        chunked,
        { job, batch, rungs, finals, taskId, viaHttp },
        ctx,
      );
    } finally {
      if (viaHttp) {
        viaHttp.server.revoke(taskId);
        for (const t of viaHttp.temps) fs.rmSync(t, { force: true });
      }
    }
  }

  /** Sends the job, follows it, and cleans up what a chunked title that did not finish left. */
  private async sendAndFollow(
    dispatch: Dispatch,
    chunked: boolean,
    made: Made,
    ctx: JobRunContext,
  ): Promise<JobOutcome> {
    const { batch, taskId } = made;
    const sent = await whileNotAborted(
      dispatch.send().then(() => true),
      ctx.signal,
    );
    if (sent !== true) return canceled();
    const look = await followDispatch(dispatch, ctx, {
      closing: () => this.deps.shared.closed,
      jobId: made.job.id,
      what: 'job',
      // A failed chunk fails the title: the others are stopped rather than encoded for nothing.
      tasks: chunked ? 2 : 1,
      watchMs: chunked ? WATCH_CHUNKS_MS : WATCH_MS,
    });
    const outcome =
      look.state === 'completed' ? await this.finish(made, look.value, ctx) : look.outcome;
    // What the run left beside its outputs: a killed worker's temporary file, a failed title's
    // chunks (a join removes its own), an output not listed.
    removeRunLeftovers(batch.outDir, { run: taskId });
    return outcome;
  }

  /** Checks what the worker says against the files, then lists them. */
  private async finish(made: Made, returned: unknown, ctx: JobRunContext): Promise<JobOutcome> {
    const { job, finals } = made;
    const parsed = EncodeDoneSchema.safeParse(returned);
    if (!parsed.success) {
      return failed(
        'The worker that ran this job returned a result VQ Studio cannot read; its outputs are not listed.',
      );
    }
    const done: EncodeDone = parsed.data;
    // The outputs are under temporary names (uploads where this app placed them; on a shared disk
    // where the worker wrote them, named as this run can name them): checked, then renamed.
    const files = made.viaHttp?.temps ?? reportedTemps(made, done);
    if (typeof files === 'string')
      return failed(`Worker ${done.worker} finished, but ${files}; nothing is listed.`);
    const problem = await checkOutputs(job, files, done);
    if (problem || ctx.signal.aborted) {
      for (const f of files) fs.rmSync(f, { force: true });
      if (!problem) return canceled(); // it finished as the cancel reached it
      return {
        status: 'failed',
        error: `Worker ${done.worker} finished, but ${problem}; nothing is listed.`,
        stderrTail: done.stderrTail,
        encodeSeconds: done.encodeSeconds,
      };
    }
    for (const [i, file] of files.entries()) fs.renameSync(file, finals[i]!);
    // A chunked title names every worker that encoded a chunk (and the one that joined them).
    const worker = done.chunks
      ? [...new Set([...done.chunks.workers, done.worker])].sort().join(', ')
      : done.worker;
    ctx.workerChosen(worker);
    ctx.commandsChosen(done.binary, done.commands);
    return recordRenditions(this.deps, {
      ...made,
      finalCommands: done.commands,
      encodeSeconds: done.encodeSeconds,
      stderrTail: done.stderrTail,
      worker,
    });
  }

  removeLeftovers(job: Job, isLive?: (jobId: string) => boolean): void {
    this.local.removeLeftovers(job, isLive);
    // The chunk folders of its runs (a join removes its own; a failed or stopped run leaves one).
    const batch = this.deps.store.getBatch(job.batchId);
    if (!batch) return;
    removeRunLeftovers(batch.outDir, { job: job.id });
  }
}

/**
 * Deletes what a run (or every run of a job, `{ job }`) left in an output folder: its chunk folder
 * (`.chunks-<run>`), outputs under temporary names (`.<rung>.<run>[-join]-<hold>.part.<ext>`) and
 * unfinished uploads (`.<temporary name>.upload-<random>`). Listed renditions are never touched.
 */
function removeRunLeftovers(outDir: string, of: { run: string } | { job: string }): void {
  let names: string[];
  try {
    names = fs.readdirSync(outDir);
  } catch {
    return;
  }
  // `<job>-a` followed by the attempt's digits, then the end of the id: `-a1` never matches `-a10`.
  const runId =
    'run' in of
      ? of.run.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
      : `${of.job.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-a\\d+`;
  const chunks = new RegExp(`^\\.chunks-${runId}$`);
  const temps = new RegExp(
    `^\\..+\\.${runId}-(?:join-)?[0-9a-f]{12}\\.part\\.[A-Za-z0-9]+(?:\\.upload-.+)?$`,
  );
  // Where this app places a worker's upload, and the upload while it arrives.
  const uploads = new RegExp(`^\\.{1,2}[^.].*\\.${runId}\\.part\\.[A-Za-z0-9]+(?:\\.upload-.+)?$`);
  for (const name of names) {
    if (chunks.test(name) || temps.test(name) || uploads.test(name)) {
      fs.rmSync(path.join(outDir, name), { recursive: true, force: true });
    }
  }
}

/**
 * Where a worker on the shared disk left each output: the temporary name it reported, taken only
 * when it is one this run can make (`.<rung>.<run>[-join]-<hold>.part.<ext>` in the output folder).
 * Else why not.
 */
function reportedTemps(made: Made, done: EncodeDone): string[] | string {
  const escape = (t: string): string => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const files: string[] = [];
  for (const [i, rung] of made.rungs.entries()) {
    const name = done.outputs.find((o) => o.rungId === rung.id)?.file;
    const ext = path.extname(made.finals[i]!).slice(1);
    const shape = new RegExp(
      `^\\.${escape(rung.id)}\\.${escape(made.taskId)}(?:-join)?-[0-9a-f]{12}\\.part\\.${escape(ext)}$`,
    );
    if (!name || !shape.test(name))
      return `it reported no output file for rung ${rung.id} that this job could have written`;
    files.push(path.join(made.batch.outDir, name));
  }
  return files;
}

/** Why the files are not what the worker reported (null when they are: same rungs, sizes and SHA-256). */
async function checkOutputs(job: Job, finals: string[], done: EncodeDone): Promise<string | null> {
  if (done.outputs.length !== job.rungIds.length || finals.length !== job.rungIds.length) {
    return `it reported ${done.outputs.length} outputs for ${job.rungIds.length} rungs`;
  }
  for (const [i, rungId] of job.rungIds.entries()) {
    const out = done.outputs.find((o) => o.rungId === rungId);
    if (!out) return `it reported no output for rung ${rungId}`;
    const file = finals[i]!;
    let size: number;
    try {
      size = fs.statSync(file).size;
    } catch {
      return `${file} is not there (does the worker write to the same disk? see vq worker --map)`;
    }
    if (size !== out.sizeBytes)
      return `${file} has ${size} bytes, not the ${out.sizeBytes} it reported`;
    if ((await sha256File(file)) !== out.sha256)
      return `the SHA-256 of ${file} is not the one it reported`;
  }
  return null;
}
