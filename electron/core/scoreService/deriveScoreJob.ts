/**
 * The one place a score job's ffmpeg commands come from once it is queued: the run and a retry
 * both call {@link deriveScoreJob}, so the command shown after Retry is the command run. The
 * stored plan may come from an imported project, so it is parsed strictly first (options through
 * ScoreOptionsSchema, fixes through the FixId enum); references and targets are looked up again
 * and the whole run is planned again from the files as they are now.
 */
import { VqError } from '../../../shared/errors';
import { parseScoreJobPlan, type Job, type ScoreJobPlan } from '../../../shared/queue';
import { planScoreProcesses, type ScorePlan } from '../scoreEngine';
import type { LibraryRepo } from '../store/libraryRepo';
import type { RenditionRepo } from '../store/renditionRepo';
import type { Toolchain } from '../toolchain';
import { dataLayout, scoreLogDir } from '../paths';
import {
  resolveReference,
  resolveTarget,
  scoreRequest,
  type ResolvedReference,
  type ResolvedTarget,
} from './scoreTargets';
import { blockedError } from './scoreViews';

/** What deriving a score job reads. */
export interface DeriveScoreDeps {
  dataDir: string;
  library: LibraryRepo;
  renditions: RenditionRepo;
  toolchain: Toolchain;
}

/** A score job planned again from validated data. */
export interface DerivedScoreJob {
  plan: ScoreJobPlan;
  ref: ResolvedReference;
  targets: ResolvedTarget[];
  scorePlan: ScorePlan;
  /** One plan per ffmpeg process (several only where a build needs one process per video). */
  processes: ScorePlan[];
  binary: string;
  commands: string[][];
}

/** Why a stored score plan is refused, with what to do. */
export function invalidScorePlanMessage(problems: readonly string[]): string {
  return `This score job's plan is not valid: ${problems.slice(0, 4).join('; ')}.`;
}

/**
 * Plans a score job again. Throws a VqError with the reason: INVALID_ARGS for a stored plan that
 * does not pass the strict schema or a blocked pair, UNKNOWN_ITEM / NOT_FOUND for a gone item.
 */
export async function deriveScoreJob(
  job: Job,
  deps: DeriveScoreDeps,
  signal?: AbortSignal,
): Promise<DerivedScoreJob> {
  const checked = parseScoreJobPlan(job.plan);
  if (!checked.plan) {
    throw new VqError(
      'INVALID_ARGS',
      invalidScorePlanMessage(checked.problems),
      'It may come from an imported project; score the renditions again from Compare.',
    );
  }
  const plan = checked.plan;
  const repos = { library: deps.library, renditions: deps.renditions };
  const ref = resolveReference(repos, plan.referenceId);
  const targets = targetsOf(job, plan, repos);
  const fixes = plan.fromJob ? [] : plan.fixes;
  const { plan: scorePlan, processes } = await planScoreProcesses(
    scoreRequest(ref, targets, plan.options, fixes),
    {
      toolchain: deps.toolchain,
      logDir: scoreLogDir(deps.dataDir, job.id),
      cacheDir: dataLayout(deps.dataDir).cache,
    },
    signal,
  );
  if (scorePlan.blocked) {
    throw blockedError(
      scorePlan,
      targets.map((t) => t.scored.label),
    );
  }
  return {
    plan,
    ref,
    targets,
    scorePlan,
    processes,
    binary: scorePlan.binary.path,
    commands: processes.map((p) => p.command),
  };
}

/** The job's targets; after an encode, the renditions that job made, in rung order. */
export function targetsOf(
  job: Job,
  plan: ScoreJobPlan,
  repos: { library: LibraryRepo; renditions: RenditionRepo },
): ResolvedTarget[] {
  if (!plan.fromJob) return plan.targets.map((t) => resolveTarget(repos, t));
  const made = repos.renditions.list({ jobId: plan.fromJob });
  if (made.length === 0) {
    throw new VqError('NOT_FOUND', `Encode job ${plan.fromJob} left no rendition to score.`);
  }
  const order = (rungId: string): number => {
    const i = job.rungIds.indexOf(rungId);
    return i < 0 ? Number.MAX_SAFE_INTEGER : i;
  };
  return made
    .sort((a, b) => order(a.rungId) - order(b.rungId))
    .map((r) => resolveTarget(repos, { kind: 'rendition', id: r.id }));
}
