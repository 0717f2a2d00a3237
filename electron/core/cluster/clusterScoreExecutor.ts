/**
 * Score jobs on the shared queue: the app's queue runner still decides what runs when, and this
 * executor hands each score job to BullMQ instead of running ffmpeg here. It looks up the
 * reference and targets as a local run does (for "score after encode", the renditions its encode
 * job made), sends their facts to the lane of what the job needs of an ffmpeg (scoreTask.ts), and
 * follows the task (its worker, progress, a cancel, a Redis that lost it). A title with a known
 * frame count in a batch that asks for chunks (`Batch.chunkSeconds`, or VQ_SCORE_CHUNK_SECONDS)
 * is scored in chunks, one task per frame range, by as many workers as take them, and the chunks
 * are joined into the one-pass result (mergeScoreRunChunks).
 *
 * A worker's result is checked with its schema, its paths replaced by the app's, every series
 * pooled again here, and stored exactly as a local run is (storeScoreRun), with a note naming the
 * worker(s). Nothing a worker computed is stored unchecked.
 */
import fs from 'node:fs';
import { toApiError } from '../../../shared/errors';
import {
  frameCountOf,
  frameRateOf,
  looksAtPictures,
  preflight,
  type FixId,
} from '../../../shared/preflight';
import { parseScoreJobPlan, type Batch, type Job, type ScoreJobPlan } from '../../../shared/queue';
import { formatRawSpec } from '../../../shared/rawSpec';
import type { ScoreRunResult, ScoreWarning } from '../../../shared/score';
import { fileIdentities, type FileIdentity } from '../media/fileIdentity';
import { scoreLogDir } from '../paths';
import type { JobExecutor, JobOutcome, JobRunContext } from '../queue/jobQueue';
import type { JobStore } from '../queue/jobStore';
import { mergeScoreRunChunks, planScoreChunks, type FrameRange } from '../scoreEngine';
import { invalidScorePlanMessage, targetsOf } from '../scoreService/deriveScoreJob';
import { storeScoreRun, type ScoreExecutorDeps } from '../scoreService/scoreExecutor';
import {
  resolveReference,
  type ResolvedReference,
  type ResolvedTarget,
} from '../scoreService/scoreTargets';
import {
  afterEncodeScoreTaskId,
  earlierRunIds,
  runIdOf,
  runOfTask,
  runsNewestFirst,
  scoreChunkTaskId,
} from './taskIds';
import { removeRunLeftovers } from './runFiles';
import { whyWaiting } from './waitingFor';
import { cancelKey } from './encodeTask';
import {
  SCORE_TASK_NAME,
  ScoreDoneSchema,
  ScoreTaskSchema,
  runFromWire,
  scoreLaneName,
  scoreLaneSpecOf,
  type ScoreTask,
} from './scoreTask';
import type { SharedQueue, TransferHolder } from './sharedQueue';
import type { TransferServer } from './transferServer';
import {
  ADOPT_BACK,
  LOOK_TIMEOUT_MS,
  canceled,
  failed,
  followDispatch,
  markEnded,
  anyKey,
  endedKey,
  runToTakeUp,
  whileNotAborted,
  withinMs,
} from './following';
import {
  KEEP_SECONDS,
  cancelRuns,
  reasonOf,
  workerOf,
  WAITING,
  progressOf,
  readTask,
  taskOptions,
  type Dispatch,
  type Look,
  type Progress,
} from './taskDispatch';

/** How often a dispatched job is looked at; one of many chunks (a look per chunk) less often. */
const WATCH_MS = 250;
const WATCH_MANY_MS = 1_000;
/** Up to this many tasks are looked at every {@link WATCH_MS}. */
const WATCH_OFTEN_TASKS = 16;

