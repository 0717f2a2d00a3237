/**
 * Scoring as the API offers it: plan a run (pre-flight findings, exact command) without running
 * it, queue it as a score job, read, delete and export stored results, and build the score job
 * that follows an encode job ("score after encode"). Everything knowable before the job runs is
 * checked here, so a blocked pair or a missing libvmaf fails the request, not a job later.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import type { VqParsedArgs } from '../../../shared/api';
import { VqError } from '../../../shared/errors';
import { parseScoreJobPlan, type Batch, type Job } from '../../../shared/queue';
import { DEFAULT_SCORE_METRICS, type ScoreOptions } from '../../../shared/score';
import type {
  ScoreExport,
  ScorePlanView,
  ScoreResultDetail,
  ScoreResultSummary,
} from '../../../shared/scoreResults';
import type { EventHub } from '../events';
import { dataLayout, scoreLogDir } from '../paths';
import {
  computesAny,
  metricsFor,
  nothingToCompute,
  planScoreProcesses,
  scoreBinary,
  type ScorePlan,
} from '../scoreEngine';
import type { JobQueue } from '../queue/jobQueue';
import type { NewJob } from '../queue/jobStore';
import type { LibraryRepo } from '../store/libraryRepo';
import type { RenditionRepo } from '../store/renditionRepo';
import type { ScoreRepo, StoredScoreResult } from '../store/scoreRepo';
import type { Toolchain } from '../toolchain';
import {
  resolveReference,
  resolveTarget,
  scoreRequest,
  type ResolvedReference,
  type ResolvedTarget,
} from './scoreTargets';
import { deriveScoreJob, invalidScorePlanMessage } from './deriveScoreJob';
import { blockedError, exportScores, planView, resultDetail } from './scoreViews';

/** What the score service needs. */
export interface ScoreServiceDeps {
  dataDir: string;
  library: LibraryRepo;
  renditions: RenditionRepo;
  scores: ScoreRepo;
  toolchain: Toolchain;
  events: EventHub;
  queue: JobQueue;
}

type StartArgs = VqParsedArgs<'score.start'>;

interface Planned {
  jobId: string;
  ref: ResolvedReference;
  targets: ResolvedTarget[];
  plan: ScorePlan;
}

/** Plans, queues and reads scores. */
export class ScoreService {
  constructor(private readonly deps: ScoreServiceDeps) {}

  /** `score.plan`. */
  async plan(args: StartArgs): Promise<ScorePlanView> {
    const p = await this.planned(args);
    return planView(p.ref, p.targets, p.plan);
  }

  /** `score.start`: refuses a blocked plan with its findings, else queues one score job. */
  async start(args: StartArgs): Promise<{ job: Job }> {
    const p = await this.planned(args);
    if (p.plan.blocked)
      throw blockedError(
        p.plan,
        p.targets.map((t) => t.scored.label),
      );
    const batch: Batch = {
      id: newId(),
      sourceId: p.ref.item.id,
      ladder: null,
      outDir: scoreLogDir(this.deps.dataDir, p.jobId),
      decodeOnce: true,
      createdAt: new Date().toISOString(),
      skipped: [],
    };
    const job: NewJob = {
      id: p.jobId,
      batchId: batch.id,
      kind: 'score',
      rungIds: p.targets.map((t) => t.scored.label),
      plan: {
        kind: 'score',
        referenceId: p.ref.item.id,
        targets: args.distorted,
        fromJob: null,
        options: args.options ?? {},
        fixes: args.distorted.map((_, i) => args.fixes?.[i] ?? []),
      },
      dependsOn: null,
      binary: p.plan.binary.path,
      commands: [p.plan.command],
    };
    const [added] = this.deps.queue.submit(batch, [job]);
    return { job: added! };
  }

  /**
   * Checks that a "score after encode" can measure anything on this machine (libvmaf, psnr and
   * ssim filters) before the encode is queued; returns the scoring binary.
   */
  async checkScorable(options: ScoreOptions): Promise<string> {
    const binary = scoreBinary(await this.deps.toolchain.report());
    const { computed, unavailable } = metricsFor(options.metrics ?? DEFAULT_SCORE_METRICS, binary);
    if (!computesAny(computed)) throw nothingToCompute(unavailable);
    return binary.path;
  }

