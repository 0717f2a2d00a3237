/**
 * Numbers the Queue view shows, computed from jobs and their live progress: per-job and per-batch
 * progress (weighted by rungs, since one decode-once job may carry several), batch ETA, and the
 * short texts for percent, speed and time left.
 */
import type { ConcurrencyInfo, Job, JobProgress } from '../../../../shared/queue';

/** Progress of one job: 1 when finished, the live fraction while running (null: unknown yet). */
export function jobFraction(
  job: Pick<Job, 'status'>,
  progress: JobProgress | undefined,
): number | null {
  switch (job.status) {
    case 'done':
      return 1;
    case 'running':
      return progress?.fraction ?? null;
    case 'queued':
      return 0;
    default:
      return null;
  }
}

/** Rungs a job carries (at least 1). */
function weight(job: Pick<Job, 'rungIds'>): number {
  return Math.max(1, job.rungIds.length);
}

/** Counts of a batch's renditions (rungs) by job outcome. */
export interface RungTally {
  total: number;
  done: number;
  failed: number;
  canceled: number;
  running: number;
  queued: number;
}

/** Rungs by the status of the job that carries them (interrupted counts as failed). */
export function rungTally(jobs: readonly Pick<Job, 'status' | 'rungIds'>[]): RungTally {
  const t: RungTally = { total: 0, done: 0, failed: 0, canceled: 0, running: 0, queued: 0 };
  for (const j of jobs) {
    const w = weight(j);
    t.total += w;
    if (j.status === 'done') t.done += w;
    else if (j.status === 'failed' || j.status === 'interrupted') t.failed += w;
    else if (j.status === 'canceled') t.canceled += w;
    else if (j.status === 'running') t.running += w;
    else t.queued += w;
  }
  return t;
}

/**
 * Overall progress of a batch, 0..1: finished jobs count whole, running ones by their fraction,
 * canceled ones not at all (they will not be encoded). null when every job was canceled.
 */
export function batchFraction(
  jobs: readonly Pick<Job, 'id' | 'status' | 'rungIds'>[],
  progress: Readonly<Record<string, JobProgress>>,
): number | null {
  let total = 0;
  let reached = 0;
  for (const j of jobs) {
    if (j.status === 'canceled') continue;
    const w = weight(j);
    total += w;
    if (j.status === 'running') reached += w * (progress[j.id]?.fraction ?? 0);
    else if (j.status !== 'queued') reached += w;
  }
  return total === 0 ? null : reached / total;
}

/** A batch's progress: its encodes and its scores apart, and both together (weighted by videos). */
export interface BatchProgress {
  /** What the batch's bar and percent show: every encode and score job, by the videos each carries. */
  overall: number | null;
  /** The encode jobs alone; null when there are none (a batch of score jobs) or all were canceled. */
  encodes: number | null;
  /** The score jobs alone; null when there are none or all were canceled. */
  scores: number | null;
}

/**
 * The progress of a batch with its parts, so the batch's percent can be read against its jobs': a
 * ladder with "score after encode" is half done when its encodes are, and says so.
 */
export function batchProgress(
  jobs: readonly Pick<Job, 'id' | 'status' | 'rungIds' | 'kind'>[],
  progress: Readonly<Record<string, JobProgress>>,
): BatchProgress {
  const encodeJobs = jobs.filter((j) => j.kind !== 'score');
  const scoreJobs = jobs.filter((j) => j.kind === 'score');
  return {
    overall: batchFraction(jobs, progress),
    encodes: encodeJobs.length ? batchFraction(encodeJobs, progress) : null,
    scores: scoreJobs.length ? batchFraction(scoreJobs, progress) : null,
  };
}

/** How a finished batch ended, in a word and a tone. */
export interface BatchOutcome {
  label: string;
  tone: 'ok' | 'warn' | 'danger' | 'muted';
}

/**
 * How a batch ended; null while a job is queued or running. "Finished" (green) only when nothing
 * was canceled or failed: a ladder whose encodes were done but whose scores were canceled says so.
 */
export function batchOutcome(jobs: readonly Pick<Job, 'status' | 'kind'>[]): BatchOutcome | null {
  if (jobs.some((j) => j.status === 'queued' || j.status === 'running')) return null;
  const failed = jobs.filter((j) => j.status === 'failed' || j.status === 'interrupted').length;
  const done = jobs.some((j) => j.status === 'done');
  if (!done && failed === 0) return { label: 'Canceled', tone: 'muted' };
  if (failed > 0) return { label: `Finished, ${failed} failed`, tone: 'danger' };
  const canceled = (kind: 'encode' | 'score'): boolean =>
    jobs.some((j) => j.status === 'canceled' && (j.kind === 'score') === (kind === 'score'));
  const hasEncodes = jobs.some((j) => j.kind !== 'score');
  if (canceled('encode') && canceled('score'))
    return { label: 'Finished, some encodes and scores canceled', tone: 'warn' };
  if (canceled('encode')) return { label: 'Finished, some encodes canceled', tone: 'warn' };
  if (canceled('score'))
    return {
      label: hasEncodes ? 'Finished, scores canceled' : 'Finished, some canceled',
      tone: 'warn',
    };
  return { label: 'Finished', tone: 'ok' };
}

