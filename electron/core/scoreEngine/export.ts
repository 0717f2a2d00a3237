/**
 * Scores as people take them away: the JSON of `vq score --json` (the shape issue 4 specifies)
 * and per-frame CSV. Pure. JSON has no Infinity or NaN: they are written as null.
 */
import type { PooledStats } from '../../../shared/pooling';
import {
  SCORE_SERIES,
  SERIES_COLUMNS,
  type ScoreRunResult,
  type ScoreSeries,
} from '../../../shared/score';

/** Pooled figures of one series as `vq score --json` prints them. */
export interface PooledJson {
  mean: number | null;
  harmonicMean: number | null;
  min: number | null;
  max: number | null;
  p1: number | null;
  p5: number | null;
  stdev: number | null;
  /** Share of frames below the threshold, with the threshold. */
  below: { threshold: number; share: number | null } | null;
  frames: number;
}

/** `vq score --json`: `{ reference, results: [{ distorted, frames, metrics, warnings, command, ffmpeg }] }`. */
export interface ScoreJson {
  reference: string;
  results: {
    distorted: string;
    frames: number;
    metrics: Partial<Record<ScoreSeries, PooledJson>>;
    warnings: string[];
    unavailable: { metric: string; reason: string; hint?: string }[];
    fixes: string[];
    model: string | null;
    alignment: ScoreRunResult['results'][number]['alignment'];
    command: string[];
    ffmpeg: ScoreRunResult['ffmpeg'];
  }[];
}

function num(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

function pooledJson(s: PooledStats): PooledJson {
  return {
    mean: num(s.mean),
    harmonicMean: num(s.harmonicMean),
    min: num(s.min),
    max: num(s.max),
    p1: num(s.p1),
    p5: num(s.p5),
    stdev: num(s.stdev),
    below: s.below ? { threshold: s.below.threshold, share: num(s.below.share) } : null,
    frames: s.count,
  };
}

/** The JSON document of `vq score --json`. */
export function scoreJson(run: ScoreRunResult): ScoreJson {
  return {
    reference: run.reference,
    results: run.results.map((r) => {
      const metrics: Partial<Record<ScoreSeries, PooledJson>> = {};
      for (const key of SCORE_SERIES) {
        const s = r.metrics[key];
        if (s) metrics[key] = pooledJson(s);
      }
      return {
        distorted: r.distorted,
        frames: r.frames,
        metrics,
        warnings: r.warnings.map((w) => w.message),
        unavailable: r.unavailable.map((u) => ({ ...u })),
        fixes: [...r.fixes],
        model: r.model ? (r.model.path ?? r.model.name) : null,
        alignment: r.alignment,
        command: r.command,
        ffmpeg: r.ffmpeg,
      };
    }),
  };
}

function csvCell(v: string): string {
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

function csvNumber(v: number | undefined): string {
  if (v === undefined || Number.isNaN(v)) return '';
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  return String(v);
}

/**
 * Per-frame CSV of every distorted video of a run, one row per frame:
 * `distorted,frame,<series…>,<features…>` (full precision; inf for identical-frame PSNR; empty
 * when absent). The series come first, in display order, named by shared/score.ts SERIES_COLUMNS
 * (`psnr_y`, `xpsnr_y`…); then libvmaf's elementary features,
 * named as libvmaf logs them (`integer_adm2`…), sorted by name; a feature whose name is already a
 * series column is written as `feature:<name>`.
 */
export function perFrameCsv(run: ScoreRunResult): string {
  const series = SCORE_SERIES.filter((s) => run.results.some((r) => r.perFrame[s]));
  const features = [...new Set(run.results.flatMap((r) => Object.keys(r.libvmafFeatures)))].sort();
  const seriesColumns = series.map((s) => SERIES_COLUMNS[s]);
  const taken = new Set(['distorted', 'frame', ...seriesColumns]);
  const featureColumns = features.map((f) => (taken.has(f) ? `feature:${f}` : f));
  const header = ['distorted', 'frame', ...seriesColumns, ...featureColumns];
  const lines = [header.map(csvCell).join(',')];
  for (const r of run.results) {
    r.frameNumbers.forEach((frame, i) => {
      lines.push(
        [
          csvCell(r.distorted),
          String(frame),
          ...series.map((s) => csvNumber(r.perFrame[s]?.[i])),
          ...features.map((f) => csvNumber(r.libvmafFeatures[f]?.[i])),
        ].join(','),
      );
    });
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Per-frame JSON of one run (the UI's export): frame numbers, every series and every libvmaf
 * elementary feature per distorted video, non-finite values as null.
 */
export function perFrameJson(run: ScoreRunResult): unknown {
  const finite = (values: readonly number[]): (number | null)[] =>
    values.map((x) => (Number.isFinite(x) ? x : null));
  return {
    reference: run.reference,
    results: run.results.map((r) => ({
      distorted: r.distorted,
      frames: r.frameNumbers,
      series: Object.fromEntries(Object.entries(r.perFrame).map(([k, v]) => [k, finite(v)])),
      features: Object.fromEntries(
        Object.entries(r.libvmafFeatures).map(([k, v]) => [k, finite(v)]),
      ),
    })),
  };
}
