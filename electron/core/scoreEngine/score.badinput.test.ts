// Bad input and refusals, with real ffmpeg: missing libvmaf, missing model, NEG on libvmaf 1.x,
// unreadable or broken distorted files, a distorted video shorter than the reference, swapped
// roles, escaping of awkward paths, cancel and progress.
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { VqError } from '../../../shared/errors';
import type { ScoreProgress } from '../../../shared/score';
import { useTempDirs } from '../../testing/tempDir';
import { Toolchain } from '../toolchain';
import { planScore } from './plan';
import { PreflightBlockedError, executeScorePlan, scoreRun } from './run';
import {
  MODEL_DIR,
  machineToolchain,
  makeDistorted,
  makeReference,
  noLibvmafToolchain,
  requireLibvmafBuild,
  scoreEnv,
} from '../../testing/scoreFixtures';

const tempDir = useTempDirs('vq-score-bad-');
let toolchain: Toolchain;
let media: string;
let ref: string;
let dist: string;
let short: string;
let small: string;

beforeAll(async () => {
  media = fs.mkdtempSync('/tmp/vq-score-bad-media-');
  toolchain = machineToolchain(path.join(media, 'cache'));
  requireLibvmafBuild(await toolchain.report());
  ref = makeReference(media, { width: 320, height: 180, fps: 24, seconds: 2 });
  dist = makeDistorted(media, ref, { crf: 30 });
  short = makeDistorted(media, ref, { crf: 30, frames: 36, name: 'short.mp4' });
  small = makeDistorted(media, ref, { crf: 30, width: 160, height: 90, name: 'small.mp4' });
  return () => fs.rmSync(media, { recursive: true, force: true });
});

async function rejection(p: Promise<unknown>): Promise<VqError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof VqError) return e;
    throw e;
  }
  throw new Error('expected a VqError');
}

describe('no libvmaf anywhere', () => {
  it('PSNR and SSIM still work; VMAF and MS-SSIM are unavailable with the doctor hint', async () => {
    const dir = tempDir();
    const tc = noLibvmafToolchain(path.join(dir, 'cache'));
    const run = await scoreRun(
      { reference: { path: ref }, distorted: [{ path: dist }] },
      { toolchain: tc, tmpDir: dir },
    );
    const r = run.results[0]!;
    expect(Object.keys(r.perFrame).sort()).toEqual(['psnr', 'psnrY', 'ssim', 'ssimY']);
    expect(r.unavailable).toEqual([
      expect.objectContaining({
        metric: 'vmaf',
        hint: expect.stringContaining('No ffmpeg with libvmaf was found'),
      }),
      expect.objectContaining({ metric: 'ms_ssim' }),
    ]);
    expect(r.model).toBeNull();
    expect(run.command.join(' ')).not.toContain('libvmaf');
  });

  it('asking for VMAF alone is refused with the hint', async () => {
    const dir = tempDir();
    const e = await rejection(
      scoreRun(
        { reference: { path: ref }, distorted: [{ path: dist }], metrics: ['vmaf'] },
        { toolchain: noLibvmafToolchain(path.join(dir, 'cache')), tmpDir: dir },
      ),
    );
    expect(e.code).toBe('UNSUPPORTED');
    expect(e.hint).toContain('@ffmpeg-installer/ffmpeg');
  });
});

describe('models', () => {
  it('no model for libvmaf 1.x: NOT_FOUND naming VQ_VMAF_MODEL_DIR', async () => {
    const dir = tempDir();
    const empty = fs.mkdtempSync(path.join(dir, 'models-'));
    const tc = new Toolchain({
      cacheDir: path.join(dir, 'cache'),
      env: scoreEnv({ VQ_VMAF_MODEL_DIR: empty }),
    });
    const e = await rejection(
      planScore({ reference: { path: ref }, distorted: [{ path: dist }] }, { toolchain: tc }),
    );
    expect(e.code).toBe('NOT_FOUND');
    expect(e.hint).toContain('VQ_VMAF_MODEL_DIR');
  });

  it('a model path that does not exist: NOT_FOUND before ffmpeg starts', async () => {
    const e = await rejection(
      planScore(
        {
          reference: { path: ref },
          distorted: [{ path: dist }],
          model: { path: '/nonexistent/vmaf.pkl' },
        },
        { toolchain },
      ),
    );
    expect(e.code).toBe('NOT_FOUND');
    expect(e.message).toContain('/nonexistent/vmaf.pkl');
  });

  it('a .pkl without its .pkl.model sibling is refused', async () => {
    const dir = tempDir();
    const lonely = path.join(dir, 'lonely.pkl');
    fs.copyFileSync(path.join(MODEL_DIR, 'vmaf_v0.6.1.pkl'), lonely);
    const e = await rejection(
      planScore(
        { reference: { path: ref }, distorted: [{ path: dist }], model: { path: lonely } },
        { toolchain },
      ),
    );
    expect(e.message).toContain('lonely.pkl.model');
  });

  it('NEG on libvmaf 1.x is refused with the reason, never scored', async () => {
    const e = await rejection(
      scoreRun(
        {
          reference: { path: ref },
          distorted: [{ path: dist }],
          model: { variant: 'neg', size: 'auto' },
        },
        { toolchain },
      ),
    );
    expect(e.code).toBe('UNSUPPORTED');
    expect(e.message).toContain('regular VMAF score');
  });

  it('the phone model scores higher than the regular model on the same pair', async () => {
    const dir = tempDir();
    const base = {
      reference: { path: ref },
      distorted: [{ path: dist }],
      metrics: ['vmaf' as const],
    };
    const regular = await scoreRun(base, { toolchain, tmpDir: dir });
    const phone = await scoreRun(
      { ...base, model: { variant: 'phone', size: '1080p' } },
      { toolchain, tmpDir: dir },
    );
    expect(phone.model).toMatchObject({ name: 'vmaf_v0.6.1', transform: true });
    expect(phone.command.join(' ')).toContain('phone_model=1');
    expect(phone.results[0]!.metrics.vmaf!.mean).toBeGreaterThan(
      regular.results[0]!.metrics.vmaf!.mean,
    );
  });
});