/** What the executor needs: a local score run's needs, the batches, the shared queue. */
export interface ClusterScoreExecutorDeps extends ScoreExecutorDeps {
  store: Pick<JobStore, 'getBatch' | 'getJob' | 'dependants'>;
  shared: SharedQueue;
  /** Read for VQ_SCORE_CHUNK_SECONDS (chunks for score jobs of batches that do not ask). */
  env?: NodeJS.ProcessEnv;
  /** Set when workers read media over HTTP from this app (VQ_TRANSFER=http). */
  transfer?: TransferHolder | null;
}

/** One task of a dispatched score job: the whole run, or the chunk of `range`. */
export interface ScoreTaskSent {
  id: string;
  data: ScoreTask;
  range: FrameRange | null;
}

/** The files of a job as they were when it was sent (a score is stale once they change). */
interface Identities {
  reference: FileIdentity | null;
  targets: (FileIdentity | null)[];
}

/** The chunks a score job is split into, or why it is scored whole (null: nobody asked). */
export type ScoreSplit = { ranges: FrameRange[]; frameCount: number } | { whole: string } | null;

/**
 * How a score job is split: ranges of about `chunkSeconds` of the reference (planScoreChunks)
 * when its frame count is known exactly, every target has that many frames at its rate, and the
 * options score every frame from the first (a chunk is a range of the whole-video run).
 */
export function splitScoreJob(o: {
  chunkSeconds: number | null;
  ref: ResolvedReference;
  targets: readonly ResolvedTarget[];
  plan: Pick<ScoreJobPlan, 'options'>;
  fixes: readonly (readonly string[])[];
}): ScoreSplit {
  if (!o.chunkSeconds) return null;
  const { options } = o.plan;
  if (options.startSeconds || options.frames !== undefined || (options.subsample ?? 1) > 1) {
    return { whole: 'it scores a part of the video or every n-th frame' };
  }
  const fixes = [...(options.fixes ?? []), ...o.fixes.flat()];
  if (fixes.includes('trim-to-shortest')) return { whole: 'it is trimmed to the shorter video' };
  const media = o.ref.item.media;
  // A pair whose pictures are looked at (frames matched, bars found) is scored in one run: a
  // chunk is a range of frames paired by position.
  const looked = o.targets.some(
    (t, i) =>
      t.source.media !== undefined &&
      looksAtPictures(options.align, preflight(media, t.source.media), [
        ...(options.fixes ?? []),
        ...((o.fixes[i] ?? []) as FixId[]),
      ]),
  );
  if (looked) return { whole: 'its frames are matched by their pictures first' };
  const count = frameCountOf(media);
  const rate = frameRateOf(media)?.value;
  if (!count?.exact || !rate) return { whole: "the reference's frame count is not known exactly" };
  for (const t of o.targets) {
    const theirs = t.source.media ? frameCountOf(t.source.media, rate) : null;
    if (theirs?.frames !== count.frames) {
      return { whole: `${t.scored.label} does not have the reference's ${count.frames} frames` };
    }
  }
  const ranges = planScoreChunks(count.frames, Math.max(1, Math.round(o.chunkSeconds * rate)));
  if (ranges.length < 2) return { whole: 'the video is not longer than one chunk' };
  return { ranges, frameCount: count.frames };
}

/** The chunk length asked for by the environment (VQ_SCORE_CHUNK_SECONDS), or null. */
function envChunkSeconds(env: NodeJS.ProcessEnv | undefined): number | null {
  const n = Number(env?.VQ_SCORE_CHUNK_SECONDS ?? '');
  return Number.isFinite(n) && n > 0 ? n : null;
}

/**
 * The score task a whole encode task carries as its BullMQ flow parent: the score job after it,
 * and the task that scores what it makes, in the lane the score job would be sent to.
 */
export interface AfterEncodeScore {
  scoreJobId: string;
  lane: string;
  taskId: string;
  data: ScoreTask;
}

/** The {@link JobExecutor} for score jobs when the queue is shared (VQ_REDIS_URL). */
export class ClusterScoreExecutor implements JobExecutor {
  constructor(private readonly deps: ClusterScoreExecutorDeps) {}

