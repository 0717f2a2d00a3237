import { describe, expect, it } from 'vitest';
import { pool } from '../../../../../shared/pooling';
import type { ScoreSeries } from '../../../../../shared/score';
import {
  pooledView,
  replacedSeries,
  type ScoreResultSummary,
} from '../../../../../shared/scoreResults';
import { sortShownFigures } from './replacedFigures';

const result = (
  id: string,
  target: string,
  createdAt: string,
  figures: Partial<Record<ScoreSeries, number>>,
): ScoreResultSummary =>
  ({
    id,
    label: id,
    target: { kind: 'rendition', id: target },
    createdAt,
    metrics: Object.fromEntries(
      Object.entries(figures).map(([s, v]) => [s, pooledView(pool([v]))]),
    ),
  }) as unknown as ScoreResultSummary;

describe('sortShownFigures', () => {
  // r1 scored with VMAF and PSNR, then VMAF again (another model): the old VMAF 99 is replaced.
  const old = result('old', 'r1', '2026-01-01', { vmaf: 99, psnrY: 40 });
  const newer = result('newer', 'r1', '2026-01-02', { vmaf: 70 });
  const other = result('other', 'r2', '2026-01-01', { vmaf: 80, psnrY: 35 });
  const results = [newer, old, other];
  const replaced = replacedSeries(results);

  it('sorts a replaced figure as missing (last either way), keeps the figures still shown', () => {
    expect(replaced.get('old')).toEqual(['vmaf']);
    const byVmaf = (dir: 'asc' | 'desc') =>
      sortShownFigures(results, replaced, { key: 'vmafMean', dir }).map((r) => r.id);
    expect(byVmaf('desc')).toEqual(['other', 'newer', 'old']);
    expect(byVmaf('asc')).toEqual(['newer', 'other', 'old']);
    const byPsnr = sortShownFigures(results, replaced, { key: 'psnrY', dir: 'desc' });
    expect(byPsnr.map((r) => r.id)).toEqual(['old', 'other', 'newer']);
  });

  it('returns the given objects, replaced figures and all', () => {
    const sorted = sortShownFigures(results, replaced, { key: 'vmafMean', dir: 'desc' });
    expect(sorted[2]).toBe(old);
    expect(old.metrics.vmaf?.mean).toBe(99);
    expect(sortShownFigures(results, replaced, null)).toEqual(results);
  });
});
