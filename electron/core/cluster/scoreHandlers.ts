/**
 * The score task of `vq worker`: checks the task with its schema, maps the app's paths to this
 * machine's, probes the reference and plans the run with this machine's toolchain — exactly as
 * the app plans a local run (planScoreProcesses, the pre-flight check included) — runs it with the
 * task's cancel and progress, and hands back the per-frame values (scoreTask.ts ScoreDoneSchema).
 *
 * The ffmpeg that scores is the one this toolchain selects for scoring when it has what the job
 * needs (scoreLaneSpecOf: libvmaf, a model, CAMBI, XPSNR), else the first build that has it: a
 * worker takes a job from its lane when ANY of its builds can run it (canRun), so the run must use
 * such a build, not one that would leave a metric out.
 */
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { VqError, toApiError } from '../../../shared/errors';
import { parseRawSpec } from '../../../shared/rawSpec';
import type { ToolchainReport } from '../../../shared/toolchain';
import { canRun, type JobNeeds, type WorkerBuild } from '../../../shared/workers';
import { probeFile } from '../probe';
import {
  PreflightBlockedError,
  executeScorePlans,
  planScoreProcesses,
  type ScoreRequest,
  type ScoreSource,
} from '../scoreEngine';
import { workerBuilds } from './capabilities';
import { EncodeDoneSchema } from './encodeTask';
import { reportedTempName } from './runFiles';
import { downloadSource } from './transferClient';
import {
  ScoreDoneSchema,
  ScoreTaskSchema,
  needsOf,
  runToWire,
  scoreLaneSpecOf,
  type ScoreTask,
} from './scoreTask';
import type { TaskContext, TaskHandler, TaskOutcome } from './taskContext';

const UNREADABLE: TaskOutcome = {
  ok: false,
  error: 'This score task is not one this version of vq worker can read; update the worker.',
};

/** A failure said in the worker's name, so the app's queue shows where it happened. */
function failedHere(ctx: TaskContext, err: unknown): TaskOutcome {
  const e = toApiError(err);
  return {
    ok: false,
    error: `On worker ${ctx.worker}: ${e.hint ? `${e.message} ${e.hint}` : e.message}`,
  };
}

/** A video of the task as this machine reads it: its path mapped, its raw geometry checked. */
function sourceOf(ctx: TaskContext, video: { path: string; raw: string | null }): ScoreSource {
  const mapped = ctx.map(video.path);
  if (video.raw === null) return { path: mapped };
  const raw = parseRawSpec(video.raw);
  if (!raw.ok) {
    throw new VqError(
      'INVALID_ARGS',
      `The raw geometry of ${video.path} is not valid: ${raw.message}`,
    );
  }
  return { path: mapped, raw: raw.spec };
}

/**
 * The scoring build for `needs`: the toolchain's own choice when it has everything, else the first
 * build that does; throws naming every reason when none does.
 */
export function scoringBuildFor(
  report: ToolchainReport,
  needs: JobNeeds,
  worker: string,
): WorkerBuild {
  const builds = workerBuilds(report);
  const selected = builds.filter((b) => b.path === report.selected.score);
  const verdict = selected.length > 0 ? canRun({ name: worker, builds: selected }, needs) : null;
  if (verdict?.ok) return verdict.build;
  const any = canRun({ name: worker, builds }, needs);
  if (any.ok) return any.build;
  throw new VqError(
    'UNSUPPORTED',
    `No ffmpeg here can run this score job: ${any.reasons.join('; ')}.`,
    'Run `vq doctor` on this worker.',
  );
}

/** The request the task stands for, on this machine. */
function requestOf(ctx: TaskContext, task: ScoreTask, reference: ScoreSource): ScoreRequest {
  const { options } = task;
  const model =
    options.model && 'path' in options.model
      ? { ...options.model, path: ctx.map(options.model.path) }
      : options.model;
  return {
    ...options,
    ...(model ? { model } : {}),
    reference,
    distorted: task.targets.map((t) => sourceOf(ctx, t)),
    distortedFixes: task.targets.map((t) => [...t.fixes]),
    ...(task.frameRange ? { frameRange: task.frameRange } : {}),
  };
}

/**
 * The videos a score task above an encode task scores: that task's outputs, by the temporary
 * names its worker reported (checked to be ones the run can make), in the order of the rungs.
 */