  async run(job: Job, ctx: JobRunContext): Promise<JobOutcome> {
    if (job.plan.kind !== 'score') return failed(`Job ${job.id} is not a score job.`);
    const checked = parseScoreJobPlan(job.plan);
    if (!checked.plan) {
      return failed(
        `${invalidScorePlanMessage(checked.problems)} It may come from an imported project; score the renditions again from Compare.`,
      );
    }
    const plan = checked.plan;
    let taskId = runIdOf(job);
    let ref: ResolvedReference;
    let targets: ResolvedTarget[];
    let tasks: ScoreTaskSent[];
    let renamed = (runId: string): ScoreTaskSent[] => [{ ...tasks[0]!, id: runId }];
    let lane: string;
    let frameCount: number | null = null;
    let identities: Identities;
    try {
      const repos = { library: this.deps.library, renditions: this.deps.renditions };
      ref = resolveReference(repos, plan.referenceId);
      targets = targetsOf(job, plan, repos);
      const fixes = plan.fromJob ? [] : plan.fixes;
      const whole: ScoreTask = ScoreTaskSchema.parse({
        v: 1,
        kind: 'score',
        jobId: job.id,
        reference: {
          path: ref.item.path,
          raw: ref.source.raw ? formatRawSpec(ref.source.raw) : null,
        },
        targets: targets.map((t, i) => ({
          path: t.source.path,
          raw: t.source.raw ? formatRawSpec(t.source.raw) : null,
          fixes: [...(fixes[i] ?? [])],
        })),
        options: plan.options,
      } satisfies ScoreTask);
      const size = { width: ref.item.media.video.width, height: ref.item.media.video.height };
      lane = scoreLaneName(scoreLaneSpecOf(plan.options, size));
      const batch: Batch | null = this.deps.store.getBatch(job.batchId);
      const chunkSeconds = batch?.chunkSeconds ?? envChunkSeconds(this.deps.env);
      const split =
        chunkSeconds && this.deps.transfer
          ? { whole: 'each chunk would download the whole videos from this app over HTTP' }
          : splitScoreJob({ chunkSeconds, ref, targets, plan, fixes });
      if (split && 'whole' in split)
        console.warn(`queue: score job ${job.id} runs whole: ${split.whole}.`);
      if (split && 'ranges' in split) {
        frameCount = split.frameCount;
        tasks = split.ranges.map((range, i) => ({
          id: scoreChunkTaskId(taskId, i),
          data: { ...whole, frameRange: range },
          range,
        }));
        renamed = (runId) => tasks.map((t, i) => ({ ...t, id: scoreChunkTaskId(runId, i) }));
      } else {
        tasks = [{ id: taskId, data: whole, range: null }];
      }
      // The files as they are when measured: a score is stale once they change (scoreFreshness.ts).
      identities = {
        reference: fileIdentities.of(ref.item.path),
        targets: targets.map((t) => fileIdentities.of(t.scored.path)),
      };
    } catch (err) {
      const e = toApiError(err);
      return failed(e.hint ? `${e.message} ${e.hint}` : e.message);
    }
    const shared = this.deps.shared;
    let after: { taskId: string; encodeRun: string } | null = null;
    let revoke = (): void => {};
    if (this.deps.transfer) {
      // No shared disk: the worker reads the videos from this app over HTTP, with a token good
      // for this task's files only, for as long as the app follows it.
      let transfer: TransferServer;
      try {
        transfer = await this.deps.transfer.get();
      } catch (err) {
        return failed(toApiError(err).message);
      }
      tasks = [withTransfer(transfer, tasks[0]!, ref, targets)];
      revoke = () => transfer.revoke(tasks[0]!.id);
    } else {
      // After an encode on the shared queue, its score may be waiting there already: the parent
      // of the encode task in a BullMQ flow, started by BullMQ (maybe done) once the encode was.
      after = tasks.length === 1 ? await this.flowParentOf(plan, lane) : null;
      if (after) tasks = renamed(after.taskId);
      else {
        // A run the app stopped following when it closed (or crashed) is taken up again.
        const earlier = await runToTakeUp(shared, job, (runId) =>
          scoreDispatch(shared, lane, renamed(runId)),
        );
        if (earlier) tasks = renamed((taskId = earlier));
      }
    }
    // Earlier runs of this job (before a restart or a retry) must not finish alongside this one.
    void cancelRuns(
      shared,
      earlierRunIds(job).filter((id) => id !== taskId),
    ).catch(() => {});
    try {
      return await this.sendAndFollow(job, ctx, lane, tasks, {
        plan,
        ref,
        targets,
        frameCount,
        identities,
      });
    } finally {
      revoke();
      if (!shared.closed && !this.deps.transfer) this.afterScoring(job, plan, after);
    }
  }

