/**
 * The names of work in the shared queue, in one place. A job's run is `<job id>-a<attempt>` (each
 * start of a job is a new run, so a retry never meets an old one); its tasks are the run itself
 * (a whole encode or score), `<run>-c<i>` (a chunk of a title), `<run>-join` (their join),
 * `<run>-s<i>` (a chunk of a score) and `<run>-score` (the score of an encode run's outputs, the
 * parent of that run's encode task in a BullMQ flow). Task ids become parts of file names on workers, so a worker
 * takes only ids of exactly these shapes (letters, digits, '_' and '-').
 */
import type { Job } from '../../../shared/queue';

const TASK_ID = /^([A-Za-z0-9_-]{1,64}-a\d{1,6})(?:-c\d{1,6}|-join|-s\d{1,6}|-score)?$/;

/** The run of a job now: the id of its whole task, and the prefix of its chunks'. */
export function runIdOf(job: Pick<Job, 'id' | 'attempts'>): string {
  return `${job.id}-a${job.attempts}`;
}

/** The runs of a job before this one (a retry, a restart), which must not finish alongside it. */
export function earlierRunIds(job: Pick<Job, 'id' | 'attempts'>): string[] {
  return Array.from({ length: Math.max(0, job.attempts - 1) }, (_, i) => `${job.id}-a${i + 1}`);
}

/** The job's runs, this one first, then the earlier ones, newest first: at most `n`. */
export function runsNewestFirst(job: Pick<Job, 'id' | 'attempts'>, n: number): string[] {
  return [runIdOf(job), ...earlierRunIds(job).reverse()].slice(0, n);
}

/** The task encoding chunk `index` of a run. */
export function chunkTaskId(runId: string, index: number): string {
  return `${runId}-c${index}`;
}

/** The task joining a run's chunks. */
export function joinTaskId(runId: string): string {
  return `${runId}-join`;
}

/** The task scoring chunk `index` of a run. */
export function scoreChunkTaskId(runId: string, index: number): string {
  return `${runId}-s${index}`;
}

/**
 * The task scoring what encode run `runId` makes: started by BullMQ once that run's encode task
 * is done. Its run is the encode run, so a cancel of that run stops it too.
 */
export function afterEncodeScoreTaskId(runId: string): string {
  return `${runId}-score`;
}

/** The run a task belongs to, or null when `taskId` is not a task id VQ Studio makes. */
export function runOfTask(taskId: string): string | null {
  return TASK_ID.exec(taskId)?.[1] ?? null;
}

/** The folder a run's chunks are written to, inside its output folder (hidden). */
export function chunkDirName(runId: string): string {
  return `.chunks-${runId}`;
}
