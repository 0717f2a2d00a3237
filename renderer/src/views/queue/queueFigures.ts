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
