import { describe, expect, it } from 'vitest';
import type { PooledView, ScoreResultSummary } from '../../../../../shared/scoreResults';
import { pooledValue, sortResults, visibleColumns } from './scoreColumns';

const pooled = (mean: number | null): PooledView => ({
  count: 3,
  skipped: 0,
  mean,
  harmonicMean: mean,
  min: mean,
  max: mean,
  p1: mean,
  p5: mean,
  stdev: 0,
  below: null,
});

const result = (
  id: string,
  width: number,
  vmaf: number | null,
  psnrY?: number | null,
): ScoreResultSummary =>
  ({
    id,
    label: id,
    width,
    height: (width * 9) / 16,
    bitrateKbps: width,
    metrics: {
      ...(vmaf === null ? {} : { vmaf: pooled(vmaf) }),
      ...(psnrY === undefined ? {} : { psnrY: pooled(psnrY) }),
    },
  }) as unknown as ScoreResultSummary;

const ids = (rs: ScoreResultSummary[]): string[] => rs.map((r) => r.id);

describe('sortResults', () => {
  const results = [result('b', 640, 80), result('a', 1280, 95), result('c', 320, null)];

  it('keeps the given order without a sort', () => {
    expect(ids(sortResults(results, null))).toEqual(['b', 'a', 'c']);
  });

  it('sorts by a metric, missing values last either way', () => {
    expect(ids(sortResults(results, { key: 'vmafMean', dir: 'asc' }))).toEqual(['b', 'a', 'c']);
    expect(ids(sortResults(results, { key: 'vmafMean', dir: 'desc' }))).toEqual(['a', 'b', 'c']);
  });

  it('sorts by size and by name', () => {
    expect(ids(sortResults(results, { key: 'resolution', dir: 'asc' }))).toEqual(['c', 'b', 'a']);
    expect(ids(sortResults(results, { key: 'label', dir: 'desc' }))).toEqual(['c', 'b', 'a']);
  });

  it('reads a PSNR of null on the wire as +∞, the best value', () => {
    const rs = [result('x', 10, 1, null), result('y', 10, 1, 40), result('z', 10, 1, 30)];
    expect(ids(sortResults(rs, { key: 'psnrY', dir: 'desc' }))).toEqual(['x', 'y', 'z']);
    expect(ids(sortResults(rs, { key: 'psnrY', dir: 'asc' }))).toEqual(['z', 'y', 'x']);
    expect(pooledValue(rs[0]!, 'psnrY', (p) => p.mean)).toBe(Infinity);
    expect(pooledValue(rs[0]!, 'vmaf', (p) => p.stdev)).toBe(0);
    expect(pooledValue(rs[0]!, 'msSsim', (p) => p.mean)).toBeNull();
  });
});

describe('visibleColumns', () => {
  it('shows the XPSNR and CAMBI columns only when a result has them', () => {
    const plain = [result('a', 640, 80, 40)];
    const keys = (rs: ScoreResultSummary[]): string[] => visibleColumns(rs).map((c) => c.key);
    expect(keys(plain)).not.toContain('xpsnr');
    expect(keys(plain)).not.toContain('cambi');
    expect(keys(plain)).toContain('msSsim'); // the usual four stay, empty or not
    const withCambi = {
      ...plain[0]!,
      id: 'b',
      metrics: { ...plain[0]!.metrics, cambi: pooled(0.5) },
    } as ScoreResultSummary;
    expect(keys([...plain, withCambi]).slice(-1)).toEqual(['cambi']);
    expect(keys([...plain, withCambi])).not.toContain('xpsnr');
  });
});
