import { describe, expect, it } from 'vitest';
import { planLadder, type SourceGeometry } from './encodePlan';
import { VqError } from './errors';
import { LadderSchema } from './ladder';
import {
  defaultPerTitleHeights,
  PER_TITLE_CRFS,
  PerTitleOptionsSchema,
  perTitleGridLadder,
  resolvePerTitleOptions,
} from './perTitle';

const src1080: SourceGeometry = {
  width: 1920,
  height: 1080,
  sar: '1:1',
  rotation: 0,
  frameRate: '30/1',
  hasAudio: true,
};
const ids = { id: 'pertitle-grid-t', name: 'grid' };

function errorOf(fn: () => unknown): VqError {
  try {
    fn();
  } catch (err) {
    if (err instanceof VqError) return err;
    throw err;
  }
  throw new Error('expected a VqError');
}

describe('defaultPerTitleHeights', () => {
  it('takes the standard heights at or below the source, at most 5, top first', () => {
    expect(defaultPerTitleHeights(1080)).toEqual([1080, 720, 540, 360, 240]);
    expect(defaultPerTitleHeights(720)).toEqual([720, 540, 432, 360, 240]);
    expect(defaultPerTitleHeights(2160)).toEqual([2160, 1080, 720, 540, 360]);
    expect(defaultPerTitleHeights(1440)).toEqual([1440, 1080, 720, 540, 360]);
    expect(defaultPerTitleHeights(800)).toEqual([720, 540, 432, 360, 240]);
    expect(defaultPerTitleHeights(360)).toEqual([360, 240]);
    expect(defaultPerTitleHeights(200)).toEqual([]);
  });
});

describe('resolvePerTitleOptions', () => {
  it('fills in defaults: x264 at its default preset, the default heights and CRFs, VMAF mean', () => {
    const s = resolvePerTitleOptions({}, src1080);
    expect(s).toEqual({
      encoder: 'libx264',
      preset: 'medium',
      heights: [1080, 720, 540, 360, 240],
      crfs: [...PER_TITLE_CRFS.libx264],
      quality: 'vmafMean',
      pick: {},
      hdr: null,
      outDir: null,
    });
    expect(resolvePerTitleOptions({ encoder: 'libsvtav1' }, src1080)).toMatchObject({
      preset: '8',
      crfs: [...PER_TITLE_CRFS.libsvtav1],
    });
  });

  it('sorts heights down and CRFs up, dropping repeats', () => {
    const s = resolvePerTitleOptions({ heights: [360, 720, 360], crfs: [30, 20, 25, 20] }, src1080);
    expect(s.heights).toEqual([720, 360]);
    expect(s.crfs).toEqual([20, 25, 30]);
  });

  it('refuses heights above the source, naming them', () => {
    const e = errorOf(() => resolvePerTitleOptions({ heights: [1440, 720, 2160] }, src1080));
    expect(e.code).toBe('INVALID_ARGS');
    expect(e.message).toContain('1440, 2160');
    expect(e.hint).toMatch(/never upscales/);
  });

  it('refuses a preset or CRF the encoder does not have, and a source below every standard height', () => {
    expect(errorOf(() => resolvePerTitleOptions({ preset: '8' }, src1080)).message).toContain(
      '"8" is not a x264',
    );
    expect(
      errorOf(() => resolvePerTitleOptions({ encoder: 'libx264', crfs: [20, 60] }, src1080))
        .message,
    ).toContain('CRF 60');
    expect(errorOf(() => resolvePerTitleOptions({ crfs: [20, 20] }, src1080)).message).toMatch(
      /two different CRF/,
    );
    const tiny: SourceGeometry = { ...src1080, width: 176, height: 144 };
    expect(errorOf(() => resolvePerTitleOptions({}, tiny)).hint).toMatch(/heights/);
    expect(resolvePerTitleOptions({ heights: [144, 72] }, tiny).heights).toEqual([144, 72]);
  });

  it('schema refuses odd heights, unknown fields and crossed step ratios', () => {
    expect(PerTitleOptionsSchema.safeParse({ heights: [361] }).success).toBe(false);
    expect(PerTitleOptionsSchema.safeParse({ crf: [20] }).success).toBe(false);
    expect(
      PerTitleOptionsSchema.safeParse({ pick: { minStepRatio: 2.5, maxStepRatio: 2 } }).success,
    ).toBe(false);
    expect(
      PerTitleOptionsSchema.safeParse({ pick: { targetQuality: 93, floorBitrate: 200_000 } })
        .success,
    ).toBe(true);
  });

  it('refuses pick options the picker would refuse, before any grid is encoded', () => {
    // A step ratio of 1 passed the schema but failed the run only after the whole grid was done.
    expect(PerTitleOptionsSchema.safeParse({ pick: { minStepRatio: 1 } }).success).toBe(false);
    // maxStepRatio alone, below the default minStepRatio 1.5: only the filled-in options show it.
    const e = errorOf(() => resolvePerTitleOptions({ pick: { maxStepRatio: 1.2 } }, src1080));
    expect(e.code).toBe('INVALID_ARGS');
    expect(e.message).toMatch(/maxStepRatio/);
  });
});

