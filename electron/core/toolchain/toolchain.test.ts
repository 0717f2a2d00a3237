// Integration test over the real binaries of the dev/CI machine: the ffmpeg on PATH, Debian 12's
// ffmpeg 5.1 (no libvmaf), and the npm @ffmpeg-installer build (ffmpeg 4.x with libvmaf 1.3.7). It
// must fail, not skip, when one of them, libvmaf or the models are missing: the project's CI relies
// on it.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, realpath, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VqError } from '../../../shared/errors';
import type { ToolchainReport } from '../../../shared/toolchain';
import { MODEL_DIR, scoreEnv } from '../../testing/scoreFixtures';
import { requiredTool } from '../../testing/tools';
import { CACHE_FILE_NAME, Toolchain } from './index';

/** What the first tests expect of the ffmpeg on PATH, and how to get it. */
const DEBIAN_FFMPEG = "Debian 12's ffmpeg 5.1 on PATH (Debian/Ubuntu: sudo apt-get install ffmpeg)";

describe('Toolchain on this machine', () => {
  // The ffmpeg on PATH, found as the app finds it (a missing one fails here, naming it). The
  // toolchain below runs without VQ_FFMPEG (scoreEnv), so the override is ignored here too.
  const onPath = requiredTool('ffmpeg', { pathOnly: true });
  let cacheDir: string;
  let report: ToolchainReport;
  let first: Toolchain;

  beforeAll(async () => {
    cacheDir = await mkdtemp(path.join(os.tmpdir(), 'vq-toolchain-'));
    first = new Toolchain({ cacheDir, env: scoreEnv() });
    report = await first.report();
  });

  afterAll(async () => {
    await rm(cacheDir, { recursive: true, force: true });
  });

  it('finds Debian ffmpeg 5 with SVT-AV1 and no libvmaf', async () => {
    const debian = report.binaries.find((b) => b.kind === 'ffmpeg' && b.source === 'path');
    expect(debian).toBeDefined();
    expect(await realpath(debian!.path)).toBe(await realpath(onPath));
    expect(debian!.error).toBeNull();
    expect(debian!.major, DEBIAN_FFMPEG).toBe(5);
    expect(debian!.version, DEBIAN_FFMPEG).toMatch(/^5\.1\./);
    expect(debian!.encoders).toContain('libsvtav1');
    expect(debian!.encoders).toContain('libx264');
    expect(debian!.filters).toEqual(expect.arrayContaining(['psnr', 'ssim', 'scale']));
    expect(debian!.filters).not.toContain('libvmaf');
    expect(debian!.libvmaf).toBeNull();
    expect(debian!.defects).toEqual([]);
  });

  it('finds the @ffmpeg-installer build: ffmpeg 4 with libvmaf api 1 and the .pkl models', () => {
    const inst = report.binaries.find((b) => b.source === '@ffmpeg-installer');
    expect(inst, 'npm @ffmpeg-installer/ffmpeg must be installed').toBeDefined();
    expect(inst!.error).toBeNull();
    expect(inst!.major).toBe(4);
    expect(inst!.filters).toContain('libvmaf');
    expect(inst!.libvmaf).not.toBeNull();
    expect(inst!.libvmaf!.api).toBe(1);
    expect(inst!.libvmaf!.models).toContainEqual({
      name: 'vmaf_v0.6.1',
      path: path.join(MODEL_DIR, 'vmaf_v0.6.1.pkl'),
      format: 'pkl',
      from: MODEL_DIR,
    });
    expect(inst!.libvmaf!.models.every((m) => m.format === 'pkl')).toBe(true);
    expect(inst!.defects.map((d) => d.id)).toEqual([
      'libvmaf-10bit',
      'libvmaf-neg-ignored',
      'libvmaf-msssim-min-size',
    ]);
  });

  it('selects the libvmaf build for scoring and Debian for encoding', async () => {
    const inst = report.binaries.find((b) => b.source === '@ffmpeg-installer');
    expect(report.selected.score).toBe(inst?.path);
    expect(await realpath(report.selected.encode!)).toBe(await realpath(onPath));
    expect(report.selected.probe).not.toBeNull();
    expect(report.selected.decode).not.toBeNull();
    expect(await first.binaryFor('score')).toBe(inst?.path);
    expect(report.modelDirs[0]).toEqual({ path: MODEL_DIR, exists: true });
    expect(report.modelFiles.length).toBeGreaterThanOrEqual(8);
  });

  it('says why each build was or was not selected, task by task', () => {
    const at = (source: string): string[] =>
      report.reasons[report.binaries.findIndex((b) => b.kind === 'ffmpeg' && b.source === source)]!;
    expect(at('@ffmpeg-installer')).toContain(
      'selected for scoring: has libvmaf (1.x, model_path=)',
    );
    expect(at('path')).toContain('not selected for scoring: no libvmaf');
    expect(at('path')).toContain('selected for encoding: has 5 of the 5 ladder encoders');
    expect(at('@ffmpeg-installer')).toContain('not selected for encoding: no libsvtav1');
    expect(report.reasons).toHaveLength(report.binaries.length);
  });

  it('lists a hardware encoder as usable only when a test encode on this machine worked', () => {
    const debian = report.binaries.find((b) => b.kind === 'ffmpeg' && b.source === 'path')!;
    // Debian's ffmpeg has NVENC, QSV and VAAPI compiled in; this machine has none of the hardware.
    expect(existsSync('/dev/nvidia0')).toBe(false);
    expect(debian.encoders).not.toContain('h264_nvenc');
    expect(debian.encoders).not.toContain('h264_vaapi');
    const nvenc = debian.unusableEncoders!.find((u) => u.encoder === 'h264_nvenc');
    expect(nvenc?.reason).toMatch(
      /^needs an NVIDIA GPU and its driver — none found \(ffmpeg: .*libcuda/,
    );
    const vaapi = debian.unusableEncoders!.find((u) => u.encoder === 'hevc_vaapi');
    expect(vaapi?.reason).toMatch(/^needs a VAAPI device/);
  });

  it('does not cache a hardware test encode that timed out: the next start asks again', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'vq-toolchain-busy-'));
    try {
      // A machine too busy to finish a test encode in time (1 ms here).
      const busy = new Toolchain({ cacheDir: dir, env: scoreEnv(), hardwareTestTimeoutMs: 1 });
      const r = await busy.report();
      const debian = r.binaries.find((b) => b.kind === 'ffmpeg' && b.source === 'path')!;
      expect(debian.unusableEncoders!.find((u) => u.encoder === 'h264_nvenc')?.reason).toMatch(
        /^needs an NVIDIA GPU and its driver — the test encode did not finish/,
      );
      // ffprobe builds have no hardware test: cached. Builds whose hardware test timed out: not.
      const cached = Object.keys(
        (
          JSON.parse(await readFile(path.join(dir, CACHE_FILE_NAME), 'utf8')) as {
            entries: object;
          }
        ).entries,
      );
      expect(cached.some((k) => k.startsWith('ffprobe:'))).toBe(true);
      expect(cached).not.toContain(`ffmpeg:${await realpath(debian.path)}`);
      // The next start probes that build again and gets the machine's own answer.
      const next = new Toolchain({ cacheDir: dir, env: scoreEnv() });
      const again = (await next.report()).binaries.find(
        (b) => b.kind === 'ffmpeg' && b.source === 'path',
      )!;
      expect(next.probeCount).toBeGreaterThanOrEqual(1);
      expect(again.unusableEncoders!.find((u) => u.encoder === 'h264_nvenc')?.reason).toMatch(
        /^needs an NVIDIA GPU and its driver — none found/,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('finds ffprobe builds', () => {
    const probes = report.binaries.filter((b) => b.kind === 'ffprobe' && b.error === null);
    expect(probes.length).toBeGreaterThanOrEqual(1);
    expect(probes.every((b) => b.major !== null && b.encoders.length === 0)).toBe(true);
  });

  it('memoizes and shares one in-flight report', async () => {
    expect(first.report()).toBe(first.report());
    expect(await first.report()).toBe(report);
    first.invalidate();
    const fresh = first.report();
    expect(fresh).toBe(first.report());
    expect(await fresh).not.toBe(report);
  });

  it('a second start reads the cache and runs no binary', async () => {
    const cacheFile = path.join(cacheDir, CACHE_FILE_NAME);
    const before = await stat(cacheFile);
    expect(first.probeCount).toBeGreaterThanOrEqual(3);

    const second = new Toolchain({ cacheDir, env: scoreEnv() });
    const again = await second.report();
    expect(second.probeCount).toBe(0);
    expect(again).toEqual(report);
    expect((await stat(cacheFile)).mtimeMs).toBe(before.mtimeMs);

    // refresh runs them all again; the results did not change, so the file is not rewritten.
    const refreshed = await second.report({ refresh: true });
    expect(second.probeCount).toBe(report.binaries.filter((b) => b.error === null).length);
    expect(refreshed).toEqual(report);
    expect((await stat(cacheFile)).mtimeMs).toBe(before.mtimeMs);
  });

  it('reports a VQ_FFMPEG that points to a missing file, and keeps working', async () => {
    const missing = path.join(cacheDir, 'no-such-ffmpeg');
    const t = new Toolchain({ cacheDir, env: scoreEnv({ VQ_FFMPEG: missing }) });
    const r = await t.report();
    const env = r.binaries.find((b) => b.source === 'env');
    expect(env).toMatchObject({ kind: 'ffmpeg', path: missing, version: null, libvmaf: null });
    expect(env!.error).toMatch(/VQ_FFMPEG points to .*no-such-ffmpeg, which does not exist/);
    expect(r.advice.some((a) => a.includes('Fix or clear VQ_FFMPEG'))).toBe(true);
    expect(r.selected.encode).toBe(report.selected.encode);
    expect(r.selected.score).toBe(report.selected.score);
  });

  it('reports binaries that are not what the variable says', async () => {
    // A program that runs and exits 0 but prints nothing like ffmpeg's banner.
    const notFfmpeg = path.join(cacheDir, 'not-ffmpeg');
    await writeFile(notFfmpeg, '#!/bin/sh\necho hello\n', { mode: 0o755 });
    const t = new Toolchain({
      cacheDir,
      env: scoreEnv({ VQ_FFMPEG: notFfmpeg, VQ_FFPROBE: onPath }),
    });
    const r = await t.report();
    const [ffmpeg, ffprobe] = r.binaries.filter((b) => b.source === 'env');
    expect(ffmpeg?.error).toMatch(/does not look like ffmpeg/);
    expect(ffprobe?.error).toBe(`${onPath} is ffmpeg, not ffprobe.`);
    expect(r.selected.encode).toBe(report.selected.encode);
  });

  it('an explicit VQ_FFMPEG wins encoding but not VMAF scoring', async () => {
    const inst = report.binaries.find((b) => b.source === '@ffmpeg-installer');
    const t = new Toolchain({ cacheDir, env: scoreEnv({ VQ_FFMPEG: onPath }) });
    const r = await t.report();
    expect(r.binaries[0]).toMatchObject({ source: 'env', path: onPath, major: 5 });
    expect(r.selected.encode).toBe(onPath);
    expect(r.selected.decode).toBe(onPath);
    expect(r.selected.score).toBe(inst?.path);
  });

  it('throws NO_FFMPEG / NO_FFPROBE with a hint when nothing is found', async () => {
    const t = new Toolchain({
      cacheDir,
      env: { PATH: '' },
      requireModule: () => {
        throw new Error('not installed');
      },
    });
    const r = await t.report();
    expect(r.binaries).toEqual([]);
    expect(r.selected).toEqual({ encode: null, score: null, probe: null, decode: null });
    expect(r.advice.some((a) => a.startsWith('No working ffmpeg was found.'))).toBe(true);
    const err = await t.binaryFor('encode').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VqError);
    expect((err as VqError).code).toBe('NO_FFMPEG');
    expect((err as VqError).hint).toMatch(/set VQ_FFMPEG/);
    await expect(t.binaryFor('probe')).rejects.toMatchObject({ code: 'NO_FFPROBE' });
  });
});
