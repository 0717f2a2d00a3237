import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MediaInfo } from '../../../shared/media';
import type { BinaryInfo } from '../../../shared/toolchain';
import { useTempDirs } from '../../testing/tempDir';
import {
  LIBVMAF_QUEUE_BUDGET,
  hdrMetricsNote,
  libvmafQueueBytes,
  libvmafThreads,
  metricsFor,
  nothingToCompute,
  planScore,
  xpsnrSizeProblem,
} from './plan';

/** The doctor's view of a build (the fields metricsFor reads, the rest empty). */
function build(b: Partial<BinaryInfo>): BinaryInfo {
  return {
    kind: 'ffmpeg',
    path: '/opt/ffmpeg',
    source: 'env',
    version: null,
    major: null,
    encoders: [],
    filters: ['psnr', 'ssim'],
    libvmaf: null,
    defects: [],
    error: null,
    ...b,
  };
}

const ffmpeg71 = build({
  filters: ['libvmaf', 'psnr', 'ssim', 'xpsnr'],
  libvmaf: { api: 2, models: [], version: '3.2.0', features: ['cambi', 'float_ms_ssim'] },
});
const ffmpeg41 = build({ filters: ['libvmaf', 'psnr', 'ssim'], libvmaf: { api: 1, models: [] } });

describe('which metrics a build computes', () => {
  it('FFmpeg 7.1 with libvmaf 3.2: all six', () => {
    const all = ['vmaf', 'psnr', 'ssim', 'ms_ssim', 'cambi', 'xpsnr'] as const;
    expect(metricsFor(all, ffmpeg71)).toEqual({
      computed: { vmaf: true, psnr: true, ssim: true, msSsim: true, cambi: true, xpsnr: true },
      unavailable: [],
    });
  });

  it('FFmpeg 4.1 with libvmaf 1.x: CAMBI and XPSNR unavailable, with reason and advice', () => {
    const { computed, unavailable } = metricsFor(['xpsnr', 'vmaf', 'cambi'], ffmpeg41);
    expect(computed).toMatchObject({ vmaf: true, cambi: false, xpsnr: false, psnr: false });
    // In the order they were asked for.
    expect(unavailable.map((u) => u.metric)).toEqual(['xpsnr', 'cambi']);
    expect(unavailable[0]!.reason).toContain('no xpsnr filter');
    expect(unavailable[1]!.reason).toContain('libvmaf 1.x');
    for (const u of unavailable) expect(u.hint).toMatch(/FFmpeg 8\.1.*libvmaf 3\.2.*BtbN/);
  });

  it('no libvmaf: VMAF keeps the doctor hint that names a build with libvmaf', () => {
    const { unavailable } = metricsFor(['vmaf', 'psnr'], build({}));
    expect(unavailable).toEqual([
      expect.objectContaining({ metric: 'vmaf', hint: expect.stringContaining('libvmaf') }),
    ]);
  });

  it('nothing computable: one error with every reason', () => {
    const { unavailable } = metricsFor(['cambi', 'xpsnr'], ffmpeg41);
    const e = nothingToCompute(unavailable);
    expect(e.code).toBe('UNSUPPORTED');
    expect(e.message).toMatch(/^None of the requested metrics can be computed\. CAMBI .* XPSNR /);
    expect(nothingToCompute([], ['CAMBI was skipped: …']).message).toBe('CAMBI was skipped: …');
  });
});

describe('sizes the xpsnr filter takes', () => {
  it('at least 2025 pixels (its block size is 0 below: SIGFPE measured at 46x44)', () => {
    for (const [w, h] of [
      [45, 45],
      [46, 46],
      [64, 32],
      [32, 64],
      [320, 240],
    ])
      expect(xpsnrSizeProblem(w!, h!), `${w}x${h}`).toBeNull();
    for (const [w, h] of [
      [46, 44],
      [45, 44],
      [44, 46],
      [16, 16],
    ])
      expect(xpsnrSizeProblem(w!, h!), `${w}x${h}`).toMatch(/2025 pixels/);
  });
});

describe('libvmaf threads when the request names none', () => {
  it('one video keeps every core, whatever the build', () => {
    expect(libvmafThreads(2, 1, 7)).toBe(2);
    expect(libvmafThreads(16, 1, 4)).toBe(16);
  });

  it('FFmpeg 7+: the cores shared among the videos, synchronous (0) where a share is one core', () => {
    expect(libvmafThreads(2, 2, 7)).toBe(0);
    expect(libvmafThreads(2, 4, 7)).toBe(0);
    expect(libvmafThreads(8, 4, 8)).toBe(2);
    expect(libvmafThreads(16, 3, 7)).toBe(5);
    expect(libvmafThreads(6, 4, 7)).toBe(0);
  });

  it('older or unknown FFmpeg (one filtering thread): at least one libvmaf thread each', () => {
    expect(libvmafThreads(2, 2, 6)).toBe(1);
    expect(libvmafThreads(2, 4, null)).toBe(1);
    expect(libvmafThreads(8, 2, 5)).toBe(4);
  });
});