describe('per-title on an HDR source', () => {
  const pq: SourceGeometry = { ...src1080, hdr: 'pq' };

  it('refuses x264 without a choice, naming both ways out: an encoder that keeps HDR, or tone-mapping', () => {
    for (const opts of [{}, { hdr: 'keep' as const }]) {
      const e = errorOf(() => resolvePerTitleOptions(opts, pq));
      expect(e.code).toBe('INVALID_ARGS');
      expect(e.message).toBe(
        'The source is HDR (PQ) and x264 (H.264/AVC) cannot carry HDR, so a per-title grid with it cannot keep the source HDR.',
      );
      expect(e.hint).toMatch(
        /x265 \(H\.265\/HEVC\), SVT-AV1 \(AV1\).*Tone-map to SDR.*hdr: "tonemap"/,
      );
    }
  });

  it('keeps HDR by default with an encoder that carries it; tone-maps when asked; the grid carries the choice', () => {
    const kept = resolvePerTitleOptions({ encoder: 'libx265', heights: [720], crfs: [24, 32] }, pq);
    expect(kept.hdr).toBe('keep');
    const keptPlan = planLadder(perTitleGridLadder(pq, kept, ids), pq);
    expect(keptPlan.refused).toEqual([]);
    expect(keptPlan.rungs.every((r) => r.colour.dynamicRange === 'hdr')).toBe(true);

    const mapped = resolvePerTitleOptions({ hdr: 'tonemap', heights: [720], crfs: [24, 32] }, pq);
    expect(mapped.hdr).toBe('tonemap');
    const grid = perTitleGridLadder(pq, mapped, ids);
    expect(grid.hdr).toBe('tonemap');
    expect(LadderSchema.safeParse(grid).success).toBe(true);
    expect(planLadder(grid, pq).rungs.every((r) => r.colour.dynamicRange === 'tonemapped')).toBe(
      true,
    );
  });

  it('ignores the choice on an SDR source and rejects an unknown one', () => {
    expect(resolvePerTitleOptions({ hdr: 'tonemap' }, src1080).hdr).toBeNull();
    expect(
      perTitleGridLadder(src1080, resolvePerTitleOptions({}, src1080), ids).hdr,
    ).toBeUndefined();
    expect(PerTitleOptionsSchema.safeParse({ hdr: 'flatten' }).success).toBe(false);
  });
});