describe('unreadable or broken distorted files', () => {
  it('a file that is not video: NOT_MEDIA naming the file', async () => {
    const dir = tempDir();
    const junk = path.join(dir, 'junk.mp4');
    fs.writeFileSync(junk, Buffer.alloc(4096, 7));
    const e = await rejection(
      scoreRun({ reference: { path: ref }, distorted: [{ path: junk }] }, { toolchain }),
    );
    expect(e.code).toBe('NOT_MEDIA');
    expect(e.message).toContain('junk.mp4');
  });

  it('a missing file: NOT_FOUND', async () => {
    const e = await rejection(
      scoreRun(
        { reference: { path: ref }, distorted: [{ path: '/nonexistent/d.mp4' }] },
        { toolchain },
      ),
    );
    expect(e.code).toBe('NOT_FOUND');
  });

  it("a file broken after probing: FFMPEG_FAILED with ffmpeg's words, temp logs removed", async () => {
    const dir = tempDir();
    const copy = path.join(dir, 'later-broken.mp4');
    fs.copyFileSync(dist, copy);
    const plan = await planScore(
      { reference: { path: ref }, distorted: [{ path: copy }] },
      { toolchain, tmpDir: dir },
    );
    fs.writeFileSync(copy, Buffer.alloc(2048, 1));
    const e = await rejection(executeScorePlan(plan));
    expect(e.code).toBe('FFMPEG_FAILED');
    expect(e.message).toMatch(/ffmpeg failed while scoring \(exit \d+\): \S/);
    expect(fs.existsSync(plan.workDir)).toBe(false);
  });
});

describe('distorted shorter than the reference', () => {
  it('is blocked by the pre-flight check', async () => {
    const e = await rejection(
      scoreRun({ reference: { path: ref }, distorted: [{ path: short }] }, { toolchain }),
    );
    expect(e).toBeInstanceOf(PreflightBlockedError);
    const b = (e as PreflightBlockedError).blocked[0]!;
    expect(b.findings.map((f) => f.id)).toEqual(['frames-mismatch']);
    expect(e.message).toContain('distorted video is shorter');
    expect(e.hint).toContain('trim-to-shortest');
  });

  it('scores the overlap when the person chooses it, and records the choice', async () => {
    const dir = tempDir();
    const run = await scoreRun(
      { reference: { path: ref }, distorted: [{ path: short }], fixes: ['trim-to-shortest'] },
      { toolchain, tmpDir: dir },
    );
    const r = run.results[0]!;
    expect(r.frames).toBe(36);
    expect(r.fixes).toEqual(['trim-to-shortest']);
    expect(r.alignment.frames).toBe(36);
    expect(r.warnings.map((w) => w.id)).not.toContain('frame-count');
    // The overlap is exactly "the first 36 frames", which a frame range inside both also gives.
    const range = await scoreRun(
      { reference: { path: ref }, distorted: [{ path: short }], frames: 36 },
      { toolchain, tmpDir: dir },
    );
    expect(range.results[0]!.preflight.map((f) => f.id)).not.toContain('frames-mismatch');
    expect(range.results[0]!.perFrame).toEqual(r.perFrame);
  });

  it('the planned command shows the trim on both legs before anything runs', async () => {
    const plan = await planScore(
      { reference: { path: ref }, distorted: [{ path: short }], fixes: ['trim-to-shortest'] },
      { toolchain },
    );
    expect(plan.blocked).toBe(false);
    const graph = plan.command[plan.command.indexOf('-filter_complex') + 1]!;
    expect(graph).toContain('[r0]trim=end_frame=36');
    expect(graph).toContain('trim=start_frame=0:end_frame=36');
  });
});

