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
import { filtersNeeded } from '../encode/planBatch';
import { ensureWritableDir } from '../encode/outDir';
import { sha256File } from '../media/sha256File';
import type { JobExecutor, JobOutcome, JobRunContext } from '../queue/jobQueue';
import { EncodeDoneSchema, encodeLane, type EncodeDone, type EncodeTask } from './encodeTask';
import {
  LOOK_TIMEOUT_MS,
  canceled,
  failed,
  followDispatch,
  markEnded,
  runToTakeUp,
  whileNotAborted,
  withinMs,
} from './following';
import type { SharedQueue, TransferHolder } from './sharedQueue';
import type { TransferServer } from './transferServer';
import {
  cancelRuns,
  chunkedFlow,
  encodeThenScore,
  removeTask,
  wholeTask,
  type Dispatch,
} from './taskDispatch';
import { reportedTempName, removeRunLeftovers } from './runFiles';
import { whyWaiting } from './waitingFor';
import type { AfterEncodeScore } from './clusterScoreExecutor';
import { earlierRunIds, runIdOf, runsNewestFirst } from './taskIds';
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
  /** The lane of its encode tasks. */
  lane: string;
  /** The temporary names uploads are placed under, when workers send outputs over HTTP. */
  viaHttp: { temps: string[] } | null;
  /** The score task BullMQ starts once this encode is done (its flow parent), if any. */
  after: AfterEncodeScore | null;
  /** Set once listed: the outputs keep their temporary names too, for that score task. */
  tempsKept?: boolean;
}

/** The {@link JobExecutor} for encode jobs when the queue is shared (VQ_REDIS_URL). */
export class ClusterEncodeExecutor implements JobExecutor {
  private readonly local: EncodeExecutor;

