// Integration test over the shared FFmpeg 7.1.5 + libvmaf 3.2.0 test build, found the way a person
// would add it: its bin folder in VQ_FFMPEG_DIRS. It fails (never skips) when the build is missing:
// sharedVmaf3Build() throws with what to do. What the doctor claims is checked against libvmaf's
// own `vmaf` tool, an independent program: its --version, and which built-in models it loads.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BinaryInfo, ToolchainReport } from '../../../shared/toolchain';
import { useTempDirs } from '../../testing/tempDir';
import { sharedVmaf3Build, type Vmaf3Build } from '../../testing/vmaf3Build';
import { Toolchain } from './index';
import { BUILTIN_MODEL_CANDIDATES, probeLibvmafBuild } from './libvmafProbe';

const MODEL_DIR = path.resolve('../shared/vmaf-models');

function testEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, VQ_VMAF_MODEL_DIR: MODEL_DIR, ...extra };
  delete env.VQ_FFMPEG;
  delete env.VQ_FFPROBE;
  return env;
}

/** Built-in models libvmaf's own tool loads (exit 0 on a one-frame y4m), by name. */
function modelsTheVmafToolLoads(build: Vmaf3Build, dir: string): string[] {
  const y4m = path.join(dir, 'grey.y4m');
  const made = spawnSync(
    build.ffmpeg,
    [
      '-hide_banner',
      '-loglevel',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      'color=gray:s=640x360:r=25:d=0.04',
      '-pix_fmt',
      'yuv420p',
      y4m,
    ],
    { env: build.env, encoding: 'utf8' },
  );
  expect(made.status, made.stderr).toBe(0);
  // A name no release has: the tool must refuse it, or its exit status proves nothing.
  return [...BUILTIN_MODEL_CANDIDATES, 'vmaf_no_such_model'].filter((name) => {
    const r = spawnSync(
      build.vmaf,
      [
        '-r',
        y4m,
        '-d',
        y4m,
        '-m',
        `version=${name}`,
        '-q',
        '--json',
        '-o',
        path.join(dir, `${name}.json`),
      ],
      { env: build.env, encoding: 'utf8' },
    );
    return r.status === 0;
  });
}