  /**
   * Once a score of an encode's renditions has ended (not when the app closes: then the score
   * goes on without it and is taken up at the next start): the encode's outputs under temporary
   * names, which a flow's score task read, go; and a flow's score task this job did not follow
   * (Redis did not answer in time, say) is stopped rather than left to score for nothing.
   */
  private afterScoring(job: Job, plan: ScoreJobPlan, followed: { taskId: string } | null): void {
    const encodeJob = plan.fromJob ? this.deps.store.getJob(plan.fromJob) : null;
    if (!encodeJob) return;
    const batch = this.deps.store.getBatch(job.batchId);
    // Not while the encode still runs (this score canceled on its own): its files are in use.
    const encodeEnded = encodeJob.status !== 'running' && encodeJob.status !== 'queued';
    if (batch && encodeEnded) removeRunLeftovers(batch.outDir, { job: encodeJob.id });
    const unfollowed = runsNewestFirst(encodeJob, ADOPT_BACK + 1)
      .map(afterEncodeScoreTaskId)
      .filter((id) => id !== followed?.taskId);
    void cancelRuns(this.deps.shared, unfollowed).catch(() => {});
  }

  /**
   * The score task (flow parent) of the encode run whose renditions `plan` scores, when it is in
   * `lane` and has not failed; null when there is none to follow (it is then sent as a new task).
   */
  private async flowParentOf(
    plan: ScoreJobPlan,
    lane: string,
  ): Promise<{ taskId: string; encodeRun: string } | null> {
    const encodeJob = plan.fromJob ? this.deps.store.getJob(plan.fromJob) : null;
    if (!encodeJob || encodeJob.status !== 'done') return null;
    // The run that made the renditions: the last one, or an earlier one the app took up again.
    for (const encodeRun of runsNewestFirst(encodeJob, ADOPT_BACK + 1)) {
      const taskId = afterEncodeScoreTaskId(encodeRun);
      // Not one canceled (its encode run's key stops it too), nor one a score job followed to
      // its end already: a retry of this score job starts afresh. (The encode run itself is
      // always followed to its end by now.)
      const keys = [cancelKey(taskId), cancelKey(encodeRun), endedKey(taskId)];
      if (await anyKey(this.deps.shared, keys)) continue;
      const state = await withinMs(
        readTask(this.deps.shared.lane(lane), taskId).then((t) => t?.state ?? 'missing'),
        LOOK_TIMEOUT_MS,
      ).catch(() => 'missing');
      if (typeof state === 'string' && state !== 'failed' && state !== 'missing') {
        return { taskId, encodeRun };
      }
    }
    return null;
  }