describe("libvmaf's unbounded frame queue", () => {
  const tempDir = useTempDirs('vq-plan-queue-');

  it('holds both pictures of every frame at worst: 9.3 GB for a minute of 1080p25', () => {
    const bytes = libvmafQueueBytes({
      width: 1920,
      height: 1080,
      pixFmt: 'yuv420p',
      frames: 1500,
      videos: 1,
    });
    expect(bytes).toBe(2 * 1920 * 1080 * 1.5 * 1500);
    expect(
      libvmafQueueBytes({
        width: 1920,
        height: 1080,
        pixFmt: 'yuv420p10le',
        frames: 1500,
        videos: 2,
      }),
    ).toBe(4 * bytes);
    expect(
      libvmafQueueBytes({ width: 8, height: 8, pixFmt: 'yuv444p', frames: 1, videos: 1 }),
    ).toBe(2 * 64 * 3);
  });

  /** A plan of one pair whose probe says `frames` frames of 1080p25 (the files exist, unread). */
  async function planOf(frames: number, threads?: number) {
    const dir = tempDir();
    const file = (name: string): string => {
      const f = path.join(dir, name);
      fs.writeFileSync(f, 'not read when planning');
      return f;
    };
    const media = (p: string): MediaInfo => ({
      path: p,
      fileName: path.basename(p),
      container: 'mov,mp4',
      containerLongName: null,
      sizeBytes: 1000,
      durationSeconds: frames / 25,
      bitrateKbps: null,
      startTimeSeconds: 0,
      raw: null,
      tags: {},
      audio: [],
      video: {
        index: 0,
        codec: 'h264',
        codecLongName: null,
        profile: null,
        level: null,
        width: 1920,
        height: 1080,
        sar: '1:1',
        dar: '16:9',
        rotation: 0,
        pixFmt: 'yuv420p',
        bitDepth: 8,
        rFrameRate: '25/1',
        avgFrameRate: '25/1',
        frameRate: 25,
        vfr: false,
        frameCount: frames,
        frameCountSource: 'counted',
        durationSeconds: frames / 25,
        bitrateKbps: 5000,
        colorRange: 'tv',
        colorPrimaries: 'bt709',
        colorTransfer: 'bt709',
        colorMatrix: 'bt709',
        hdr: null,
        fieldOrder: 'progressive',
      },
    });
    const ref = file('ref.mp4');
    const dist = file('dist.mp4');
    const binary = { ...ffmpeg71, major: 7, path: 'ffmpeg71' };
    const report = {
      binaries: [binary],
      selected: { score: 'ffmpeg71', encode: null, probe: null, decode: null },
      modelDirs: [],
      modelFiles: [],
      advice: [],
      reasons: [[]],
    };
    binary.libvmaf = {
      ...binary.libvmaf!,
      models: [{ name: 'vmaf_v0.6.1', path: null, format: 'builtin', from: 'built-in' }],
    };
    return planScore(
      {
        reference: { path: ref, media: media(ref) },
        distorted: [{ path: dist, media: media(dist) }],
        metrics: ['vmaf'],
        threads,
      },
      { toolchain: { report: async () => report } },
    );
  }

  it('scores a title too long for it synchronously, and says so', async () => {
    // Half the budget: threaded, no note.
    const fits = Math.floor((os.totalmem() * LIBVMAF_QUEUE_BUDGET) / (2 * 1920 * 1080 * 1.5) / 2);
    const short = await planOf(fits);
    expect(short.threads).toBeGreaterThan(0);
    expect(short.warnings.map((w) => w.id)).not.toContain('libvmaf-synchronous');
    expect(short.command.join(' ')).toMatch(/n_threads=[1-9]/);

    const long = await planOf(fits * 4);
    expect(long.threads).toBe(0);
    expect(long.command.join(' ')).toContain('n_threads=0');
    expect(long.warnings.find((w) => w.id === 'libvmaf-synchronous')?.message).toMatch(
      /synchronously, one core per video.*GB/,
    );

    // A thread count the person chose is kept, with the warning.
    const chosen = await planOf(fits * 4, 2);
    expect(chosen.threads).toBe(2);
    expect(chosen.warnings.find((w) => w.id === 'libvmaf-synchronous')?.message).toMatch(
      /as asked/,
    );
  });
});

describe('hdrMetricsNote', () => {
  const all = { vmaf: true, psnr: true, ssim: true, msSsim: false, cambi: false, xpsnr: true };
  it('says which numbers mean something for an HDR reference, and nothing for SDR', () => {
    expect(hdrMetricsNote(null, all)).toBeNull();
    const pq = hdrMetricsNote('pq', all)!;
    expect(pq.id).toBe('hdr-metrics');
    expect(pq.message).toMatch(/^The reference is HDR \(PQ\)\. VMAF: not calibrated for HDR/);
    expect(pq.message).toMatch(/PSNR, SSIM, XPSNR: measured on PQ code values/);
    const hlg = hdrMetricsNote('hlg', { ...all, vmaf: false, xpsnr: false })!;
    expect(hlg.message).not.toMatch(/VMAF/);
    expect(hlg.message).toMatch(/PSNR, SSIM: measured on HLG code values/);
  });
});