async function afterEncodeTargets(
  ctx: TaskContext,
  after: NonNullable<ScoreTask['afterEncode']>,
): Promise<ScoreTask['targets']> {
  const values = Object.values(await ctx.childrenValues());
  const done = values.length === 1 ? EncodeDoneSchema.safeParse(values[0]) : null;
  if (!done?.success) {
    throw new VqError(
      'INVALID_ARGS',
      `This score task follows encode task ${after.run}, but ${values.length === 1 ? 'its result cannot be read' : `${values.length} results came before it`}.`,
      'Update vq worker to the version of VQ Studio that sent it.',
    );
  }
  return after.rungIds.map((rungId) => {
    const name = reportedTempName(done.data, rungId, after.run, null);
    if (!name) {
      throw new VqError(
        'INVALID_ARGS',
        `Encode task ${after.run} reported no output for rung ${rungId} that it could have written.`,
      );
    }
    return { path: path.join(after.outDir, name), raw: null, fixes: [] };
  });
}

/**
 * Downloads the task's reference and targets from the app's transfer server into `dir`; the
 * context then reads each app path as its downloaded copy.
 */
async function withDownloads(
  ctx: TaskContext,
  task: ScoreTask,
  transfer: NonNullable<ScoreTask['transfer']>,
  dir: string,
): Promise<TaskContext> {
  const local = new Map<string, string>();
  const fetch = async (appPath: string, url: string, name: string): Promise<void> => {
    if (local.has(appPath)) return;
    const dest = path.join(dir, `${name}${path.extname(appPath).slice(0, 16)}`);
    await downloadSource({ url, token: transfer.token, dest, signal: ctx.signal });
    local.set(appPath, dest);
  };
  await fetch(task.reference.path, transfer.reference, 'reference');
  for (const [i, t] of task.targets.entries())
    await fetch(t.path, transfer.targets[i]!, `target-${i}`);
  return { ...ctx, map: (p) => local.get(p) ?? ctx.map(p) };
}

/**
 * A score job, or one chunk of it (a frame range of the whole-video run), or the score of what
 * the encode task below it in a BullMQ flow made.
 */
export const scoreHandler: TaskHandler = async (taskCtx) => {
  let ctx = taskCtx;
  const parsed = ScoreTaskSchema.safeParse(ctx.data);
  if (!parsed.success) return UNREADABLE;
  let task = parsed.data;
  // The libvmaf/psnr/ssim logs of this run only; removed whatever happens.
  const logDir = await fsp.mkdtemp(path.join(ctx.tmpDir ?? os.tmpdir(), 'vq-score-task-'));
  try {
    if (task.afterEncode)
      task = { ...task, targets: await afterEncodeTargets(ctx, task.afterEncode) };
    // Without a shared disk the videos come over HTTP into this task's folder first.
    if (task.transfer) ctx = await withDownloads(ctx, task, task.transfer, logDir);
    const report = await ctx.toolchain.report();
    const reference = sourceOf(ctx, task.reference);
    const ffprobe = report.selected.probe;
    if (!ffprobe)
      throw new VqError('NO_FFPROBE', 'No working ffprobe was found to read the videos.');
    reference.media = await probeFile(reference.path, {
      ffprobe,
      raw: reference.raw ?? undefined,
      signal: ctx.signal,
    });
    const size = { width: reference.media.video.width, height: reference.media.video.height };
    const build = scoringBuildFor(report, needsOf(scoreLaneSpecOf(task.options, size)), ctx.worker);
    const toolchain = {
      report: async () => ({ ...report, selected: { ...report.selected, score: build.path } }),
    };
    const { plan, processes } = await planScoreProcesses(
      requestOf(ctx, task, reference),
      { toolchain, logDir },
      ctx.signal,
    );
    if (plan.blocked) throw new PreflightBlockedError(plan);
    const run = await executeScorePlans(processes, {
      signal: ctx.signal,
      onProgress: (p) => ctx.progress(p),
    });
    // Checked here too: a result the app would refuse fails on the worker, saying why.
    const done = ScoreDoneSchema.safeParse({ v: 1, worker: ctx.worker, run: runToWire(run) });
    if (!done.success) {
      const issue = done.error.issues[0];
      throw new VqError(
        'INTERNAL',
        `The score of this task does not pass its own check (${issue?.path.join('.') ?? ''}: ${issue?.message ?? '?'}).`,
        'Please report this with the job; nothing was sent to the app.',
      );
    }
    return { ok: true, value: done.data };
  } catch (err) {
    if (ctx.signal.aborted || toApiError(err).code === 'CANCELED') {
      return { ok: false, error: 'Canceled.' };
    }
    return failedHere(ctx, err);
  } finally {
    await fsp.rm(logDir, { recursive: true, force: true });
  }
};
