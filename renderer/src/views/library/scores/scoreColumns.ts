/** The sortable columns of the scores table and the pure sort behind them. */
import type { ScoreSeries } from '../../../../../shared/score';
import type { PooledView, ScoreResultSummary } from '../../../../../shared/scoreResults';

/** Id of a sortable column. */
export type ScoreSortKey =
  | 'label'
  | 'resolution'
  | 'bitrate'
  | 'vmafMean'
  | 'vmafHarmonic'
  | 'vmafP5'
  | 'vmafMin'
  | 'psnrY'
  | 'ssimY'
  | 'msSsim'
  | 'xpsnr'
  | 'cambi';

/** A column sort: key and direction. */
export interface ScoreSort {
  key: ScoreSortKey;
  dir: 'asc' | 'desc';
}

/** One column of the scores table. */
export interface ScoreColumn {
  key: ScoreSortKey;
  label: string;
  /** Tooltip of the header: what exactly the number is. */
  title: string;
  numeric: boolean;
  /** A header above several columns ("VMAF"), if the column is one of them. */
  group: string | null;
  /** The series a metric column shows (for formatting), null for the others. */
  series: ScoreSeries | null;
  /**
   * Shown only when a result has its series (metrics asked for by name: XPSNR, CAMBI), so a table
   * of the usual four does not grow empty columns.
   */
  whenPresent?: true;
  value: (r: ScoreResultSummary) => string | number | null;
}

/**
 * A pooled figure of a result; null when the series was not computed. On the wire a non-finite
 * figure is null, which for PSNR means +∞ (frames identical to the reference), so it is read back
 * as Infinity there: it sorts as the best value and prints as ∞.
 */
export function pooledValue(
  r: Pick<ScoreResultSummary, 'metrics'>,
  series: ScoreSeries,
  pick: (p: PooledView) => number | null,
): number | null {
  const p = r.metrics[series];
  if (!p) return null;
  const v = pick(p);
  if (v === null && p.count > 0 && (series === 'psnr' || series === 'psnrY')) return Infinity;
  return v;
}

function pooled(
  series: ScoreSeries,
  pick: (p: PooledView) => number | null,
): (r: ScoreResultSummary) => number | null {
  return (r) => pooledValue(r, series, pick);
}

/** Columns in display order (the check box and the warnings column are not sortable). */
export const SCORE_COLUMNS: readonly ScoreColumn[] = [
  {
    key: 'label',
    label: 'Rendition',
    title: 'Rung of a rendition, or the file name of a library item',
    numeric: false,
    group: null,
    series: null,
    value: (r) => r.label.toLowerCase(),
  },
  {
    key: 'resolution',
    label: 'Size',
    title: 'Width × height of the distorted video as stored',
    numeric: true,
    group: null,
    series: null,
    value: (r) => r.width * r.height,
  },
  {
    key: 'bitrate',
    label: 'Bitrate',
    title: 'Video bitrate of the distorted video, measured from the file',
    numeric: true,
    group: null,
    series: null,
    value: (r) => r.bitrateKbps,
  },
  {
    key: 'vmafMean',
    label: 'Mean',
    title: 'VMAF: mean of the per-frame scores',
    numeric: true,
    group: 'VMAF',
    series: 'vmaf',
    value: pooled('vmaf', (p) => p.mean),
  },
  {
    key: 'vmafHarmonic',
    label: 'Harmonic',
    title: "VMAF harmonic mean, libvmaf's definition n / Σ 1/(s+1) − 1 (weighs bad frames more)",
    numeric: true,
    group: 'VMAF',
    series: 'vmaf',
    value: pooled('vmaf', (p) => p.harmonicMean),
  },
  {
    key: 'vmafP5',
    label: 'p5',
    title: 'VMAF 5th percentile: 95 % of the frames score at least this',
    numeric: true,
    group: 'VMAF',
    series: 'vmaf',
    value: pooled('vmaf', (p) => p.p5),
  },
  {
    key: 'vmafMin',
    label: 'Min',
    title: 'VMAF of the worst frame',
    numeric: true,
    group: 'VMAF',
    series: 'vmaf',
    value: pooled('vmaf', (p) => p.min),
  },
  {
    key: 'psnrY',
    label: 'PSNR-Y',
    title: 'Luma PSNR in dB, mean of the per-frame values',
    numeric: true,
    group: null,
    series: 'psnrY',
    value: pooled('psnrY', (p) => p.mean),
  },
  {
    key: 'ssimY',
    label: 'SSIM-Y',
    title: 'Luma SSIM, mean of the per-frame values',
    numeric: true,
    group: null,
    series: 'ssimY',
    value: pooled('ssimY', (p) => p.mean),
  },
  {
    key: 'msSsim',
    label: 'MS-SSIM',
    title: 'Multi-scale SSIM (luma), mean of the per-frame values',
    numeric: true,
    group: null,
    series: 'msSsim',
    value: pooled('msSsim', (p) => p.mean),
  },
  {
    key: 'xpsnr',
    label: 'XPSNR-Y',
    title: 'Luma XPSNR in dB (ffmpeg xpsnr filter), mean of the per-frame values',
    numeric: true,
    group: null,
    series: 'xpsnr',
    whenPresent: true,
    value: pooled('xpsnr', (p) => p.mean),
  },
  {
    key: 'cambi',
    label: 'CAMBI',
    title:
      'CAMBI banding index (libvmaf), mean of the per-frame values: 0 = no visible banding, up to 24. Lower is better.',
    numeric: true,
    group: null,
    series: 'cambi',
    whenPresent: true,
    value: pooled('cambi', (p) => p.mean),
  },
];

/** The columns to show for these results: every column but a `whenPresent` one none of them has. */
export function visibleColumns(results: readonly ScoreResultSummary[]): ScoreColumn[] {
  return SCORE_COLUMNS.filter(
    (c) => !c.whenPresent || results.some((r) => r.metrics[c.series!] !== undefined),
  );
}

function compareValues(a: string | number, b: string | number): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b), 'en', { numeric: true });
}

/**
 * Results in the order of `sort` (as given, newest first, when null). A missing value (metric not
 * computed) goes last in either direction; ties keep the given order.
 */
export function sortResults(
  results: readonly ScoreResultSummary[],
  sort: ScoreSort | null,
): ScoreResultSummary[] {
  if (!sort) return results.slice();
  const column = SCORE_COLUMNS.find((c) => c.key === sort.key);
  if (!column) return results.slice();
  const sign = sort.dir === 'asc' ? 1 : -1;
  return results
    .map((r, index) => ({ r, index, value: column.value(r) }))
    .sort((x, y) => {
      if (x.value === null || y.value === null) {
        return x.value === y.value ? x.index - y.index : x.value === null ? 1 : -1;
      }
      return sign * compareValues(x.value, y.value) || x.index - y.index;
    })
    .map((e) => e.r);
}
