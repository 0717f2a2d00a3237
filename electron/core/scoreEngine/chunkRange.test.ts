import { describe, expect, it } from 'vitest';
import { poolAll } from '../../../shared/pooling';
import type { MediaInfo } from '../../../shared/media';
import type { ModelUsed } from '../../../shared/score';
import { testScore } from '../../testing/scores';
import {
  LIBVMAF_MAX_LOOKBACK,
  checkFrameRange,
  chunkOverlap,
  chunkSeeks,
  cropToRange,
  planFrameRange,
  planScoreChunks,
} from './chunkRange';

const builtin = (name: string): ModelUsed => ({
  name,
  path: null,
  format: 'builtin',
  transform: false,
  reason: 'requested',
});

describe('planScoreChunks', () => {
  it('splits into consecutive ranges of about the target, lengths one apart at most', () => {
    expect(planScoreChunks(96, 32)).toEqual([
      { start: 0, end: 32 },
      { start: 32, end: 64 },
      { start: 64, end: 96 },
    ]);
    expect(planScoreChunks(10, 3).map((r) => r.end - r.start)).toEqual([3, 3, 2, 2]);
    expect(planScoreChunks(100, 32).map((r) => r.end - r.start)).toEqual([25, 25, 25, 25]);
    expect(planScoreChunks(5, 100)).toEqual([{ start: 0, end: 5 }]);
    const many = planScoreChunks(100_003, 999);
    expect(many[0]!.start).toBe(0);
    expect(many.at(-1)!.end).toBe(100_003);
    many.slice(1).forEach((r, i) => expect(r.start).toBe(many[i]!.end));
    expect(Math.max(...many.map((r) => r.end - r.start))).toBeLessThanOrEqual(999);
  });

  it('refuses no frames and a target that is not a whole number ≥ 1', () => {
    expect(() => planScoreChunks(0, 10)).toThrow(/at least one frame/);
    expect(() => planScoreChunks(10, 0)).toThrow(/whole number/);
    expect(() => planScoreChunks(10, 2.5)).toThrow(/whole number/);
  });
});

describe('chunkOverlap', () => {
  it('none for PSNR and SSIM, which read one frame pair at a time', () => {
    expect(chunkOverlap({ libvmaf: null, xpsnrFps: null })).toEqual({ before: 0, after: 0 });
  });

  it("one each side for VMAF's motion2 (libvmaf 1.x, and 2+ models without a five-frame window)", () => {
    for (const name of ['vmaf_v0.6.1', 'vmaf_v0.6.1neg', 'vmaf_4k_v0.6.1', 'vmaf_v1.0.16_3d0h'])
      expect(chunkOverlap({ libvmaf: { api: 2, model: builtin(name) }, xpsnrFps: null })).toEqual({
        before: 1,
        after: 1,
      });
    const pkl: ModelUsed = { ...builtin('vmaf_v0.6.1'), path: '/m/vmaf_v0.6.1.pkl', format: 'pkl' };
    expect(chunkOverlap({ libvmaf: { api: 1, model: pkl }, xpsnrFps: null })).toEqual({
      before: 1,
      after: 1,
    });
  });

  it('four before for the high-frame-rate v1 models and for any model file', () => {
    const hfr = builtin('vmaf_v1.0.16_hfr_3d0h');
    expect(chunkOverlap({ libvmaf: { api: 2, model: hfr }, xpsnrFps: null })).toEqual({
      before: LIBVMAF_MAX_LOOKBACK,
      after: 1,
    });
    const file: ModelUsed = {
      ...builtin('vmaf_v0.6.1'),
      path: '/m/vmaf_v0.6.1.json',
      format: 'json',
    };
    expect(chunkOverlap({ libvmaf: { api: 2, model: file }, xpsnrFps: null }).before).toBe(4);
  });

  it("XPSNR: one frame back below 32 fps, two from 32 (the filter's integer rate)", () => {
    const x = (fps: number): number => chunkOverlap({ libvmaf: null, xpsnrFps: fps }).before;
    expect([x(24), x(30000 / 1001), x(31.99), x(32), x(60000 / 1001), x(120)]).toEqual([
      1, 1, 1, 2, 2, 2,
    ]);
    expect(chunkOverlap({ libvmaf: null, xpsnrFps: 60 }).after).toBe(0);
    const v = { api: 2 as const, model: builtin('vmaf_v0.6.1') };
    expect(chunkOverlap({ libvmaf: v, xpsnrFps: 60 })).toEqual({ before: 2, after: 1 });
  });
});