/**
 * Seconds until a batch is done, or null when it cannot be told yet. Running jobs give their own
 * ETA; queued rungs are costed at the seconds per rung seen so far in this batch (finished jobs,
 * else running ones extrapolated), and the work is shared among the jobs allowed to run at once.
 */
export function batchEtaSeconds(
  jobs: readonly Pick<Job, 'id' | 'status' | 'rungIds' | 'encodeSeconds' | 'startedAt'>[],
  progress: Readonly<Record<string, JobProgress>>,
  concurrency: Pick<ConcurrencyInfo, 'effective'> | null,
  now: number,
): number | null {
  const running = jobs.filter((j) => j.status === 'running');
  const queuedRungs = jobs.filter((j) => j.status === 'queued').reduce((n, j) => n + weight(j), 0);
  if (running.length === 0 && queuedRungs === 0) return 0;

  let remaining = 0;
  for (const j of running) {
    const eta = progress[j.id]?.etaSeconds;
    if (eta === null || eta === undefined) return null;
    remaining += eta;
  }
  if (queuedRungs > 0) {
    const perRung = secondsPerRung(jobs, progress, now);
    if (perRung === null) return null;
    remaining += queuedRungs * perRung;
  }
  const lanes = Math.max(1, Math.min(concurrency?.effective ?? 1, running.length + queuedRungs));
  return remaining / lanes;
}

function secondsPerRung(
  jobs: readonly Pick<Job, 'id' | 'status' | 'rungIds' | 'encodeSeconds' | 'startedAt'>[],
  progress: Readonly<Record<string, JobProgress>>,
  now: number,
): number | null {
  let seconds = 0;
  let rungs = 0;
  for (const j of jobs) {
    if (j.status === 'done' && j.encodeSeconds !== null) {
      seconds += j.encodeSeconds;
      rungs += weight(j);
    }
  }
  if (rungs > 0) return seconds / rungs;
  for (const j of jobs) {
    const p = progress[j.id];
    if (j.status !== 'running' || !p || p.etaSeconds === null || !j.startedAt) continue;
    const elapsed = Math.max(0, (now - Date.parse(j.startedAt)) / 1000);
    seconds += elapsed + p.etaSeconds;
    rungs += weight(j);
  }
  return rungs > 0 ? seconds / rungs : null;
}

/**
 * The scoring line of a batch: "Scores: 7 done · 1 failed" (videos, by the status of the score job
 * that carries them); null when there is no score job.
 */
export function scoreTallyText(tally: RungTally): string | null {
  if (tally.total === 0) return null;
  const parts = (
    [
      ['done', tally.done],
      ['running', tally.running],
      ['queued', tally.queued],
      ['failed', tally.failed],
      ['canceled', tally.canceled],
    ] as const
  )
    .filter(([, n]) => n > 0)
    .map(([word, n]) => `${n} ${word}`);
  return `Scores: ${parts.join(' · ')}`;
}

/** Places of the queued jobs in the whole queue (1: starts next), by job id. */
export function queuePlaces(
  jobs: readonly Pick<Job, 'id' | 'status' | 'queueOrder'>[],
): ReadonlyMap<string, number> {
  const queued = jobs.filter((j) => j.status === 'queued');
  queued.sort((a, b) => a.queueOrder - b.queueOrder);
  return new Map(queued.map((j, i) => [j.id, i + 1]));
}

/** A queued job's place in words: "next", "2nd of 5". */
export function placeText(place: number, queued: number): string {
  if (place === 1) return 'next';
  const tens = place % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][place % 10] ?? 'th');
  return `${place}${suffix} of ${queued}`;
}

/** 0.423 → "42%"; null → "–". */
export function percentText(fraction: number | null): string {
  if (fraction === null || !Number.isFinite(fraction)) return '–';
  return `${Math.floor(Math.min(1, Math.max(0, fraction)) * 100)}%`;
}

/** 2.347 → "2.35×". */
export function speedText(speed: number | null | undefined): string {
  if (speed === null || speed === undefined || !Number.isFinite(speed)) return '–';
  return `${speed >= 10 ? speed.toFixed(1) : speed.toFixed(2)}×`;
}

/** Whole seconds as "0:42", "12:05" or "1:02:05"; null → "–". */
export function clockDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '–';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** An encode time: "4.2 s" under a minute, else "1:02". */
export function encodeTimeText(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '–';
  return seconds < 60 ? `${seconds.toFixed(1)} s` : clockDuration(seconds);
}
