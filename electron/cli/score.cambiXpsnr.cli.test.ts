// The real `vq score --metrics cambi,xpsnr` in a child process: on FFmpeg 7.1.5 + libvmaf 3.2.0
// (../shared/toolchain, chosen with VQ_FFMPEG/VQ_FFPROBE) the JSON, the per-frame CSV and the
// table carry CAMBI and XPSNR, and XPSNR equals the xpsnr filter's own stats; on the default
// FFmpeg 4.1 build they are unavailable with reasons. FAILS (never skips) without the builds.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScoreJson } from '../core/scoreEngine';
import { parseXpsnrStats } from '../core/scoreEngine/logs';
import { makeDistorted, makeReference } from '../testing/scoreFixtures';
import { useTempDirs } from '../testing/tempDir';
import { sharedVmaf3Build, type Vmaf3Build } from '../testing/vmaf3Build';
import { csvColumn } from '../testing/vmafTool';

const tempDir = useTempDirs('vq-score-cx-cli-');
let b: Vmaf3Build;
let clips: string;
let ref: string;
let dist: string;

beforeAll(() => {
  b = sharedVmaf3Build();
  clips = fs.mkdtempSync(path.join(os.tmpdir(), 'vq-score-cx-cli-clips-'));
  ref = makeReference(clips, { width: 320, height: 240, fps: 25, seconds: 0.6 });
  dist = makeDistorted(clips, ref, { crf: 38 });
});
afterAll(() => {
  if (clips) fs.rmSync(clips, { recursive: true, force: true });
});

/** `vq` on the 3.2 build (`v3`) or on the machine's default toolchain (FFmpeg 4.1 + libvmaf 1.x). */
function vq(
  args: string[],
  build: 'v3' | 'default',
): { code: number | null; stdout: string; stderr: string } {
  const env =
    build === 'v3'
      ? { ...b.env, VQ_FFMPEG: b.ffmpeg, VQ_FFPROBE: b.ffprobe }
      : { ...process.env, VQ_VMAF_MODEL_DIR: path.resolve('../shared/vmaf-models') };
  const r = spawnSync(process.execPath, [path.resolve('bin/vq.mjs'), ...args], {
    env: { ...env, VQ_DATA_DIR: tempDir() },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const mean = (v: readonly number[]): number => v.reduce((a, x) => a + x, 0) / v.length;

describe('vq score --metrics cambi,xpsnr on FFmpeg 7.1 + libvmaf 3.2', () => {
  it('--json carries CAMBI and XPSNR pooled; the CSV per frame equals the xpsnr filter', () => {
    const csv = path.join(tempDir(), 'frames.csv');
    const out = vq(
      [
        ...['score', '--ref', ref, '--dist', dist, '--metrics', 'cambi,xpsnr'],
        ...['--json', '--per-frame', csv],
      ],
      'v3',
    );
    expect(out.code, out.stderr).toBe(0);
    const res = (JSON.parse(out.stdout) as ScoreJson).results[0]!;
    expect(Object.keys(res.metrics)).toEqual(['xpsnr', 'xpsnrU', 'xpsnrV', 'cambi']);
    expect(res.unavailable).toEqual([]);
    expect(res.frames).toBe(15);
    const log = path.join(tempDir(), 'xpsnr.log');
    execFileSync(
      b.ffmpeg,
      [
        ...['-hide_banner', '-loglevel', 'error', '-nostdin', '-i', ref, '-i', dist],
        ...['-lavfi', `[0:v][1:v]xpsnr=stats_file=${log}`, '-f', 'null', '-'],
      ],
      { env: b.env, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    const filter = parseXpsnrStats(fs.readFileSync(log, 'utf8'));
    expect(csvColumn(csv, 'xpsnr_y')).toEqual(filter.map((l) => l.y));
    expect(csvColumn(csv, 'xpsnr_u')).toEqual(filter.map((l) => l.u));
    expect(csvColumn(csv, 'xpsnr_v')).toEqual(filter.map((l) => l.v));
    const cambi = csvColumn(csv, 'cambi');
    expect(cambi).toHaveLength(15);
    expect(Math.abs(res.metrics.cambi!.mean! - mean(cambi))).toBeLessThan(1e-9);
    expect(Math.abs(res.metrics.xpsnr!.mean! - mean(filter.map((l) => l.y)))).toBeLessThan(1e-9);
  });

  it('the table shows the XPSNR planes and CAMBI, saying which way CAMBI is better', () => {
    const out = vq(['score', '--ref', ref, '--dist', dist, '--metrics', 'xpsnr,cambi,psnr'], 'v3');
    expect(out.code, out.stderr).toBe(0);
    const [header, , row] = out.stdout.split('\n').slice(2);
    expect(header!.split(/\s{2,}/)).toEqual(
      expect.arrayContaining(['PSNR-Y', 'XPSNR-Y', 'XPSNR-U', 'XPSNR-V', 'CAMBI']),
    );
    expect(row).toMatch(/^dist-crf38-same\.mp4\s+15\s/);
    expect(out.stdout).toContain('lower is better');
  });
});

describe('vq score --metrics cambi,xpsnr on FFmpeg 4.1 + libvmaf 1.3.7 (the default build)', () => {
  it('only CAMBI and XPSNR: a clear error with both reasons, exit 1', () => {
    const out = vq(['score', '--ref', ref, '--dist', dist, '--metrics', 'cambi,xpsnr'], 'default');
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(/CAMBI needs libvmaf 2 or later/);
    expect(out.stderr).toMatch(/XPSNR needs FFmpeg 7\.1 or later/);
    expect(out.stderr).toContain('[UNSUPPORTED]');
  });

  it('with PSNR: PSNR computed, CAMBI and XPSNR listed as unavailable in --json', () => {
    const out = vq(
      ['score', '--ref', ref, '--dist', dist, '--metrics', 'cambi,psnr,xpsnr', '--json'],
      'default',
    );
    expect(out.code, out.stderr).toBe(0);
    const res = (JSON.parse(out.stdout) as ScoreJson).results[0]!;
    expect(Object.keys(res.metrics)).toEqual(['psnrY', 'psnr']);
    expect(res.unavailable.map((u) => u.metric)).toEqual(['cambi', 'xpsnr']);
    for (const u of res.unavailable) expect(u.reason).toMatch(/needs/);
    expect(out.stderr).toMatch(/cambi unavailable: CAMBI needs/);
  });
});

describe('vq score flags', () => {
  it('--help lists CAMBI and XPSNR and what each needs', () => {
    const out = vq(['score', '--help'], 'default');
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/cambi\s+CAMBI .*libvmaf 2 or later/);
    expect(out.stdout).toMatch(/xpsnr\s+XPSNR .*FFmpeg 7\.1 or later/);
  });

  it('an unknown metric is a usage error naming all six', () => {
    const out = vq(['score', '--ref', ref, '--dist', dist, '--metrics', 'vmaf,vif'], 'default');
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('use vmaf, psnr, ssim, ms_ssim, cambi, xpsnr');
  });
});