describe('reference and distorted swapped by mistake', () => {
  it('warns (not blocks) when the "reference" is the smaller one', async () => {
    const dir = tempDir();
    const run = await scoreRun(
      { reference: { path: small }, distorted: [{ path: ref }], metrics: ['psnr'] },
      { toolchain, tmpDir: dir },
    );
    const r = run.results[0]!;
    const w = r.preflight.find((f) => f.id === 'maybe-swapped')!;
    expect(w.severity).toBe('warn');
    expect(w.message).toContain('swapped');
    expect(r.alignment).toMatchObject({ width: 160, height: 90 });
  });
});

describe('awkward paths are escaped for the filtergraph', () => {
  it('logs and model in folders with spaces, colons, commas, quotes and brackets', async () => {
    const dir = tempDir();
    const odd = path.join(dir, "a b:c,d;e'f[g]h\\i");
    fs.mkdirSync(odd);
    for (const f of ['vmaf_v0.6.1.pkl', 'vmaf_v0.6.1.pkl.model']) {
      fs.copyFileSync(path.join(MODEL_DIR, f), path.join(odd, f));
    }
    const run = await scoreRun(
      {
        reference: { path: ref },
        distorted: [{ path: dist }],
        model: { path: path.join(odd, 'vmaf_v0.6.1.pkl') },
      },
      { toolchain, logDir: odd },
    );
    const r = run.results[0]!;
    expect(r.frames).toBe(48);
    expect(r.perFrame.vmaf).toHaveLength(48);
    // The logs stay in a folder the caller gave (logDir), with the names from the command.
    expect(fs.readdirSync(odd).sort()).toEqual(
      [
        'psnr-0.log',
        'ssim-0.log',
        'vmaf-0.json',
        'vmaf_v0.6.1.pkl',
        'vmaf_v0.6.1.pkl.model',
      ].sort(),
    );
  });

  it('the same folder works with Debian ffmpeg 5.1 for psnr/ssim', async () => {
    const dir = tempDir();
    const odd = path.join(dir, "x y:z,w'v[u]");
    const run = await scoreRun(
      { reference: { path: ref }, distorted: [{ path: dist }] },
      { toolchain: noLibvmafToolchain(path.join(dir, 'cache')), logDir: odd },
    );
    expect(run.results[0]!.perFrame.psnrY).toHaveLength(48);
  });
});

describe('progress and cancel', () => {
  it('reports progress ending at 1 and removes its temporary logs', async () => {
    const dir = tempDir();
    const seen: ScoreProgress[] = [];
    const plan = await planScore(
      { reference: { path: ref }, distorted: [{ path: dist }] },
      { toolchain, tmpDir: dir },
    );
    await executeScorePlan(plan, { onProgress: (p) => seen.push(p) });
    expect(seen.at(-1)).toEqual({ fraction: 1, fps: null, speed: null });
    expect(seen.every((p) => p.fraction === null || (p.fraction >= 0 && p.fraction <= 1))).toBe(
      true,
    );
    expect(fs.existsSync(plan.workDir)).toBe(false);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('an abort kills ffmpeg: CANCELED, nothing left behind', async () => {
    const dir = tempDir();
    const long = makeReference(dir, { width: 640, height: 360, seconds: 20, name: 'long.mkv' });
    const plan = await planScore(
      { reference: { path: long }, distorted: [{ path: long }] },
      { toolchain, tmpDir: dir },
    );
    const ac = new AbortController();
    let pid = 0;
    // Aborted once ffmpeg reports its first progress: mid-run, whatever the machine's speed.
    const p = executeScorePlan(plan, {
      signal: ac.signal,
      onSpawn: (id) => {
        pid = id;
      },
      onProgress: () => ac.abort(),
    });
    const e = await rejection(p);
    expect(e.code).toBe('CANCELED');
    expect(pid).toBeGreaterThan(0);
    expect(() => process.kill(pid, 0)).toThrow();
    expect(fs.existsSync(plan.workDir)).toBe(false);
  });
});

describe('metric selection', () => {
  it('MS-SSIM alone runs libvmaf but reports only MS-SSIM', async () => {
    const dir = tempDir();
    const big = makeReference(dir, { width: 352, height: 198, seconds: 1, name: 'big.mkv' });
    const run = await scoreRun(
      { reference: { path: big }, distorted: [{ path: big }], metrics: ['ms_ssim'] },
      { toolchain, tmpDir: dir },
    );
    const r = run.results[0]!;
    expect(Object.keys(r.perFrame)).toEqual(['msSsim']);
    expect(r.perFrame.msSsim!.every((v) => v > 0.999)).toBe(true);
    expect(run.command.join(' ')).not.toContain('psnr=');
  });
});