describe('planFrameRange and checkFrameRange', () => {
  it('decodes from the overlap before (never before frame 0) to the overlap after', () => {
    const overlap = { before: 1, after: 1 };
    expect(planFrameRange({ start: 32, end: 64 }, overlap)).toEqual({
      start: 32,
      end: 64,
      overlap,
      first: 31,
      decoded: 34,
    });
    expect(planFrameRange({ start: 0, end: 32 }, { before: 4, after: 1 })).toMatchObject({
      first: 0,
      decoded: 33,
    });
  });

  it('refuses ranges that are not whole frames with 0 ≤ start < end', () => {
    for (const r of [
      { start: -1, end: 3 },
      { start: 3, end: 3 },
      { start: 4, end: 3 },
      { start: 0.5, end: 3 },
      { start: 0, end: Number.NaN },
    ]) {
      expect(() => checkFrameRange(r), JSON.stringify(r)).toThrow(/whole frames/);
    }
  });
});

describe('cropToRange', () => {
  // A run of frames 31–65 (a chunk 32–64 of a 66-frame video, one frame each side).
  const range = planFrameRange({ start: 32, end: 64 }, { before: 1, after: 1 });
  const n = Array.from({ length: 34 }, (_, i) => i);
  const vmaf = n.map((i) => 60 + (i % 7));
  const psnr = n.map((i) => (i === 0 ? Infinity : 40 + i / 10));

  it('keeps the range, numbered in the whole video, pooled from its frames only', () => {
    const run = testScore({ vmaf, psnr }, n, {
      libvmafFeatures: { integer_motion2: n.map((i) => i / 4) },
    });
    expect(run.warnings.map((w) => w.id)).toEqual([]);
    const withNote = {
      ...run,
      warnings: [{ id: 'psnr-infinite', message: '1 frame is identical…' }],
    };
    const c = cropToRange(withNote, range);
    expect(c.frameNumbers).toEqual(n.slice(1, 33).map((i) => 31 + i));
    expect(c.frames).toBe(32);
    expect(c.perFrame.vmaf).toEqual(vmaf.slice(1, 33));
    expect(c.libvmafFeatures.integer_motion2).toEqual(n.slice(1, 33).map((i) => i / 4));
    expect(c.metrics).toEqual(poolAll({ vmaf: vmaf.slice(1, 33), psnr: psnr.slice(1, 33) }));
    // The infinite PSNR frame was in the overlap: the note goes with it.
    expect(c.warnings).toEqual([]);
  });

  it('refuses a run that ends before the range does', () => {
    const short = testScore({ vmaf: vmaf.slice(0, 20) }, n.slice(0, 20));
    expect(() => cropToRange(short, range)).toThrow(/Frames 32–63 .* 19 of them were scored/);
  });
});

describe('chunkSeeks', () => {
  /** The facts chunkSeeks reads of a file (the rest of a probe does not matter to it). */
  const file = (o: {
    rate?: string;
    avg?: string;
    vfr?: boolean;
    start?: number | null;
    fileStart?: number | null;
    raw?: boolean;
  }): MediaInfo =>
    ({
      startTimeSeconds: o.fileStart === undefined ? 0 : o.fileStart,
      raw: o.raw ? { width: 2, height: 2, pixFmt: 'yuv420p', fps: 25 } : null,
      video: {
        rFrameRate: o.rate ?? '25/1',
        avgFrameRate: o.avg ?? o.rate ?? '25/1',
        vfr: o.vfr ?? false,
        startTimeSeconds: o.start === undefined ? 0 : o.start,
      },
    }) as unknown as MediaInfo;
  const index = (media: MediaInfo) => ({ media, timing: 'index' });

  it("seeks a quarter frame before the first frame, on each file's own clock and rate", () => {
    expect(chunkSeeks(100, [index(file({})), index(file({ rate: '30000/1001' }))])).toEqual([
      (100 - 0.25) / 25,
      ((100 - 0.25) * 1001) / 30000,
    ]);
    // A video that starts 0.48 s after its file (audio first): its frames are that much later.
    expect(chunkSeeks(10, [index(file({ start: 0.48, fileStart: 0 }))])).toEqual([
      0.48 + 9.75 / 25,
    ]);
    // A file whose clock starts at 1.4 s (an MPEG-TS) with its video at 1.4 s: as from 0.
    expect(chunkSeeks(10, [index(file({ start: 1.4, fileStart: 1.4 }))])).toEqual([9.75 / 25]);
  });

  it('reads from the start when any input cannot be placed exactly', () => {
    const ok = index(file({}));
    expect(chunkSeeks(0, [ok])).toBeNull();
    expect(chunkSeeks(10, [ok, { media: file({}), timing: 'convert' }])).toBeNull();
    expect(chunkSeeks(10, [ok, index(file({ raw: true }))])).toBeNull();
    expect(chunkSeeks(10, [ok, index(file({ vfr: true }))])).toBeNull();
    expect(chunkSeeks(10, [ok, index(file({ rate: '25/1', avg: '24/1' }))])).toBeNull();
    expect(chunkSeeks(10, [ok, index(file({ start: null }))])).toBeNull();
    expect(chunkSeeks(10, [ok, index(file({ fileStart: null }))])).toBeNull();
  });
});
