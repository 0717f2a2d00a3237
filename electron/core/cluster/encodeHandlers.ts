/**
 * The encode tasks of `vq worker`: a whole encode job, one chunk of a chunked title, and the join
 * of its chunks (the parent of the chunk tasks in a BullMQ flow, run once every chunk is done).
 * Each checks its task with its schema, probes the source itself and plans with this machine's
 * toolchain (deriveFromPlanSource) — exactly as the app plans a local run.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { containerExtension } from '../../../shared/encodePlan';
import { toApiError } from '../../../shared/errors';
import type { MediaInfo, RawVideoSpec } from '../../../shared/media';
import { parseRawSpec } from '../../../shared/rawSpec';
import { chunkEncodeArgs, chunkFrameRate } from '../encode/chunks/chunkCommand';
import { parseFrameRate } from '../media/frameSeek';
import { joinChunks } from '../encode/chunks/joinChunks';
import { verifyJoined } from '../encode/chunks/verifyJoined';
import { deriveFromPlanSource, type DerivedEncodeJob } from '../encode/deriveJob';
import { withFinalOutputs } from '../encode/jobCommands';
import { ensureWritableDir } from '../encode/outDir';
import type { PlanSource } from '../encode/planBatch';
import { runEncodePasses } from '../encode/runEncode';
import { runTool } from '../ffmpeg/process';
import { ProgressParser } from '../ffmpeg/progress';
import { sha256File } from '../media/sha256File';
import { probeFile } from '../probe';
import {
  ChunkDoneSchema,
  ChunkTaskSchema,
  EncodeTaskSchema,
  JoinTaskSchema,
  type EncodeDone,
  type EncodeTask,
} from './encodeTask';
import { chunkDirName, runOfTask } from './taskIds';
import { downloadSource, uploadOutput } from './transferClient';
import type { TaskContext, TaskHandler, TaskOutcome } from './taskContext';

const UNREADABLE: TaskOutcome = {
  ok: false,
  error: 'This task is not one this version of vq worker can read; update the worker.',
};

/** The facts every encode task carries, mapped to this machine. */
interface Planned {
  source: PlanSource;
  media: MediaInfo;
  outDir: string;
  derived: DerivedEncodeJob;
}

/**
 * Sources probed here, by path, size, modification time and raw geometry: the rungs and chunks of
 * one title are planned from one probe (the file is probed again when it changes).
 */
const probed = new Map<string, Promise<MediaInfo>>();
const PROBED_KEPT = 64;

async function probeSource(
  file: string,
  ffprobe: string,
  raw: RawVideoSpec | null,
): Promise<MediaInfo> {
  const st = await fsp.stat(file);
  const key = JSON.stringify([file, st.size, st.mtimeMs, st.ino, raw, ffprobe]);
  let media = probed.get(key);
  if (!media) {
    media = probeFile(file, { ffprobe, ...(raw ? { raw } : {}) });
    probed.set(key, media);
    media.catch(() => probed.delete(key));
    if (probed.size > PROBED_KEPT) probed.delete(probed.keys().next().value!);
  }
  return media;
}

/** Probes the task's source here and plans its job with this machine's toolchain. */
async function plan(
  ctx: TaskContext,
  task: {
    batchId: string;
    sourcePath: string;
    raw: string | null;
    outDir: string;
    ladder: unknown;
    rungIds: string[];
  },
  local: { source: string; outDir: string } | null = null,
): Promise<Planned> {
  const sourcePath = local?.source ?? ctx.map(task.sourcePath);
  const outDir = local?.outDir ?? ctx.map(task.outDir);
  const raw = task.raw === null ? null : parseRawSpec(task.raw);
  if (raw && !raw.ok) throw new Error(`The source's raw geometry is not valid: ${raw.message}`);
  const toolchain = ctx.toolchain;
  const media = await probeSource(
    sourcePath,
    await toolchain.binaryFor('probe'),
    raw?.ok ? raw.spec : null,
  );
  const source: PlanSource = { path: sourcePath, media, raw: raw?.ok ? raw.spec : null };
  const derived = deriveFromPlanSource(
    { id: task.batchId, ladder: task.ladder as never, outDir },
    // Temporary names carry the task and this hold on it: two runs of one task never share a file.
    { id: `${ctx.taskId}-${ctx.holdId}`, rungIds: task.rungIds },
    source,
    await toolchain.report(),
    { tmpDir: ctx.tmpDir, threads: ctx.threads ?? undefined },
  );
  await ensureWritableDir(outDir);
  return { source, media, outDir, derived };
}

/** A failure said in the worker's name, so the app's queue shows where it happened. */
function failedHere(ctx: TaskContext, err: unknown): TaskOutcome {
  const e = toApiError(err);
  return {
    ok: false,
    error: `On worker ${ctx.worker}: ${e.hint ? `${e.message} ${e.hint}` : e.message}`,
  };
}

