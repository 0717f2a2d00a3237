/**
 * The one place an encode job's ffmpeg commands come from once it is queued: run, retry and
 * "encode rung again" all call {@link deriveEncodeJob}, so the command shown is the command run.
 *
 * Untrusted data is re-derived, never replayed. A batch and its jobs may come from an imported
 * project file, so nothing stored is used as given: the batch's ladder is parsed again with the
 * strict {@link LadderSchema} (a rung's width is a number, not a filter string), the job's rungs
 * are picked from it by id and planned again against the source's current media, and every
 * output path is built as `finalOutputPath(batch.outDir, rung)` inside an output folder that must
 * be an absolute, normalised path. A job's stored plan and commands are history, shown only.
 */
import path from 'node:path';
import { VqError } from '../../../shared/errors';
import { LadderSchema, ladderProblems, type Ladder, type Rung } from '../../../shared/ladder';
import type { Batch, EncodeJobPlan, Job, JobOutput } from '../../../shared/queue';
import type { ToolchainReport } from '../../../shared/toolchain';
import type { StoredSource } from '../store/libraryRepo';
import { jobCommands } from './jobCommands';
import { finalOutputPath, passLogDir, tempOutputPath } from './jobFiles';
import { planBatch, sourceHdr, type PlanSource } from './planBatch';

/** Everything one run of an encode job needs, derived from validated data only. */
export interface DerivedEncodeJob {
  plan: EncodeJobPlan;
  binary: string;
  /** Argument arrays, binary first, one per pass, writing the temporary outputs. */
  commands: string[][];
  /** Final output paths, aligned with `plan.rungs`. */
  finals: string[];
  /** Temporary output paths ffmpeg writes, aligned with `plan.rungs`. */
  temps: string[];
  /** The folder for two-pass logs. */
  passDir: string;
}

/** Where a fix is made: the batch's ladder is encoded again from the Ladders view. */
const INVALID_BATCH_HINT = 'It may come from an imported project. Encode the ladder again from Ladders.';

/**
 * The batch's output folder when it is an absolute, normalised path (no `..`, no NUL), else
 * INVALID_ARGS. Outputs are built inside it, so this is what keeps writes where the batch says.
 */
export function checkedOutDir(outDir: unknown): string {
  const ok =
    typeof outDir === 'string' &&
    outDir.length > 0 &&
    !outDir.includes('\0') &&
    path.isAbsolute(outDir) &&
    path.resolve(outDir) === outDir;
  if (!ok) {
    throw new VqError('INVALID_ARGS', `This batch's output folder ${JSON.stringify(outDir)} is not an absolute, normalised path.`, INVALID_BATCH_HINT);
  }
  return outDir;
}

/** The batch's ladder parsed with today's strict schema, else INVALID_ARGS naming the fields. */
export function checkedLadder(batch: Pick<Batch, 'id' | 'ladder'>): Ladder {
  if (batch.ladder === null) throw new VqError('INVALID_ARGS', `Batch ${batch.id} is a scoring batch; it has no rungs to encode.`);
  const parsed = LadderSchema.safeParse(batch.ladder);
  if (!parsed.success) {
    throw new VqError('INVALID_ARGS', `This batch's ladder is not valid: ${ladderProblems(batch.ladder).slice(0, 4).join('; ')}.`, INVALID_BATCH_HINT);
  }
  return parsed.data;
}

/** The rungs of the ladder with these ids, in the order given; INVALID_ARGS for an unknown id. */
export function pickRungs(ladder: Ladder, rungIds: readonly string[]): Rung[] {
  if (rungIds.length === 0) throw new VqError('INVALID_ARGS', 'This job names no rung to encode.');
  if (new Set(rungIds).size !== rungIds.length) throw new VqError('INVALID_ARGS', 'This job names a rung twice.');
  return rungIds.map((id) => {
    const rung = ladder.rungs.find((r) => r.id === id);
    if (!rung) throw new VqError('NOT_FOUND', `The batch's ladder "${ladder.name}" has no rung ${JSON.stringify(id)}.`);
    return rung;
  });
}

/**
 * The final outputs of a job, from the batch alone (no toolchain, no source): what cleaning up
 * after a job may touch. Null when the batch's ladder or folder is not valid (nothing to touch).
 */
