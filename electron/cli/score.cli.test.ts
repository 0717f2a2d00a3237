import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScoreJson } from '../core/scoreEngine';
import { makeDistorted, makeReference } from '../testing/scoreFixtures';
import { makeClip, quickLadder, quickRung } from '../testing/clips';
import { testMedia, useTempDirs } from '../testing/tempDir';
import type { EncodeManifest } from './manifest';

// The real `vq score` (and `vq encode --score`) in a child process, each over its own data dir.
const tempDir = useTempDirs('vq-score-cli-');
let clips: string;
let ref: string;
let short: string;

beforeAll(() => {
  clips = fs.mkdtempSync(path.join(os.tmpdir(), 'vq-score-cli-clips-'));
  ref = makeReference(clips, { width: 320, height: 240, fps: 24, seconds: 1 });
  short = makeDistorted(clips, ref, { crf: 30, frames: 12, name: 'short.mp4' });
});
afterAll(() => fs.rmSync(clips, { recursive: true, force: true }));

function vq(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.resolve('bin/vq.mjs'), ...args], {
    env: { ...process.env, VQ_DATA_DIR: tempDir() },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('vq score', () => {
  it('--json reproduces the published ffmpeg-quality-metrics VMAF; --per-frame writes the CSV', () => {
    const csv = path.join(tempDir(), 'frames.csv');
    const refFile = testMedia('ffmpeg-quality-metrics/ref-1280x720.mkv');
    const distFile = testMedia('ffmpeg-quality-metrics/dist-854x480.mkv');
    const r = vq(['score', '--ref', refFile, '--dist', distFile, '--json', '--per-frame', csv]);
    expect(r.stderr).toMatch(
      /pre-flight of dist-854x480\.mkv[\s\S]*upscaled to the reference size/,
    );
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as ScoreJson;
    expect(out.reference).toBe(fs.realpathSync(refFile));
    expect(out.results).toHaveLength(1);
    const res = out.results[0]!;
    expect(res.distorted).toBe(fs.realpathSync(distFile));
    expect(res.frames).toBe(3);
    expect(Object.keys(res.metrics)).toEqual(['vmaf', 'psnrY', 'psnr', 'ssimY', 'ssim', 'msSsim']);
    const vmaf = res.metrics.vmaf!;
    expect(Math.abs(vmaf.mean! - (15.44212 + 15.85038 + 15.63546) / 3)).toBeLessThan(1e-12);
    expect(Math.abs(vmaf.mean! - 15.642656)).toBeLessThan(5e-6);
    expect(vmaf.min).toBe(15.44212);
    expect(vmaf.max).toBe(15.85038);
    for (const k of ['harmonicMean', 'p1', 'p5', 'stdev'] as const)
      expect(typeof vmaf[k]).toBe('number');
    expect(res.command[0]).toBe(res.ffmpeg.path);
    expect(res.ffmpeg).toMatchObject({ libvmafApi: 1 });
    expect(res.ffmpeg.version).toEqual(expect.any(String));
    expect(res.warnings).toEqual([]);

    const lines = fs.readFileSync(csv, 'utf8').trim().split('\n');
    // The series, then libvmaf 1.3.7's elementary features (scoreEngine/export.ts perFrameCsv).
    expect(lines[0]).toBe(
      'distorted,frame,vmaf,psnr_y,psnr,ssim_y,ssim,ms_ssim,' +
        'adm2,motion2,vif_scale0,vif_scale1,vif_scale2,vif_scale3',
    );
    expect(lines.slice(1).map((l) => Number(l.split(',')[2]))).toEqual([
      15.44212, 15.85038, 15.63546,
    ]);
  });

  it('prints a readable table with the command; refuses a shorter distorted video until --fix', () => {
    // Without matching frames by their pictures (the default would match them: score.align tests).
    const off = ['--align', 'off'];
    const blocked = vq(['score', '--ref', ref, '--dist', short, '--metrics', 'psnr,ssim', ...off]);
    expect(blocked.code).toBe(1);
    expect(blocked.stderr).toMatch(/pre-flight of short\.mp4[\s\S]*BLOCKS: .*12 frames/);
    expect(blocked.stderr).toMatch(/\[fix: align-frames \| trim-to-shortest\]/);
    expect(blocked.stderr).toMatch(/--fix NAME/);
    expect(blocked.stdout).toBe('');

    const json = vq([
      'score',
      '--ref',
      ref,
      '--dist',
      short,
      '--metrics',
      'psnr',
      '--json',
      ...off,
    ]);
    expect(json.code).toBe(1);
    const err = JSON.parse(json.stdout) as {
      error: { code: string };
      blocked: { findings: { id: string }[] }[];
    };
    expect(err.error.code).toBe('PREFLIGHT_BLOCKED');
    expect(err.blocked[0]!.findings[0]!.id).toBe('frames-mismatch');

    const fixed = vq([
      'score',
      '--ref',
      ref,
      '--dist',
      short,
      '--metrics',
      'psnr,ssim',
      '--fix',
      'trim-to-shortest',
    ]);
    expect(fixed.code).toBe(0);
    expect(fixed.stderr).toMatch(/applied: trim-to-shortest/);
    expect(fixed.stdout).toMatch(
      /distorted +frames +VMAF +harmonic +p5 +min +PSNR-Y +PSNR +SSIM-Y +SSIM +MS-SSIM/,
    );
    expect(fixed.stdout).toMatch(
      /short\.mp4 +12 +– +– +– +– +\d+\.\d{3} +\d+\.\d{3} +0\.\d{5} +0\.\d{5} +–/,
    );
    expect(fixed.stdout).toMatch(/Fixes applied:\n {2}short\.mp4: trim-to-shortest/);
    expect(fixed.stdout).toMatch(/Command: .*ffmpeg .*psnr=stats_file=/);
  });

  it('exits 1 on a missing file and 2 on usage errors, with clear messages', () => {
    const missing = vq(['score', '--ref', ref, '--dist', path.join(clips, 'nope.mp4')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/nope\.mp4/);
    expect(missing.stderr).toMatch(/\[NOT_FOUND\]/);
    const usage: [string[], RegExp][] = [
      [['score', '--ref', ref], /at least one --dist/],
      [['score', '--dist', ref], /needs --ref/],
      [['score', '--ref', ref, '--dist', ref, '--metrics', 'vmaf,blur'], /unknown metric "blur"/],
      [['score', '--ref', ref, '--dist', ref, '--fix', 'magic'], /unknown fix "magic"/],
      [['score', '--ref', ref, '--dist', ref, '--frames', '0'], /--frames 0/],
      [['score', '--ref', ref, '--dist', ref, '--scale', 'big'], /--scale/],
    ];
    for (const [args, message] of usage) {
      const r = vq(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
    }
  });
});

describe('vq encode --score', () => {
  it('scores each rendition after its encode and puts the pooled scores in the manifest', () => {
    const dir = tempDir();
    const source = makeClip(dir, { width: 320, height: 240, fps: 24, seconds: 0.5 });
    const ladderFile = path.join(dir, 'ladder.json');
    fs.writeFileSync(
      ladderFile,
      JSON.stringify(quickLadder('sc', [quickRung({ id: 'r180', height: 180 })])),
    );
    const out = path.join(dir, 'out');
    const r = vq(['encode', source, '--ladder', ladderFile, '--out', out, '--score']);
    expect(r.stderr).not.toMatch(/failed/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /rung +size +encoder +bitrate +file size +time +VMAF +PSNR +SSIM +file/,
    );
    const manifest = JSON.parse(
      fs.readFileSync(path.join(out, 'manifest.json'), 'utf8'),
    ) as EncodeManifest;
    expect(manifest.renditions).toHaveLength(1);
    const scores = manifest.renditions[0]!.scores!;
    expect(scores.frames).toBe(12);
    expect(scores.metrics.vmaf!.mean).toBeGreaterThan(20);
    expect(scores.metrics.psnr!.mean).toBeGreaterThan(20);
    expect(scores.metrics.ssim!.mean).toBeGreaterThan(0.5);
    expect(scores.model).toMatch(/vmaf_v0\.6\.1\.pkl$/);
    expect(manifest.scoreFailed).toEqual([]);
    expect(manifest.failed).toEqual([]);
  });
});
