/**
 * Encoding as the API offers it: plan a ladder on a source (exact commands, skipped rungs), queue
 * it as a batch, re-run one rung. Everything that can be known before a job runs is checked here,
 * so a missing encoder or an unwritable folder fails the request instead of a job later.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { VqParsedArgs } from '../../../shared/api';
import { VqError } from '../../../shared/errors';
import type { Ladder } from '../../../shared/ladder';
import { PRESET_LADDERS } from '../../../shared/presets';
import type { Batch, EncodePlan, ExistingOutput, Job } from '../../../shared/queue';
import { dataLayout } from '../paths';
import type { JobQueue } from '../queue/jobQueue';
import type { JobStore, NewJob } from '../queue/jobStore';
import type { LadderRepo } from '../store/ladderRepo';
import type { LibraryRepo, StoredSource } from '../store/libraryRepo';
import type { ScoreService } from '../scoreService/scoreService';
import type { Toolchain } from '../toolchain';
import { jobCommands } from './jobCommands';
import { passLogDir, tempOutputPath } from './jobFiles';
import { deriveEncodeJob, planSourceOf, refuseUnreadable } from './deriveJob';
import { ensureWritableDir, freshBatchDir } from './outDir';
import {
  planBatch,
  planFindings,
  plannedJobs,
  sourceHdr,
  type BatchPlan,
  type PlannedGroup,
  type PlanSource,
} from './planBatch';

/** What the encode service needs. */
export interface EncodeServiceDeps {
  dataDir: string;
  library: LibraryRepo;
  ladders: LadderRepo;
  toolchain: Toolchain;
  store: JobStore;
  queue: JobQueue;
  /** Builds the score jobs of "score after encode". */
  scores: ScoreService;
  /** Where two-pass logs go (default: the OS temp folder). */
  tmpDir?: string;
  /** True when encodes go to the shared queue (VQ_REDIS_URL): only then can a title be chunked. */
  sharedQueue?: boolean;
}

type EncodeArgs = VqParsedArgs<'encode.start'>;

interface Resolved {
  source: StoredSource;
  planSource: PlanSource;
  ladder: Ladder;
  outDir: string;
  decodeOnce: boolean;
  plan: BatchPlan;
}

/** Plans and queues ladders. */
export class EncodeService {
  constructor(private readonly deps: EncodeServiceDeps) {}

  /** A preset or saved ladder by id. */
  ladderById(id: string): Ladder | null {
    return PRESET_LADDERS.find((p) => p.ladder.id === id)?.ladder ?? this.deps.ladders.get(id);
  }

  /** The default output folder of a ladder run on a source. */
  defaultOutDir(sourceId: string, ladderId: string): string {
    return path.join(dataLayout(this.deps.dataDir).renditions, sourceId, ladderId);
  }

  /** `encode.plan`. */
  async plan(args: EncodeArgs): Promise<EncodePlan> {
    const r = await this.resolve(args);
    return {
      sourceId: r.source.item.id,
      ladder: { id: r.ladder.id, name: r.ladder.name },
      outDir: r.outDir,
      decodeOnce: r.decodeOnce,
      rungs: r.plan.ladderPlan.rungs,
      skipped: r.plan.ladderPlan.skipped,
      jobs: plannedJobs(r.plan, r.planSource),
      scoreAfterEncode: args.scoreAfterEncode ? (args.scoreAfterEncode.options ?? {}) : null,
      existing: this.existingOutputs(r.plan.groups),
      newOutDir: freshBatchDir(r.outDir, r.ladder.id),
      findings: planFindings(
        r.plan,
        r.planSource,
        args.scoreAfterEncode ? (args.scoreAfterEncode.options ?? {}) : null,
      ),
    };
  }