export function encodeJobOutputs(batch: Batch, rungIds: readonly string[]): JobOutput[] | null {
  try {
    const outDir = checkedOutDir(batch.outDir);
    return pickRungs(checkedLadder(batch), rungIds).map((r) => ({ rungId: r.id, path: finalOutputPath(outDir, r) }));
  } catch (err) {
    if (err instanceof VqError) return null;
    throw err;
  }
}

/** INVALID_ARGS for a source that may not be read (imported, and not a video file here). */
export function refuseUnreadable(source: StoredSource): void {
  if (source.refused) {
    throw new VqError('INVALID_ARGS', `${source.item.fileName} cannot be read: ${source.refused}`, 'Import the file again from the library (Add files) once it is on this machine.');
  }
}

/**
 * Every batch of an HDR source queued since HDR is kept records its choice (keep or tone-map) in
 * its ladder (encodeService). One without it was queued before: its renditions were flattened to
 * 8-bit SDR-tagged video, which is no longer done, and guessing a choice would make its rungs
 * differ from those already encoded. So running, retrying or re-running such a batch is refused
 * with what to do instead.
 */
function refusePreHdrBatch(ladder: Ladder, source: PlanSource): void {
  const hdr = sourceHdr(source);
  if (ladder.hdr !== undefined || hdr === null) return;
  throw new VqError(
    'INVALID_ARGS',
    `This batch was queued before VQ Studio kept HDR: its source is HDR (${hdr === 'pq' ? 'PQ' : 'HLG'}) and its renditions were flattened to 8-bit SDR-tagged video, which VQ Studio no longer does.`,
    `Encode the ladder "${ladder.name}" again from Ladders and choose Keep HDR or Tone-map to SDR.`,
  );
}

/** What planning reads of a library source. */
export function planSourceOf(s: StoredSource): PlanSource {
  return { path: s.item.path, media: s.item.media, raw: s.raw };
}

/**
 * Plans one encode job again from validated data: the batch's ladder (strict), the job's rung ids,
 * the source's current media and this machine's toolchain. Throws a VqError with the reason
 * (INVALID_ARGS for bad stored data or a rung the source is too small for, UNSUPPORTED for a
 * missing encoder); a caller turns it into a failed job or a refused request.
 */
export function deriveEncodeJob(
  batch: Batch,
  job: Pick<Job, 'id' | 'rungIds'>,
  source: StoredSource,
  report: ToolchainReport,
  opts: { tmpDir?: string; threads?: number } = {},
): DerivedEncodeJob {
  refuseUnreadable(source);
  return deriveFromPlanSource(batch, job, planSourceOf(source), report, opts);
}

/**
 * {@link deriveEncodeJob} for a source this process probed itself (a `vq worker`, which has no
 * library): the same checks and plan from the batch's ladder, folder and rung ids.
 */
export function deriveFromPlanSource(
  batch: Pick<Batch, 'id' | 'ladder' | 'outDir'>,
  job: Pick<Job, 'id' | 'rungIds'>,
  planSource: PlanSource,
  report: ToolchainReport,
  opts: { tmpDir?: string; threads?: number } = {},
): DerivedEncodeJob {
  const outDir = checkedOutDir(batch.outDir);
  const ladder = checkedLadder(batch);
  const rungs = pickRungs(ladder, job.rungIds);
  refusePreHdrBatch(ladder, planSource);
  const { ladderPlan, groups } = planBatch(planSource, { ...ladder, rungs }, { decodeOnce: true, outDir }, report);
  const skipped = ladderPlan.skipped[0];
  if (skipped) throw new VqError('INVALID_ARGS', `Rung ${skipped.rungId} is skipped for this source: ${skipped.reason}.`);
  const group = groups[0];
  if (!group || groups.length !== 1 || group.rungs.length !== rungs.length) {
    throw new VqError(
      'INVALID_ARGS',
      `The rungs of this job (${job.rungIds.join(', ')}) can no longer run in one ffmpeg process on this machine.`,
      'Encode them again from the ladder (Re-run each rung).',
    );
  }
  const finals = group.outputs.map((o) => o.path);
  const temps = group.outputs.map((o) => tempOutputPath(o.path, o.rungId, job.id));
  const passDir = passLogDir(job.id, opts.tmpDir);
  return {
    plan: { kind: 'encode', rungs: group.rungs, outputs: group.outputs, twoPass: group.twoPass },
    binary: group.binary,
    commands: jobCommands(group.binary, planSource, group.rungs, temps, passDir, opts.threads),
    finals,
    temps,
    passDir,
  };
}