/** Size, SHA-256 and file name of each output (under its temporary name), by rung. */
async function measureOutputs(rungIds: string[], files: string[]): Promise<EncodeDone['outputs']> {
  const outputs: EncodeDone['outputs'] = [];
  for (const [i, rungId] of rungIds.entries()) {
    const file = files[i]!;
    outputs.push({
      rungId,
      file: path.basename(file),
      sizeBytes: fs.statSync(file).size,
      sha256: await sha256File(file),
    });
  }
  return outputs;
}

/** A whole encode job, on a shared disk or (with `transfer`) through the app's HTTP server. */
export const encodeHandler: TaskHandler = async (ctx) => {
  const parsed = EncodeTaskSchema.safeParse(ctx.data);
  if (!parsed.success) return UNREADABLE;
  const task = parsed.data;
  if (!task.transfer) return encodeHere(ctx, task, null);
  // No shared disk: the source comes over HTTP into a folder of this task, the outputs are written
  // there and sent back; the folder goes when the task ends, whatever happens.
  const work = await fsp.mkdtemp(path.join(os.tmpdir(), `vq-worker-${ctx.taskId}-`));
  try {
    const local = path.join(work, `source${path.extname(task.sourcePath).slice(0, 16)}`);
    await downloadSource({
      url: task.transfer.source,
      token: task.transfer.token,
      dest: local,
      signal: ctx.signal,
    });
    return await encodeHere(ctx, task, { source: local, outDir: path.join(work, 'out') });
  } catch (err) {
    return failedHere(ctx, err);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
};

/** Plans and runs the encode with the source and output folder here, then hands back the outputs. */
async function encodeHere(
  ctx: TaskContext,
  task: EncodeTask,
  local: { source: string; outDir: string } | null,
): Promise<TaskOutcome> {
  let p: Planned;
  try {
    p = await plan(ctx, task, local);
  } catch (err) {
    return failedHere(ctx, err);
  }
  const { derived, media } = p;
  const result = await runEncodePasses(
    derived,
    {
      durationSeconds: media.video.durationSeconds ?? media.durationSeconds,
      frames: media.video.frameCount,
    },
    { sourcePath: p.source.path, outDir: p.outDir },
    { signal: ctx.signal, processStarted: () => {}, progress: ctx.progress },
    // On a shared disk the outputs stay under their temporary names: the app checks, then renames.
    { keepTemporary: !task.transfer },
  );
  if (result.status !== 'done') {
    return { ok: false, error: `On worker ${ctx.worker}: ${result.error ?? result.status}` };
  }
  let outputs: EncodeDone['outputs'];
  const transfer = task.transfer;
  if (transfer) {
    outputs = [];
    for (const [i, rungId] of task.rungIds.entries()) {
      const url = transfer.outputs[rungId];
      if (!url) return { ok: false, error: `The task gives no address to send rung ${rungId} to.` };
      const sent = await uploadOutput({
        url,
        token: transfer.token,
        file: derived.finals[i]!,
        signal: ctx.signal,
      });
      outputs.push({ rungId, ...sent });
    }
  } else {
    outputs = await measureOutputs(task.rungIds, derived.temps);
  }
  const value: EncodeDone = {
    v: 1,
    worker: ctx.worker,
    binary: derived.binary,
    commands: withFinalOutputs(derived.commands, derived.temps, derived.finals),
    encodeSeconds: result.encodeSeconds,
    stderrTail: result.stderrTail ? result.stderrTail.slice(-64 * 1024) : null,
    outputs,
  };
  return { ok: true, value };
}

/** The one rung of a chunked job, and the rate its chunk frames count at. */
function chunkedRung(p: Planned) {
  const rung = p.derived.plan.rungs[0];
  const sourceRate = parseFrameRate(p.media.video.rFrameRate ?? p.media.video.avgFrameRate ?? '');
  if (!rung || p.derived.plan.rungs.length !== 1 || !sourceRate) {
    throw new Error('A chunked job encodes one rung of a source with a constant frame rate.');
  }
  // Chunks count frames at the rung's rate; the app only chunks rungs at the source's rate.
  if (chunkFrameRate(rung, sourceRate) !== sourceRate && rung.fps !== null) {
    throw new Error('A chunked job encodes at the source frame rate.');
  }
  return { rung, sourceRate };
}

/** Where the chunks of a chunked job go: a hidden folder in its output folder. */
function chunkDir(p: Planned, parentTaskId: string): string {
  return path.join(p.outDir, chunkDirName(parentTaskId));
}

function chunkFile(
  dir: string,
  index: number,
  container: Parameters<typeof containerExtension>[0],
): string {
  return path.join(dir, `${String(index).padStart(5, '0')}.${containerExtension(container)}`);
}

/** One chunk: frames [start, end) of the title, encoded into the job's chunk folder. */
export const chunkHandler: TaskHandler = async (ctx) => {
  const parsed = ChunkTaskSchema.safeParse(ctx.data);
  if (!parsed.success || parsed.data.rungIds.length !== 1) return UNREADABLE;
  const task = parsed.data;
  const { range } = task;
  try {
    const p = await plan(ctx, task);
    const { rung, sourceRate } = chunkedRung(p);
    const dir = chunkDir(p, runOfTask(ctx.taskId)!);
    await fsp.mkdir(dir, { recursive: true });
    const final = chunkFile(dir, range.index, rung.rung.container);
    const temp = `${final}.part-${ctx.holdId}${path.extname(final)}`;
    const frames = range.end - range.start;
    const args = chunkEncodeArgs(p.source, rung, range, sourceRate, temp, {
      threads: ctx.threads ?? undefined,
    });
    const parser = new ProgressParser((block) => {
      const done = block.frame ?? null;
      ctx.progress({
        fraction: done === null ? null : Math.min(0.999, done / frames),
        fps: block.fps,
        speed: block.speed,
      });
    });
    const started = performance.now();
    const r = await runTool(p.derived.binary, args, {
      purpose: 'encode',
      signal: ctx.signal,
      collectStdout: false,
      onStdoutLine: (line) => parser.push(line),
    });
    if (r.code !== 0 || r.canceled) {
      fs.rmSync(temp, { force: true });
      if (r.canceled) return { ok: false, error: 'Canceled.' };
      return {
        ok: false,
        error: `On worker ${ctx.worker}: encoding chunk ${range.index} (frames ${range.start}–${range.end - 1}) failed: ${r.stderrTail.trim().split('\n').slice(-3).join(' ')}`,
      };
    }
    await fsp.rename(temp, final);
    return {
      ok: true,
      value: ChunkDoneSchema.parse({
        v: 1,
        worker: ctx.worker,
        index: range.index,
        sizeBytes: fs.statSync(final).size,
        encodeSeconds: Math.round(performance.now() - started) / 1000,
      }),
    };
  } catch (err) {
    return failedHere(ctx, err);
  }
};

/**
 * The join: every chunk is done (BullMQ runs a flow's parent only then). Joins them without
 * re-encoding the video, checks the result (frame count, timestamps, keyframes at every chunk
 * start, a clean decode) and only then renames it to the rendition's name.
 */
export const joinHandler: TaskHandler = async (ctx) => {
  const parsed = JoinTaskSchema.safeParse(ctx.data);
  if (!parsed.success || parsed.data.rungIds.length !== 1) return UNREADABLE;
  const task = parsed.data;
  const ranges = [...task.ranges].sort((a, b) => a.index - b.index);
  const contiguous = ranges.every(
    (r, i) => r.index === i && r.start === (i === 0 ? 0 : ranges[i - 1]!.end),
  );
  if (!contiguous)
    return { ok: false, error: 'The chunks of this job do not cover the title in order.' };
  let dir: string | null = null;
  try {
    const p = await plan(ctx, task);
    const { rung } = chunkedRung(p);
    const parent = runOfTask(ctx.taskId)!;
    dir = chunkDir(p, parent);
    const chunks = ranges.map((r) => chunkFile(dir!, r.index, rung.rung.container));
    const temp = p.derived.temps[0]!;
    const started = performance.now();
    ctx.progress({ fraction: 0, fps: null, speed: null });
    await joinChunks({
      ffmpeg: p.derived.binary,
      chunks,
      source: p.source,
      rung,
      output: temp,
      signal: ctx.signal,
    });
    const ffprobe = await ctx.toolchain.binaryFor('probe');
    const check = await verifyJoined({
      ffprobe,
      ffmpeg: p.derived.binary,
      file: temp,
      expectedFrames: ranges[ranges.length - 1]!.end,
      boundaries: ranges.map((r) => r.start),
      signal: ctx.signal,
    });
    if (!check.ok) {
      fs.rmSync(temp, { force: true });
      return {
        ok: false,
        error: `On worker ${ctx.worker}: the joined file failed its check, so it is not listed: ${check.problems.join('; ')}`,
      };
    }
    const done = Object.values(await ctx.childrenValues())
      .map((v) => ChunkDoneSchema.safeParse(v))
      .filter((v) => v.success)
      .map((v) => v.data);
    const chunkSeconds = done.reduce((sum, c) => sum + c.encodeSeconds, 0);
    const joinSeconds = (performance.now() - started) / 1000;
    fs.rmSync(dir, { recursive: true, force: true });
    const value: EncodeDone = {
      v: 1,
      worker: ctx.worker,
      binary: p.derived.binary,
      // What one process would run for the whole title: the command to copy and re-run.
      commands: withFinalOutputs(p.derived.commands, p.derived.temps, p.derived.finals),
      encodeSeconds: Math.round((chunkSeconds + joinSeconds) * 1000) / 1000,
      stderrTail: null,
      chunks: { count: ranges.length, workers: [...new Set(done.map((c) => c.worker))].sort() },
      outputs: await measureOutputs(task.rungIds, [temp]),
    };
    ctx.progress({ fraction: 1, fps: null, speed: null });
    return { ok: true, value };
  } catch (err) {
    return failedHere(ctx, err);
  }
};