  /**
   * `encode.start`: checks, then queues one batch. `chunkStarts` (not part of the API: a per-shot
   * encode's shots, core/target) splits the title at exactly those frames on the shared queue.
   */
  async start(
    args: EncodeArgs & { chunkStarts?: number[] },
  ): Promise<{ batch: Batch; jobs: Job[] }> {
    const r = await this.resolve(args);
    if (r.plan.groups.length === 0) {
      throw new VqError(
        'INVALID_ARGS',
        `Nothing to encode: every rung of "${r.ladder.name}" is larger than the source (${r.plan.ladderPlan.display.width}x${r.plan.ladderPlan.display.height}).`,
        'VQ Studio never upscales; pick a ladder with smaller rungs.',
      );
    }
    await ensureWritableDir(r.outDir);
    this.refuseBusyOutputs(r.plan.groups);
    if (!args.overwrite) this.refuseExistingOutputs(r);
    const after = args.scoreAfterEncode;
    const scoreBinary = after ? await this.deps.scores.checkScorable(after.options ?? {}) : null;
    const batch: Batch = {
      id: newId(),
      sourceId: r.source.item.id,
      ladder: r.ladder,
      outDir: r.outDir,
      decodeOnce: r.decodeOnce,
      createdAt: new Date().toISOString(),
      skipped: r.plan.ladderPlan.skipped,
      ...(args.chunkSeconds !== undefined ? { chunkSeconds: args.chunkSeconds } : {}),
      ...(args.chunkStarts ? { chunkStarts: args.chunkStarts } : {}),
    };
    const jobs = r.plan.groups.map((g) => this.newJob(batch.id, g, r.planSource));
    // Encodes first, then one score job per encode job (it runs once that job is done).
    if (after) {
      for (const j of [...jobs]) {
        jobs.push(
          this.deps.scores.afterEncodeJob(j, batch.sourceId, after.options ?? {}, scoreBinary),
        );
      }
    }
    return { batch, jobs: this.deps.queue.submit(batch, jobs) };
  }

  /**
   * `queue.rerunRung`: one rung of a batch again, as a new job. Planned by {@link deriveEncodeJob}
   * like every run, so a batch whose stored ladder or folder is not valid (an imported project)
   * is refused here with the reason.
   */
  async rerunRung(batchId: string, rungId: string): Promise<Job> {
    const batch = this.deps.store.getBatch(batchId);
    if (!batch) throw new VqError('NOT_FOUND', `No batch with id ${batchId}.`);
    const source = this.requireSource(batch.sourceId);
    const id = newId();
    const derived = deriveEncodeJob(
      batch,
      { id, rungIds: [rungId] },
      source,
      await this.deps.toolchain.report(),
      { tmpDir: this.deps.tmpDir },
    );
    await ensureWritableDir(batch.outDir);
    this.refuseBusyOutputs([{ outputs: derived.plan.outputs }]);
    return this.deps.queue.add({
      id,
      batchId: batch.id,
      kind: 'encode',
      rungIds: [rungId],
      plan: derived.plan,
      dependsOn: null,
      binary: derived.binary,
      commands: derived.commands,
    });
  }

  /**
   * The binary and commands a retry of this encode job will run, planned again now (the same
   * derivation the run uses); throws with the reason when the job's stored data is not valid.
   */
  async retryCommands(job: Job): Promise<{ binary: string; commands: string[][] }> {
    const batch = this.deps.store.getBatch(job.batchId);
    if (!batch) throw new VqError('NOT_FOUND', `The batch of job ${job.id} no longer exists.`);
    const source = this.requireSource(batch.sourceId);
    const { binary, commands } = deriveEncodeJob(
      batch,
      job,
      source,
      await this.deps.toolchain.report(),
      { tmpDir: this.deps.tmpDir },
    );
    return { binary, commands };
  }

  private async resolve(args: EncodeArgs & { chunkStarts?: number[] }): Promise<Resolved> {
    const source = this.requireSource(args.sourceId);
    let ladder: Ladder;
    if (args.ladderId !== undefined) {
      const found = this.ladderById(args.ladderId);
      if (!found) {
        throw new VqError(
          'NOT_FOUND',
          `No ladder with id "${args.ladderId}".`,
          `Presets: ${PRESET_LADDERS.map((p) => p.ladder.id).join(', ')}; see \`vq ladders\` for saved ones.`,
        );
      }
      ladder = found;
    } else {
      ladder = args.ladder!;
    }
    // The HDR choice of this encode is kept with the batch's copy of the ladder — for an HDR
    // source always, the default too — so every run and retry re-derives the same commands (and
    // a batch of an HDR source without it predates HDR handling: see deriveEncodeJob).
    const planSource = planSourceOf(source);
    if (args.hdr !== undefined || sourceHdr(planSource) !== null)
      ladder = { ...ladder, hdr: args.hdr ?? ladder.hdr ?? 'keep' };
    const outDir = path.resolve(args.outDir ?? this.defaultOutDir(source.item.id, ladder.id));
    const chunked = args.chunkSeconds !== undefined || args.chunkStarts !== undefined;
    if (chunked && !this.deps.sharedQueue) {
      throw new VqError(
        'INVALID_ARGS',
        'Encoding in chunks splits a title across the machines of the shared queue, and none is set up.',
        'Set VQ_REDIS_URL to a Redis and start `vq worker` on each machine, or encode without chunks.',
      );
    }
    // A chunked title runs one rung per job: each job is split into its own chunks.
    const decodeOnce = chunked ? false : (args.decodeOnce ?? true);
    const plan = planBatch(
      planSource,
      ladder,
      { decodeOnce, outDir },
      await this.deps.toolchain.report(),
    );
    return { source, planSource, ladder, outDir, decodeOnce, plan };
  }