  /**
   * The score task to put above encode run `runId` of `encodeJob` in a BullMQ flow, so that a
   * worker scores its outputs as soon as they are made, the app or not: when the one job that
   * depends on it is a queued score of its renditions that runs whole (no chunks asked for).
   * Null when the score is left to the app's queue (sent once the encode is listed).
   */
  afterEncode(encodeJob: Job, runId: string): AfterEncodeScore | null {
    const dependants = this.deps.store.dependants(encodeJob.id);
    const scoreJob = dependants.length === 1 ? dependants[0]! : null;
    if (scoreJob?.kind !== 'score' || scoreJob.status !== 'queued') return null;
    const plan = parseScoreJobPlan(scoreJob.plan).plan;
    if (plan?.fromJob !== encodeJob.id) return null;
    const batch = this.deps.store.getBatch(encodeJob.batchId);
    if (!batch || batch.chunkSeconds || envChunkSeconds(this.deps.env)) return null;
    const { options } = plan;
    if (options.startSeconds || options.frames !== undefined) return null;
    try {
      const ref = resolveReference(
        { library: this.deps.library, renditions: this.deps.renditions },
        plan.referenceId,
      );
      const size = { width: ref.item.media.video.width, height: ref.item.media.video.height };
      const data = ScoreTaskSchema.parse({
        v: 1,
        kind: 'score',
        jobId: scoreJob.id,
        reference: {
          path: ref.item.path,
          raw: ref.source.raw ? formatRawSpec(ref.source.raw) : null,
        },
        targets: [],
        afterEncode: { outDir: batch.outDir, run: runId, rungIds: [...encodeJob.rungIds] },
        options,
      } satisfies ScoreTask);
      return {
        scoreJobId: scoreJob.id,
        lane: scoreLaneName(scoreLaneSpecOf(options, size)),
        taskId: afterEncodeScoreTaskId(runId),
        data,
      };
    } catch {
      return null; // the score job finds what is wrong when it runs, and says so
    }
  }

  /** Sends the job's tasks (unless they are there), follows them, and stores what they return. */
  private async sendAndFollow(
    job: Job,
    ctx: JobRunContext,
    lane: string,
    tasks: ScoreTaskSent[],
    made: {
      plan: ScoreJobPlan;
      ref: ResolvedReference;
      targets: ResolvedTarget[];
      frameCount: number | null;
      identities: Identities;
    },
  ): Promise<JobOutcome> {
    const shared = this.deps.shared;
    const dispatch = scoreDispatch(shared, lane, tasks);
    // A send that fails is made again by follow(), which finds the tasks missing.
    const sent = await whileNotAborted(
      dispatch.send().then(
        () => true,
        () => true,
      ),
      ctx.signal,
    );
    if (sent !== true) return canceled();
    const look = await followDispatch(dispatch, ctx, {
      closing: () => this.deps.shared.closed,
      jobId: job.id,
      what: 'score job',
      tasks: tasks.length,
      watchMs: tasks.length > WATCH_OFTEN_TASKS ? WATCH_MANY_MS : WATCH_MS,
      waitingFor: () => whyWaiting(shared, lane),
    });
    // The app is closing: the run goes on on the workers, to be taken up at the next start.
    if (shared.closed) return look.state === 'completed' ? canceled() : look.outcome;
    // Followed to its end: the job's run (its tasks), or the score task of a flow, which a retry
    // of this job must then not take up again.
    const single = tasks.length === 1 ? tasks[0]!.id : null;
    await markEnded(shared, single ?? runOfTask(tasks[0]!.id) ?? tasks[0]!.id);
    if (look.state !== 'completed') return look.outcome;
    return this.finish(look.value as unknown[], { job, tasks, ...made }, ctx);
  }