describe('perTitleGridLadder', () => {
  it('is every height × every CRF, valid, top height and lowest CRF first', () => {
    const s = resolvePerTitleOptions(
      { heights: [720, 360], crfs: [22, 30, 38], preset: 'veryfast' },
      src1080,
    );
    const ladder = perTitleGridLadder(src1080, s, ids);
    expect(LadderSchema.safeParse(ladder).success).toBe(true);
    expect(ladder.rungs.map((r) => r.id)).toEqual([
      'x264-720p-crf22',
      'x264-720p-crf30',
      'x264-720p-crf38',
      'x264-360p-crf22',
      'x264-360p-crf30',
      'x264-360p-crf38',
    ]);
    for (const r of ladder.rungs) {
      expect(r).toMatchObject({
        encoder: 'libx264',
        preset: 'veryfast',
        fixedGop: true,
        gopSeconds: 2,
        audio: { mode: 'none' },
        container: 'mp4',
      });
      expect(r.rateControl.mode).toBe('crf');
    }
  });

  it('takes widths from the display aspect, even, never past the source', () => {
    // 720x576 with SAR 64:45 displays as 1024x576 (PAL 16:9).
    const pal: SourceGeometry = {
      width: 720,
      height: 576,
      sar: '64:45',
      rotation: 0,
      frameRate: '25/1',
      hasAudio: false,
    };
    const ladder = perTitleGridLadder(
      pal,
      { encoder: 'libx264', preset: 'medium', heights: [576, 360, 240], crfs: [20, 30] },
      ids,
    );
    expect([...new Set(ladder.rungs.map((r) => `${r.width}x${r.height}`))]).toEqual([
      '1024x576',
      '640x360',
      '426x240',
    ]);
    for (const r of ladder.rungs) expect(r.width! % 2).toBe(0);
    // 854x480 displayed: 480 lines would give 853.33 → 854 wide, still within the source.
    const wide: SourceGeometry = {
      width: 854,
      height: 480,
      sar: '1:1',
      rotation: 0,
      frameRate: '30/1',
      hasAudio: false,
    };
    expect(
      perTitleGridLadder(
        wide,
        { encoder: 'libx264', preset: 'medium', heights: [480], crfs: [20, 30] },
        ids,
      ).rungs[0]!.width,
    ).toBe(854);
    // A portrait phone clip stored 1920x1080 with rotation 90 displays 1080x1920.
    const portrait: SourceGeometry = { ...src1080, rotation: 90 };
    expect(
      perTitleGridLadder(
        portrait,
        { encoder: 'libx264', preset: 'medium', heights: [1280], crfs: [20, 30] },
        ids,
      ).rungs[0]!.width,
    ).toBe(720);
  });

  it('never plans a height above the source', () => {
    expect(
      errorOf(() =>
        perTitleGridLadder(
          src1080,
          { encoder: 'libx264', preset: 'medium', heights: [1440], crfs: [20, 30] },
          ids,
        ),
      ).code,
    ).toBe('INVALID_ARGS');
    const plan = planLadder(
      perTitleGridLadder(src1080, resolvePerTitleOptions({}, src1080), ids),
      src1080,
    );
    expect(plan.skipped).toEqual([]);
    expect(plan.rungs).toHaveLength(30);
  });

  it('gives a keyframe every 2 s at the source frame rate', () => {
    for (const [rate, keyint] of [
      ['30/1', 60],
      ['30000/1001', 60],
      ['25/1', 50],
      ['60/1', 120],
      ['24000/1001', 48],
    ] as const) {
      const src = { ...src1080, frameRate: rate };
      const plan = planLadder(
        perTitleGridLadder(
          src,
          { encoder: 'libx264', preset: 'medium', heights: [720], crfs: [20, 30] },
          ids,
        ),
        src,
      );
      expect(plan.rungs.map((p) => p.keyint)).toEqual([keyint, keyint]);
    }
  });

  it('uses WebM for VP9 and ids that stay valid for fractional CRFs', () => {
    const ladder = perTitleGridLadder(
      src1080,
      { encoder: 'libvpx-vp9', preset: '4', heights: [360], crfs: [20.5, 40] },
      ids,
    );
    expect(ladder.rungs.map((r) => [r.id, r.container])).toEqual([
      ['vpx-vp9-360p-crf20_5', 'webm'],
      ['vpx-vp9-360p-crf40', 'webm'],
    ]);
    expect(LadderSchema.safeParse(ladder).success).toBe(true);
  });
});