  constructor(
    private readonly deps: EncodeExecutorDeps & {
      shared: SharedQueue;
      /** Set when workers fetch sources and send outputs over HTTP (VQ_TRANSFER=http). */
      transfer?: TransferHolder | null;
      /** The score to put above a whole encode run in a BullMQ flow (ClusterScoreExecutor). */
      scoreAfter?: (job: Job, runId: string) => AfterEncodeScore | null;
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
      const ladder = checkedLadder(batch);
      rungs = pickRungs(ladder, job.rungIds);
      // Tone-mapping HDR to SDR needs zscale, which not every worker's ffmpeg has.
      lane = encodeLane(
        rungs.map((r) => r.encoder),
        filtersNeeded({ media: source.item.media, raw: source.raw }, ladder),
      );
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
    let taskId = runIdOf(job);
    const shared = this.deps.shared;
    let dispatch: Dispatch;
    let chunked = false;
    let after: AfterEncodeScore | null = null;
    let viaHttpSetup: { server: TransferServer; temps: string[] } | null = null;
    try {
      const transfer = this.deps.transfer ? await this.deps.transfer.get() : null;
      const chunks = Boolean(batch.chunkSeconds || batch.chunkStarts);
      const split =
        chunks && batch.ladder && transfer
          ? {
              whole:
                'chunks are written and joined on a shared disk, and this app sends media over HTTP',
            }
          : chunks && batch.ladder
            ? await splitTitle({
                chunkSeconds: batch.chunkSeconds ?? null,
                chunkStarts: batch.chunkStarts,
                ladder: checkedLadder(batch),
                rungIds: job.rungIds,
                source,
                toolchain: this.deps.toolchain,
                signal: ctx.signal,
              })
            : null;
      if (split && 'whole' in split)
        console.warn(`queue: job ${job.id} is encoded whole: ${split.whole}.`);
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
            outputs: Object.fromEntries(rungs.map((r) => [r.id, transfer.outputUrl(taskId, r.id)])),
            token,
          },
        };
        viaHttpSetup = { server: transfer, temps };
        dispatch = wholeTask(shared, lane, taskId, task);
      } else {
        // On a shared disk: a chunked title, or a whole encode with its score above it in a flow.
        const facts = task;
        const sendAs = (runId: string) => {
          if (split && 'chunks' in split) {
            const { kind: _whole, ...rest } = facts;
            return { dispatch: chunkedFlow(shared, lane, runId, split.chunks, rest), after: null };
          }
          const above = this.deps.scoreAfter?.(job, runId) ?? null;
          return {
            dispatch: above
              ? encodeThenScore(shared, { lane, taskId: runId, data: facts }, above)
              : wholeTask(shared, lane, runId, facts),
            after: above,
          };
        };
        // A run the app stopped following when it closed (or crashed) is taken up again.
        taskId = (await runToTakeUp(shared, job, (runId) => sendAs(runId).dispatch)) ?? taskId;
        ({ dispatch, after } = sendAs(taskId));
        chunked = split !== null && 'chunks' in split;
      }
    } catch (err) {
      if (ctx.signal.aborted) return canceled();
      const e = toApiError(err);
      return failed(e.hint ? `${e.message} ${e.hint}` : e.message);
    }
    // Earlier runs of this job (before a restart or a retry) must not finish alongside this one;
    // what they left in the output folder goes (a worker still writing there is stopped).
    const earlier = earlierRunIds(job).filter((id) => id !== taskId);
    void cancelRuns(shared, earlier).catch(() => {});
    for (const id of earlier) removeRunLeftovers(batch.outDir, { run: id });
    const viaHttp = viaHttpSetup;
    try {
      return await this.sendAndFollow(
        dispatch,
        chunked,
        { job, batch, rungs, finals, taskId, lane, viaHttp, after },
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
      waitingFor: () => whyWaiting(this.deps.shared, made.lane),
    });
    // The app is closing: the run goes on on the workers, to be taken up at the next start.
    if (this.deps.shared.closed) return look.state === 'completed' ? canceled() : look.outcome;
    await markEnded(this.deps.shared, taskId);
    const outcome =
      look.state === 'completed' ? await this.finish(made, look.value, ctx) : look.outcome;
    // The score above it reads the outputs under their temporary names: kept while it may run.
    const scoring = outcome.status === 'done' && made.tempsKept === true && this.scoreWanted(made);
    // Else the score job, when it runs, sends its own task: this one must be gone by then.
    if (made.after && !scoring)
      await withinMs(removeTask(this.deps.shared, made.after), LOOK_TIMEOUT_MS).catch(() => {});
    // What the run left beside its outputs: a killed worker's temporary file, a failed title's
    // chunks (a join removes its own), an output not listed.
    removeRunLeftovers(batch.outDir, { run: taskId }, { tempsToo: !scoring });
    return outcome;
  }

  /** True while the score job the flow's score task is for still waits to run. */
  private scoreWanted(made: Made): boolean {
    const scoreJob = made.after ? this.deps.store.getJob(made.after.scoreJobId) : null;
    return scoreJob?.status === 'queued' || scoreJob?.status === 'running';
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
    // With a score above it in the flow, the temporary names stay for it (hard links).
    let linked = made.after !== null;
    for (const [i, file] of files.entries()) {
      linked = linked && linkOver(file, finals[i]!);
      if (!linked) fs.renameSync(file, finals[i]!);
    }
    made.tempsKept = linked;
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

  /**
   * What the job's runs left. A run on the workers is left alone while the job is running or
   * queued again (the app closing, or restarting with "re-queue"): it goes on there and is taken
   * up when the job runs next; its files go when the app follows it to its end, or when a later
   * run starts. A job that ended otherwise (marked interrupted, canceled while queued) has its
   * runs stopped on the workers and their files removed; so does every job in transfer mode,
   * whose runs are never taken up (their tokens die with the app).
   */
  removeLeftovers(job: Job, isLive?: (jobId: string) => boolean): void {
    this.local.removeLeftovers(job, isLive);
    const goesOn = job.status === 'running' || job.status === 'queued';
    if (goesOn && !this.deps.transfer) return;
    void cancelRuns(this.deps.shared, runsNewestFirst(job, job.attempts)).catch(() => {});
    const batch = this.deps.store.getBatch(job.batchId);
    if (batch) removeRunLeftovers(batch.outDir, { job: job.id });
  }
}

/**
 * Where a worker on the shared disk left each output: the temporary name it reported, taken only
 * when it is one this run can make. Else why not.
 */
function reportedTemps(made: Made, done: EncodeDone): string[] | string {
  const files: string[] = [];
  for (const [i, rung] of made.rungs.entries()) {
    const ext = path.extname(made.finals[i]!).slice(1);
    const name = reportedTempName(done, rung.id, made.taskId, ext);
    if (!name)
      return `it reported no output file for rung ${rung.id} that this job could have written`;
    files.push(path.join(made.batch.outDir, name));
  }
  return files;
}

/**
 * Gives `file` the name `final` too (a hard link, put in place in one step), so a score task
 * reading `file` meanwhile reads the listed rendition. False where the disk has no hard links.
 */
function linkOver(file: string, final: string): boolean {
  // Named after the temporary, so what a crash here leaves goes with the run's leftovers.
  const step = `${file}.link`;
  try {
    fs.rmSync(step, { force: true });
    fs.linkSync(file, step);
    fs.renameSync(step, final);
    return true;
  } catch {
    fs.rmSync(step, { force: true });
    return false;
  }
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