  /** Checks what the workers returned, joins chunks, pools again and stores the results. */
  private finish(
    values: unknown[],
    made: {
      job: Job;
      plan: ScoreJobPlan;
      ref: ResolvedReference;
      targets: ResolvedTarget[];
      tasks: ScoreTaskSent[];
      frameCount: number | null;
      identities: Identities;
    },
    ctx: JobRunContext,
  ): JobOutcome {
    const { job, plan, ref, targets, tasks } = made;
    const runs: ScoreRunResult[] = [];
    const byWorker = new Map<string, FrameRange[]>();
    for (const [i, task] of tasks.entries()) {
      const checked = ScoreDoneSchema.safeParse(values[i]);
      if (!checked.success) {
        const issue = checked.error.issues[0];
        return failed(
          'The worker that scored this job returned a result VQ Studio cannot read' +
            (issue ? ` (${issue.path.join('.') || 'result'}: ${issue.message})` : '') +
            '; nothing is stored. Update vq worker to this version of VQ Studio.',
        );
      }
      const { worker } = checked.data;
      const run = runFromWire(checked.data.run, plan.options.thresholds);
      const problem = resultProblem(run, targets, task.range);
      if (problem) return failed(`Worker ${worker} finished, but ${problem}; nothing is stored.`);
      // The app's paths, not the worker's: what the library and the stored results name.
      run.reference = ref.item.path;
      run.results.forEach((r, k) => (r.distorted = targets[k]!.source.path));
      runs.push(run);
      byWorker.set(worker, [...(byWorker.get(worker) ?? []), ...(task.range ? [task.range] : [])]);
    }
    let run: ScoreRunResult;
    try {
      run =
        runs.length === 1
          ? runs[0]!
          : mergeScoreRunChunks(runs, made.frameCount ? { frameCount: made.frameCount } : {});
    } catch (err) {
      const e = toApiError(err);
      return failed(
        `The chunks of this job cannot be joined: ${e.message}${e.hint ? ` ${e.hint}` : ''}`,
      );
    }
    const note = workerNote(byWorker);
    for (const r of run.results) r.warnings = [...r.warnings, note];
    const workers = [...byWorker.keys()].sort();
    ctx.workerChosen(workers.join(', '));
    const commands = [
      ...new Map(
        runs.flatMap((r) => r.results.map((x) => [x.command.join('\0'), x.command])),
      ).values(),
    ];
    ctx.commandsChosen(run.ffmpeg.path, commands);
    try {
      storeScoreRun(this.deps, {
        job,
        ref,
        targets,
        run,
        referenceIdentity: made.identities.reference,
        identities: made.identities.targets,
      });
    } catch (err) {
      const e = toApiError(err);
      return failed(`The scores could not be stored: ${e.message}`);
    }
    return { status: 'done', stderrTail: null, encodeSeconds: Math.round(run.durationMs) / 1000 };
  }

  /**
   * A local run of this job (before the queue was shared) may have left its logs. Its runs on the
   * workers are left alone while it is running or queued again (taken up when it runs next); a
   * job that ended otherwise (marked interrupted, canceled while queued) has them stopped, and
   * what its encode left for a flow's score task goes (afterScoring).
   */
  removeLeftovers(job: Job): void {
    fs.rmSync(scoreLogDir(this.deps.dataDir, job.id), { recursive: true, force: true });
    if ((job.status === 'running' || job.status === 'queued') && !this.deps.transfer) return;
    void cancelRuns(this.deps.shared, runsNewestFirst(job, job.attempts)).catch(() => {});
    const plan = parseScoreJobPlan(job.plan).plan;
    if (plan) this.afterScoring(job, plan, null);
  }
}

/**
 * The task with what a worker needs to read its videos over HTTP: the reference as the task's
 * source, each target as an input, and a token for this task's files only (granted here).
 */
function withTransfer(
  transfer: TransferServer,
  task: ScoreTaskSent,
  ref: ResolvedReference,
  targets: readonly ResolvedTarget[],
): ScoreTaskSent {
  const token = transfer.grant(task.id, {
    source: { path: ref.item.path, raw: ref.source.raw !== null },
    outputs: {},
    inputs: Object.fromEntries(
      targets.map((t, i) => [`t${i}`, { path: t.source.path, raw: t.source.raw !== null }]),
    ),
  });
  const viaHttp = {
    reference: transfer.sourceUrl(task.id),
    targets: targets.map((_, i) => transfer.inputUrl(task.id, `t${i}`)),
    token,
  };
  return { ...task, data: { ...task.data, transfer: viaHttp } };
}

/** Why a worker's run is not the one asked for (null when it is). */
function resultProblem(
  run: ScoreRunResult,
  targets: readonly ResolvedTarget[],
  range: FrameRange | null,
): string | null {
  if (run.results.length !== targets.length) {
    return `it returned ${run.results.length} results for ${targets.length} videos`;
  }
  if (!range) return null;
  for (const r of run.results) {
    const n = r.frameNumbers;
    const exact = n.length === range.end - range.start && n.every((f, k) => f === range.start + k);
    if (!exact) return `it did not score exactly frames ${range.start}–${range.end - 1}`;
  }
  return null;
}

