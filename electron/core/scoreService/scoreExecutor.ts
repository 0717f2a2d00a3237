/**
 * Runs score jobs: looks up the reference and targets (for "score after encode", the renditions
 * its encode job made), plans again (files may have changed since the job was queued), runs the
 * one ffmpeg process with progress and cancel, stores every result and announces it. The logs
 * stay in the job's folder beside the stored results; a failed or canceled run leaves nothing.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { toApiError } from '../../../shared/errors';
import type { Job } from '../../../shared/queue';
import type { ScoreRunResult } from '../../../shared/score';
import type { ScoreResultSummary } from '../../../shared/scoreResults';
import type { EventHub } from '../events';
import type { JobExecutor, JobOutcome, JobRunContext } from '../queue/jobQueue';
import { executeScorePlans } from '../scoreEngine';
import type { LibraryRepo } from '../store/libraryRepo';
import type { RenditionRepo } from '../store/renditionRepo';
import type { ScoreRepo } from '../store/scoreRepo';
import type { Toolchain } from '../toolchain';
import { deriveScoreJob } from './deriveScoreJob';
import { fileIdentities, type FileIdentity } from '../media/fileIdentity';
import type { ResolvedReference, ResolvedTarget } from './scoreTargets';
import { scoreLogDir } from '../paths';

/** What the executor needs. */
export interface ScoreExecutorDeps {
  dataDir: string;
  library: LibraryRepo;
  renditions: RenditionRepo;
  scores: ScoreRepo;
  toolchain: Toolchain;
  events: EventHub;
}

/** The {@link JobExecutor} for score jobs. */
export class ScoreExecutor implements JobExecutor {
  constructor(private readonly deps: ScoreExecutorDeps) {}

  async run(job: Job, ctx: JobRunContext): Promise<JobOutcome> {
    if (job.plan.kind !== 'score') return failed(`Job ${job.id} is not a score job.`);
    const logDir = scoreLogDir(this.deps.dataDir, job.id);
    // A retry starts clean: logs of an earlier attempt must not be read as this run's.
    fs.rmSync(logDir, { recursive: true, force: true });
    let seconds: number | null = null;
    try {
      // Planned again from the strictly parsed plan: a stored plan may come from an imported project.
      const { ref, targets, processes, binary, commands } = await deriveScoreJob(
        job,
        this.deps,
        ctx.signal,
      );
      ctx.commandsChosen(binary, commands);
      // The files as they are when measured: a score is stale once they change (scoreFreshness.ts).
      const referenceIdentity = fileIdentities.of(ref.item.path);
      const identities = targets.map((t) => fileIdentities.of(t.scored.path));
      const run = await executeScorePlans(processes, {
        signal: ctx.signal,
        onProgress: (p) => ctx.progress(p),
        onSpawn: (pid) => ctx.processStarted(pid),
      });
      seconds = Math.round(run.durationMs) / 1000;
      storeScoreRun(this.deps, { job, ref, targets, run, referenceIdentity, identities });
      return { status: 'done', stderrTail: null, encodeSeconds: seconds };
    } catch (err) {
      fs.rmSync(logDir, { recursive: true, force: true });
      const e = toApiError(err);
      if (ctx.signal.aborted || e.code === 'CANCELED') {
        return { status: 'canceled', error: 'Canceled.', stderrTail: null, encodeSeconds: seconds };
      }
      return failed(e.hint ? `${e.message} ${e.hint}` : e.message, seconds);
    }
  }

  removeLeftovers(job: Job): void {
    fs.rmSync(scoreLogDir(this.deps.dataDir, job.id), { recursive: true, force: true });
  }
}

/** A finished run of a score job, with the files as they were when it was measured. */
export interface FinishedScoreRun {
  job: Job;
  ref: ResolvedReference;
  /** The job's targets, in the order of `run.results`. */
  targets: readonly ResolvedTarget[];
  run: ScoreRunResult;
  referenceIdentity: FileIdentity | null;
  identities: readonly (FileIdentity | null)[];
}

/**
 * Stores a score job's run and its results in one transaction and announces each result
 * (`score.added`): the one way a score job's results are kept, whether the run was here or on a
 * worker of the shared queue.
 */
export function storeScoreRun(
  deps: Pick<ScoreExecutorDeps, 'scores' | 'events'>,
  finished: FinishedScoreRun,
): ScoreResultSummary[] {
  const { job, ref, targets, run, referenceIdentity, identities } = finished;
  const createdAt = new Date().toISOString();
  const summaries = deps.scores.insertRun(
    {
      id: newId(),
      jobId: job.id,
      referenceId: ref.item.id,
      referencePath: run.reference,
      command: run.command,
      ffmpeg: run.ffmpeg,
      model: run.model,
      startedAt: run.startedAt,
      durationMs: run.durationMs,
      referenceIdentity,
    },
    run.results.map((score, i) => ({
      id: newId(),
      scored: targets[i]!.scored,
      score,
      createdAt,
      identity: identities[i] ?? null,
    })),
  );
  for (const result of summaries) deps.events.emit({ type: 'score.added', result });
  return summaries;
}

function failed(error: string, encodeSeconds: number | null = null): JobOutcome {
  return { status: 'failed', error, stderrTail: null, encodeSeconds };
}

function newId(): string {
  return randomBytes(8).toString('hex');
}