  private requireSource(id: string): StoredSource {
    const s = this.deps.library.get(id);
    if (!s)
      throw new VqError(
        'UNKNOWN_ITEM',
        `No library item with id ${id}.`,
        'It may have been removed; refresh the library.',
      );
    refuseUnreadable(s);
    return s;
  }

  /** Two jobs writing one file would race for the rename; the second request is refused. */
  private refuseBusyOutputs(groups: Pick<PlannedGroup, 'outputs'>[]): void {
    const busy = new Map<string, Job>();
    for (const j of this.deps.store.listJobs({ statuses: ['queued', 'running'] })) {
      if (j.plan.kind === 'encode') for (const o of j.plan.outputs) busy.set(o.path, j);
    }
    for (const g of groups) {
      for (const o of g.outputs) {
        const j = busy.get(o.path);
        if (j) {
          throw new VqError(
            'INVALID_ARGS',
            `${o.path} is already being encoded by job ${j.id} (${j.status}).`,
            'Wait for it, cancel it, or choose another output folder.',
          );
        }
      }
    }
  }

  /** Output files of the plan already on disk, with the rendition and scores at each. */
  private existingOutputs(groups: Pick<PlannedGroup, 'outputs'>[]): ExistingOutput[] {
    return groups.flatMap((g) =>
      g.outputs
        .filter((o) => fs.existsSync(o.path))
        .map((o) => ({
          rungId: o.rungId,
          path: o.path,
          fileName: path.basename(o.path),
          ...this.deps.scores.scoresOfFile(o.path),
        })),
    );
  }

  /**
   * Nothing is overwritten silently: OUTPUT_EXISTS naming every output file already there (and
   * whether scores measured it) unless the request says `overwrite`.
   */
  private refuseExistingOutputs(r: Resolved): void {
    const existing = this.existingOutputs(r.plan.groups);
    if (existing.length === 0) return;
    const scored = existing.filter((e) => e.scores > 0).length;
    const SHOWN = 8;
    const note = (e: ExistingOutput): string =>
      e.scores ? ` (scored ${e.scores}×)` : e.renditionId ? '' : ' (not in the library)';
    const names = existing.slice(0, SHOWN).map((e) => `${e.fileName}${note(e)}`);
    if (existing.length > SHOWN) names.push(`and ${existing.length - SHOWN} more`);
    const n = existing.length;
    throw new VqError(
      'OUTPUT_EXISTS',
      `${n} output file${n === 1 ? '' : 's'} of "${r.ladder.name}" already exist${n === 1 ? 's' : ''} in ${r.outDir}: ${names.join(', ')}. ` +
        `Encoding would replace ${n === 1 ? 'it' : 'them'}${scored ? `, and the scores of ${scored} would no longer describe the file` : ''}.`,
      `Encode into a new folder (for example ${freshBatchDir(r.outDir, r.ladder.id)}), or confirm that they are to be replaced (overwrite).`,
    );
  }

  private newJob(batchId: string, g: PlannedGroup, source: PlanSource): NewJob {
    const id = newId();
    const temps = g.outputs.map((o) => tempOutputPath(o.path, o.rungId, id));
    return {
      id,
      batchId,
      kind: 'encode',
      rungIds: g.rungs.map((r) => r.rung.id),
      plan: { kind: 'encode', rungs: g.rungs, outputs: g.outputs, twoPass: g.twoPass },
      dependsOn: null,
      binary: g.binary,
      commands: jobCommands(g.binary, source, g.rungs, temps, passLogDir(id, this.deps.tmpDir)),
    };
  }
}

function newId(): string {
  return randomBytes(8).toString('hex');
}