/** The note each stored result carries about the workers that scored it. */
function workerNote(byWorker: ReadonlyMap<string, FrameRange[]>): ScoreWarning {
  const names = [...byWorker.keys()].sort();
  const parts = names.map((w) => {
    const ranges = byWorker.get(w)!;
    return ranges.length
      ? `${w} (frames ${ranges.map((r) => `${r.start}–${r.end - 1}`).join(', ')})`
      : w;
  });
  return {
    id: 'scored-on-worker',
    message: `Scored on vq worker${names.length > 1 ? 's' : ''} ${parts.join(', ')}.`,
  };
}

/**
 * A score job in the shared queue: its one task, or one task per chunk, all in `lane`. Looked at
 * as one: completed when every task is (the value is their values, in task order), failed as
 * soon as one fails (with that chunk's reason), its progress the share of frames scored.
 */
export function scoreDispatch(
  shared: SharedQueue,
  lane: string,
  tasks: readonly ScoreTaskSent[],
): Dispatch {
  const lengths = tasks.map((t) => (t.range ? t.range.end - t.range.start : 1));
  const total = lengths.reduce((a, b) => a + b, 0);
  const what = (i: number): string => {
    const r = tasks[i]!.range;
    return r ? `Chunk ${i + 1} of ${tasks.length} (frames ${r.start}–${r.end - 1}): ` : '';
  };
  return {
    send: async () => {
      // A task still there under its id is left as it is (BullMQ does not add a job id twice).
      await (
        await shared.announce(lane)
      ).addBulk(
        tasks.map((t) => ({ name: SCORE_TASK_NAME, data: t.data, opts: taskOptions(t.id) })),
      );
    },
    look: async (): Promise<Look> => {
      const q = shared.lane(lane);
      const read = await Promise.all(tasks.map((t) => readTask(q, t.id)));
      const jobs = read.map((r) => r?.job);
      const states = read.map((r) => r?.state ?? 'missing');
      const failedAt = states.indexOf('failed');
      if (failedAt >= 0) {
        const reason = reasonOf(jobs[failedAt]!);
        return {
          state: 'failed',
          reason: reason.startsWith('Canceled') ? reason : `${what(failedAt)}${reason}`,
        };
      }
      if (states.some((s) => s !== 'completed' && s !== 'active' && !WAITING.has(s))) {
        return { state: 'missing' };
      }
      if (states.every((s) => s === 'completed')) {
        return { state: 'completed', value: jobs.map((j) => j!.returnvalue as unknown) };
      }
      let done = 0;
      let fps = 0;
      const workers = new Set<string>();
      let one: Progress | null = null;
      for (const [i, j] of jobs.entries()) {
        if (states[i] === 'completed') done += lengths[i]!;
        else if (states[i] === 'active') {
          const p = progressOf(j!);
          one = p;
          done += (p?.fraction ?? 0) * lengths[i]!;
          fps += p?.fps ?? 0;
          for (const w of workerOf(j!)) workers.add(w);
        }
      }
      const progress: Progress | null =
        tasks.length === 1
          ? one
          : { fraction: done / Math.max(1, total), fps: fps || null, speed: null };
      return {
        state: workers.size > 0 ? 'active' : 'waiting',
        progress,
        workers: [...workers].sort(),
      };
    },
    cancel: async () => {
      const multi = shared.redis.multi();
      for (const t of tasks) multi.set(cancelKey(t.id), '1', 'EX', KEEP_SECONDS);
      await multi.exec();
      const q = shared.lane(lane);
      // Refused while a worker holds a task: the key stops it there.
      for (const t of tasks) await (await q.getJob(t.id))?.remove().catch(() => {});
    },
  };
}