  /** The score job that scores the renditions of `encodeJob` against the source, after it. */
  afterEncodeJob(
    encodeJob: Pick<NewJob, 'id' | 'batchId' | 'rungIds'>,
    sourceId: string,
    options: ScoreOptions,
    binary: string | null,
  ): NewJob {
    return {
      id: newId(),
      batchId: encodeJob.batchId,
      kind: 'score',
      rungIds: [...encodeJob.rungIds],
      plan: {
        kind: 'score',
        referenceId: sourceId,
        targets: [],
        fromJob: encodeJob.id,
        options,
        fixes: [],
      },
      dependsOn: encodeJob.id,
      binary,
      commands: [],
    };
  }

  /**
   * The binary and commands a retry of this score job will run, planned again now by the same
   * derivation as the run; throws with the reason when the stored plan is not valid. A job that
   * scores what its encode job makes keeps its current commands until that job is done.
   */
  async retryCommands(job: Job): Promise<{ binary: string | null; commands: string[][] }> {
    const checked = parseScoreJobPlan(job.plan);
    if (!checked.plan) {
      throw new VqError(
        'INVALID_ARGS',
        invalidScorePlanMessage(checked.problems),
        'It may come from an imported project; score the renditions again from Compare.',
      );
    }
    if (
      checked.plan.fromJob &&
      this.deps.renditions.list({ jobId: checked.plan.fromJob }).length === 0
    ) {
      return { binary: job.binary, commands: [] };
    }
    const { binary, commands } = await deriveScoreJob(job, this.deps);
    return { binary, commands };
  }

  /**
   * The library's rendition at a file path and how many stored scores measured it: what an encode
   * writing that path would make stale.
   */
  scoresOfFile(file: string): { renditionId: string | null; scores: number } {
    const rendition = this.deps.renditions.atPath(file);
    if (!rendition) return { renditionId: null, scores: 0 };
    return {
      renditionId: rendition.id,
      scores: this.deps.scores.countByTarget({ kind: 'rendition', id: rendition.id }),
    };
  }

  /** `scores.list`: the newest result of each target, each judged fresh or stale. */
  list(sourceId: string): { results: ScoreResultSummary[]; seq: number } {
    // Read seq first: an event emitted after this point is newer than the snapshot.
    const seq = this.deps.events.seq;
    return { results: this.deps.scores.currentByReference(sourceId), seq };
  }

  /** `scores.get`: with libvmaf's elementary features only when asked (they are large). */
  get(resultId: string, opts: { features?: boolean } = {}): ScoreResultDetail {
    return resultDetail(this.requireResult(resultId, opts.features ?? false));
  }

  /** `scores.delete`: the result, and the job's logs once no result of its run is left. */
  async delete(resultId: string): Promise<{ id: string }> {
    const removed = this.deps.scores.remove(resultId);
    if (!removed) throw unknownResult(resultId);
    if (removed.runRemoved && removed.jobId) {
      await fs.rm(scoreLogDir(this.deps.dataDir, removed.jobId), { recursive: true, force: true });
    }
    this.deps.events.emit({ type: 'score.removed', id: resultId });
    return { id: resultId };
  }

  /** `scores.export`. */
  export(resultIds: readonly string[], format: 'csv' | 'json'): ScoreExport {
    return exportScores(
      resultIds.map((id) => this.requireResult(id)),
      format,
    );
  }

  private requireResult(id: string, features = true): StoredScoreResult {
    const found = this.deps.scores.get(id, { features });
    if (!found) throw unknownResult(id);
    return found;
  }

  private async planned(args: StartArgs): Promise<Planned> {
    const repos = { library: this.deps.library, renditions: this.deps.renditions };
    const ref = resolveReference(repos, args.referenceId);
    const targets = args.distorted.map((t) => resolveTarget(repos, t));
    // The job id is chosen now so the planned command names the job's own log folder.
    const jobId = newId();
    // planScoreProcesses adds the note when this build scores each video in its own process.
    const { plan } = await planScoreProcesses(
      scoreRequest(ref, targets, args.options ?? {}, args.fixes ?? []),
      {
        toolchain: this.deps.toolchain,
        logDir: scoreLogDir(this.deps.dataDir, jobId),
        cacheDir: dataLayout(this.deps.dataDir).cache,
      },
    );
    return { jobId, ref, targets, plan };
  }
}

function unknownResult(id: string): VqError {
  return new VqError('NOT_FOUND', `No stored score with id ${id}.`, 'It may have been deleted.');
}

function newId(): string {
  return randomBytes(8).toString('hex');
}
