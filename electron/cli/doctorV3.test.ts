// `vq doctor` text for the shared FFmpeg 7.1 + libvmaf 3.2 build found through VQ_FFMPEG_DIRS
// (a real probe; fails, never skips, when the build is missing).
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Toolchain } from '../core/toolchain/index';
import { sharedVmaf3Build } from '../testing/vmaf3Build';
import { describeToolchain } from './describe';

describe('vq doctor with the libvmaf 3.2 build', () => {
  let cacheDir: string;
  let text: string;
  let saved: string | undefined;

  beforeAll(async () => {
    const build = sharedVmaf3Build();
    saved = process.env.LD_LIBRARY_PATH;
    if (build.env.LD_LIBRARY_PATH) process.env.LD_LIBRARY_PATH = build.env.LD_LIBRARY_PATH;
    cacheDir = await mkdtemp(path.join(os.tmpdir(), 'vq-doctor-v3-'));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      VQ_VMAF_MODEL_DIR: path.resolve('../shared/vmaf-models'),
      VQ_FFMPEG_DIRS: path.join(build.dir, 'bin'),
    };
    delete env.VQ_FFMPEG;
    delete env.VQ_FFPROBE;
    text = describeToolchain(await new Toolchain({ cacheDir, env }).report());
  }, 120_000);

  afterAll(async () => {
    if (saved === undefined) delete process.env.LD_LIBRARY_PATH;
    else process.env.LD_LIBRARY_PATH = saved;
    await rm(cacheDir, { recursive: true, force: true });
  });

  it('prints the libvmaf version, built-in models, features and XPSNR', () => {
    expect(text).toContain('libvmaf 3.2.0, ');
    expect(text).toContain('libvmaf:  3.2.0 (model=)');
    expect(text).toMatch(/built-in models: vmaf_v0\.6\.1 vmaf_v0\.6\.1neg .*vmaf_v1\.0\.16_3d0h/);
    expect(text).toContain('features: adm adm3 motion motion3 vif cambi float_ms_ssim');
    expect(text).toContain('xpsnr:    yes (ffmpeg filter)');
    expect(text).toContain('selected for scoring: has libvmaf 3.2.0 (model=): NEG, native 10-bit');
    // The 4.1 build stays listed as libvmaf 1.x.
    expect(text).toContain('libvmaf:  1.x (model_path=');
  });
});
