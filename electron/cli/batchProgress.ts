/**
 * Progress of one batch in the terminal: per job and for the whole batch (percent, fps, speed,
 * ETA). The state and the text are pure; `ProgressPainter` redraws them on a TTY.
 */
import type { VqEvent } from '../../shared/api';
import { etaSeconds } from '../core/ffmpeg/progress';
import type { Job, JobStatus } from '../../shared/queue';

interface JobLine {
  id: string;
  label: string;
  status: JobStatus;
  fraction: number | null;
  fps: number | null;
  speed: number | null;
  eta: number | null;
  /** Jobs count by their rungs in the batch total. */
  weight: number;
}

/** The progress state of one batch, fed with queue events. */
export class BatchProgress {
  private readonly jobs = new Map<string, JobLine>();
  private readonly startedMs: number;

  constructor(
    readonly batchId: string,
    jobs: Job[],
    startedMs = Date.now(),
  ) {
    this.startedMs = startedMs;
    for (const j of jobs) this.upsert(j);
  }

  /** Applies an event; true when it concerned this batch. */
  apply(event: VqEvent): boolean {
    if (event.type === 'job.updated' && event.job.batchId === this.batchId) {
      this.upsert(event.job);
      return true;
    }
    if (event.type === 'job.progress' && event.batchId === this.batchId) {
      const line = this.jobs.get(event.jobId);
      if (!line) return false;
      line.fraction = event.fraction;
      line.fps = event.fps;
      line.speed = event.speed;
      line.eta = event.etaSeconds;
      return true;
    }
    return false;
  }

  /** Fraction of the batch done, weighting each job by its rungs; finished jobs count as whole. */
  fraction(): number {
    let total = 0;
    let done = 0;
    for (const j of this.jobs.values()) {
      total += j.weight;
      if (j.status === 'running') done += j.weight * (j.fraction ?? 0);
      else if (j.status !== 'queued') done += j.weight;
    }
    return total > 0 ? done / total : 0;
  }

  /** Lines for a terminal that is redrawn: one per job and one for the batch. */
  lines(nowMs = Date.now()): string[] {
    const labelWidth = Math.min(32, Math.max(5, ...[...this.jobs.values()].map((j) => j.label.length)));
    const out = [...this.jobs.values()].map((j) => {
      const label = fit(j.label, labelWidth);
      if (j.status === 'running') {
        return `${label}  ${bar(j.fraction ?? 0)} ${pct(j.fraction)}  ${rate(j)}  ETA ${clock(j.eta)}`;
      }
      return `${label}  ${j.status}`;
    });
    const f = this.fraction();
    const counts = this.counts();
    out.push(
      `${fit('batch', labelWidth)}  ${bar(f)} ${pct(f)}  ${counts.finished}/${this.jobs.size} jobs` +
        `  ETA ${clock(this.eta(nowMs))}`,
    );
    return out;
  }

  /** One line for a log (not a TTY). */
  summary(nowMs = Date.now()): string {
    const running = [...this.jobs.values()].filter((j) => j.status === 'running');
    const parts = running.map((j) => `${j.label} ${pct(j.fraction)} (${rate(j)}, ETA ${clock(j.eta)})`);
    const counts = this.counts();
    return `batch ${pct(this.fraction())}, ${counts.finished}/${this.jobs.size} jobs finished, ETA ${clock(this.eta(nowMs))}${parts.length ? ` — ${parts.join('; ')}` : ''}`;
  }

  /** Seconds left for the batch, from its fraction and the time so far. */
  eta(nowMs = Date.now()): number | null {
    return etaSeconds(this.fraction(), (nowMs - this.startedMs) / 1000);
  }

  private counts(): { finished: number } {
    let finished = 0;
    for (const j of this.jobs.values()) if (j.status !== 'queued' && j.status !== 'running') finished++;
    return { finished };
  }

  private upsert(job: Job): void {
    const had = this.jobs.get(job.id);
    const running = job.status === 'running';
    this.jobs.set(job.id, {
      id: job.id,
      label: job.kind === 'score' ? `score ${job.rungIds.join(',')}` : job.rungIds.join(','),
      status: job.status,
      fraction: running ? (had?.fraction ?? 0) : job.status === 'done' ? 1 : null,
      fps: running ? (had?.fps ?? null) : null,
      speed: running ? (had?.speed ?? null) : null,
      eta: running ? (had?.eta ?? null) : null,
      weight: Math.max(1, job.rungIds.length),
    });
  }
}

/** Redraws a block of lines in place on a TTY (at most 10 times a second). */
export class ProgressPainter {
  private drawn = 0;
  private lastMs = 0;

  constructor(private readonly stream: NodeJS.WriteStream) {}

  /** Replaces the block drawn last with `lines`; `force` draws even inside the throttle window. */
  paint(lines: string[], force = false): void {
    const now = Date.now();
    if (!force && now - this.lastMs < 100) return;
    this.lastMs = now;
    const width = Math.max(20, (this.stream.columns || 100) - 1);
    // Cursor to the start of the block, clear to the end of the screen, draw again.
    const up = this.drawn > 0 ? `\x1b[${this.drawn}F\x1b[J` : '';
    this.stream.write(up + lines.map((l) => l.slice(0, width)).join('\n') + '\n');
    this.drawn = lines.length;
  }

  /** Prints a line above the block (a finished job, a warning). */
  note(line: string): void {
    if (this.drawn > 0) this.stream.write(`\x1b[${this.drawn}F\x1b[J`);
    this.stream.write(line + '\n');
    this.drawn = 0;
  }
}

function bar(f: number): string {
  const width = 20;
  const filled = Math.round(Math.min(1, Math.max(0, f)) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}

function pct(f: number | null): string {
  return f === null ? '  –%' : `${Math.floor(f * 100)}%`.padStart(4);
}

function rate(j: Pick<JobLine, 'fps' | 'speed'>): string {
  const fps = j.fps === null ? '– fps' : `${Math.round(j.fps)} fps`;
  const speed = j.speed === null ? '–x' : `${j.speed.toFixed(2)}x`;
  return `${fps}, ${speed}`;
}

/** 75 → "1:15"; null → "–". */
export function clock(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '–';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

function fit(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width);
}