describe('the FFmpeg 7.1 + libvmaf 3.2 build through VQ_FFMPEG_DIRS', () => {
  let build: Vmaf3Build;
  let cacheDir: string;
  let report: ToolchainReport;
  let v3: BinaryInfo;
  let savedLibraryPath: string | undefined;

  beforeAll(async () => {
    build = sharedVmaf3Build();
    // Probes spawn with this process's environment; the build may need its library folder.
    savedLibraryPath = process.env.LD_LIBRARY_PATH;
    if (build.env.LD_LIBRARY_PATH) process.env.LD_LIBRARY_PATH = build.env.LD_LIBRARY_PATH;
    cacheDir = await mkdtemp(path.join(os.tmpdir(), 'vq-toolchain-v3-'));
    const tc = new Toolchain({
      cacheDir,
      env: testEnv({ VQ_FFMPEG_DIRS: path.join(build.dir, 'bin') }),
    });
    report = await tc.report();
    const found = report.binaries.find(
      (b) => b.kind === 'ffmpeg' && b.path === path.join(build.dir, 'bin', 'ffmpeg'),
    );
    expect(found, JSON.stringify(report.binaries.map((b) => [b.path, b.error]))).toBeDefined();
    v3 = found!;
  }, 120_000);

  afterAll(async () => {
    if (savedLibraryPath === undefined) delete process.env.LD_LIBRARY_PATH;
    else process.env.LD_LIBRARY_PATH = savedLibraryPath;
    await rm(cacheDir, { recursive: true, force: true });
  });

  it('a probe that ran whole is complete; one out of time is marked transient and not cached', async () => {
    const ffmpeg = path.join(build.dir, 'bin', 'ffmpeg');
    const whole = await probeLibvmafBuild(ffmpeg, { timeoutMs: 30_000 });
    expect(whole).toMatchObject({ version: '3.2.0', error: null, transient: false });
    const late = await probeLibvmafBuild(ffmpeg, { timeoutMs: 30_000, budgetMs: 0 });
    expect(late).toMatchObject({ builtinModels: [], transient: true });
    expect(late.error).toContain('did not finish in time');
    // The cached report came from a whole probe: a second Toolchain reads the same facts.
    const again = await new Toolchain({
      cacheDir,
      env: testEnv({ VQ_FFMPEG_DIRS: path.join(build.dir, 'bin') }),
    }).report();
    const cached = again.binaries.find((b) => b.path === ffmpeg);
    expect(cached?.libvmaf?.version).toBe('3.2.0');
  }, 60_000);

  it('finds its ffmpeg and ffprobe in the listed folder', () => {
    expect(v3.source).toBe('env-dirs');
    expect(v3.error).toBeNull();
    expect(v3.major).toBe(7);
    expect(v3.version).toMatch(/^7\.1\.5/);
    const probe = report.binaries.find((b) => b.kind === 'ffprobe' && b.source === 'env-dirs');
    expect(probe?.path).toBe(path.join(build.dir, 'bin', 'ffprobe'));
    expect(probe?.error).toBeNull();
  });

  it('reports the libvmaf version its own vmaf tool reports', () => {
    const r = spawnSync(build.vmaf, ['--version'], { env: build.env, encoding: 'utf8' });
    expect(r.status).toBe(0);
    // It prints the bare version, to stderr (as its other messages).
    const toolVersion = `${r.stdout}${r.stderr}`.trim();
    expect(toolVersion).toMatch(/^\d+\.\d+\.\d+$/);
    expect(v3.libvmaf?.api).toBe(2);
    expect(v3.libvmaf?.probeError).toBeNull();
    expect(v3.libvmaf?.version).toBe(toolVersion);
    expect(v3.libvmaf?.version).toBe('3.2.0');
  });

  it('claims exactly the built-in models libvmaf’s own tool loads', () => {
    const dir = mkdtempSyncHere();
    const loaded = modelsTheVmafToolLoads(build, dir);
    expect(loaded).not.toContain('vmaf_no_such_model');
    const builtins = v3.libvmaf!.models.filter((m) => m.format === 'builtin').map((m) => m.name);
    expect(builtins).toEqual(loaded);
    // The ones the issue names, v1 and its high-frame-rate variants included.
    expect(builtins).toEqual(
      expect.arrayContaining([
        'vmaf_v0.6.1',
        'vmaf_v0.6.1neg',
        'vmaf_4k_v0.6.1',
        'vmaf_v1.0.16_3d0h',
        'vmaf_v1.0.16_5d0h',
        'vmaf_v1.0.16_3d0h_2160',
        'vmaf_v1.0.16_1d5h_2160',
        'vmaf_v1.0.16_hfr_3d0h',
        'vmaf_v1.0.16_hfr_5d0h',
        'vmaf_v1.0.16_hfr_3d0h_2160',
        'vmaf_v1.0.16_hfr_1d5h_2160',
      ]),
    );
    // JSON model files from the model folder stay usable beside the built-ins.
    expect(v3.libvmaf!.models.some((m) => m.format === 'json')).toBe(true);
  });

  it('reports the features that ran and the xpsnr filter', () => {
    expect(v3.libvmaf?.features).toEqual(
      expect.arrayContaining(['adm', 'adm3', 'motion', 'motion3', 'vif', 'cambi', 'float_ms_ssim']),
    );
    expect(v3.filters).toEqual(expect.arrayContaining(['libvmaf', 'psnr', 'ssim', 'xpsnr']));
    expect(v3.defects).toEqual([]);
  });

  it('is selected for scoring over libvmaf 1.3.7, and says why', () => {
    expect(report.selected.score).toBe(v3.path);
    const i = report.binaries.indexOf(v3);
    const why = report.reasons[i]!.find((r) => r.includes('scoring'));
    expect(why).toBe(
      'selected for scoring: has libvmaf 3.2.0 (model=): NEG, native 10-bit, VMAF v1 models, ' +
        'CAMBI, MS-SSIM, XPSNR',
    );
    // The 4.1 build is still found, still has its defects, and is told apart.
    const inst = report.binaries.find((b) => b.source === '@ffmpeg-installer');
    expect(inst?.libvmaf?.api).toBe(1);
    expect(inst?.defects.map((d) => d.id)).toContain('libvmaf-neg-ignored');
    const instWhy = report.reasons[report.binaries.indexOf(inst!)]!.find((r) =>
      r.includes('scoring'),
    );
    expect(instWhy).toContain('not selected for scoring: it has libvmaf (1.x, model_path=)');
    expect(instWhy).toContain(`${v3.path} has libvmaf 3.2.0`);
  });

  it('keeps the facts in the probe cache: a second start runs nothing and reports the same', async () => {
    const again = new Toolchain({
      cacheDir,
      env: testEnv({ VQ_FFMPEG_DIRS: path.join(build.dir, 'bin') }),
    });
    const r = await again.report();
    expect(again.probeCount).toBe(0);
    const cached = r.binaries.find((b) => b.path === v3.path && b.kind === 'ffmpeg');
    expect(cached?.libvmaf).toEqual(v3.libvmaf);
    expect(r.selected.score).toBe(v3.path);
  });
});

const tempDirs = useTempDirs('vq-v3-');
function mkdtempSyncHere(): string {
  return tempDirs();
}

describe('a build whose libvmaf cannot be loaded', () => {
  const newDir = useTempDirs('vq-loader-');
  let build: Vmaf3Build;

  beforeAll(() => {
    build = sharedVmaf3Build();
  });

  /**
   * A folder laid out like the shared build — bin/ffmpeg needing libvmaf.so.3 through RUNPATH
   * `$ORIGIN/../lib` — made from libvmaf's small `vmaf` tool, so the system's loader (not a script)
   * refuses to start it. `lib` says what lib/libvmaf.so.3 is: a flattened link or nothing.
   */
  function brokenBuild(lib: 'flattened-link' | 'missing'): string {
    const dir = newDir();
    mkdirSync(path.join(dir, 'bin'));
    copyFileSync(build.vmaf, path.join(dir, 'bin', 'ffmpeg'));
    if (lib === 'flattened-link') {
      mkdirSync(path.join(dir, 'lib'));
      writeFileSync(path.join(dir, 'lib', 'libvmaf.so.3'), 'libvmaf.so.3.2.0');
    }
    return path.join(dir, 'bin');
  }

  async function reportFor(binDir: string): Promise<ToolchainReport> {
    // Without a library path that would hand the loader a good libvmaf.so.3 first.
    const env = testEnv({ VQ_FFMPEG_DIRS: binDir });
    const saved = process.env.LD_LIBRARY_PATH;
    delete process.env.LD_LIBRARY_PATH;
    try {
      return await new Toolchain({ cacheDir: newDir(), env }).report();
    } finally {
      if (saved !== undefined) process.env.LD_LIBRARY_PATH = saved;
    }
  }

  it('names the library and says what to do when it is a flattened link ("file too short")', async () => {
    const bin = brokenBuild('flattened-link');
    const r = await reportFor(bin);
    const b = r.binaries.find((x) => x.path === path.join(bin, 'ffmpeg'));
    expect(b?.error).toContain('cannot start: the system could not load its library libvmaf.so.3');
    expect(b?.error).toContain('(file too short)');
    expect(b?.error).toContain('symbolic link');
    expect(b?.error).toContain('LD_LIBRARY_PATH');
    expect(r.selected.score).not.toBe(path.join(bin, 'ffmpeg'));
    expect(r.advice.some((a) => a.includes('libvmaf.so.3') && a.includes('file too short'))).toBe(
      true,
    );
  });

  it('names the library and says the build is incomplete when it is missing', async () => {
    const bin = brokenBuild('missing');
    const r = await reportFor(bin);
    const b = r.binaries.find((x) => x.path === path.join(bin, 'ffmpeg'));
    expect(b?.error).toContain('could not load its library libvmaf.so.3');
    expect(b?.error).toContain('cannot open shared object file');
    // No distribution package provides libvmaf for such a build: apt is not the answer.
    expect(b?.error).toContain("the build's own lib folder is missing or incomplete");
    expect(b?.error).not.toContain('apt-get');
  });
});
