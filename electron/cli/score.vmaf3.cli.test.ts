// The real `vq score` in a child process on FFmpeg 7.1.5 + libvmaf 3.2.0 (../shared/toolchain,
// chosen with VQ_FFMPEG/VQ_FFPROBE): its per-frame VMAF, NEG and MS-SSIM equal the hand-written
// FFmpeg 7.1 libvmaf command on the same inputs to 1e-6. FAILS (never skips) without the build.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScoreJson } from '../core/scoreEngine';
import { parseLibvmafJson } from '../core/scoreEngine/logs';
import { makeDistorted, makeReference } from '../testing/scoreFixtures';
import { useTempDirs } from '../testing/tempDir';
import { sharedVmaf3Build, type Vmaf3Build } from '../testing/vmaf3Build';
import { csvColumn } from '../testing/vmafTool';

const tempDir = useTempDirs('vq-score-v3-cli-');
let b: Vmaf3Build;
let clips: string;
let ref: string;
let dist: string;

beforeAll(() => {
  b = sharedVmaf3Build();
  clips = fs.mkdtempSync(path.join(os.tmpdir(), 'vq-score-v3-cli-clips-'));
  ref = makeReference(clips, { width: 320, height: 240, fps: 24, seconds: 1 });
  dist = makeDistorted(clips, ref, { crf: 38, width: 240, height: 180 });
});
afterAll(() => {
  if (clips) fs.rmSync(clips, { recursive: true, force: true });
});

function vq(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.resolve('bin/vq.mjs'), ...args], {
    env: { ...b.env, VQ_DATA_DIR: tempDir(), VQ_FFMPEG: b.ffmpeg, VQ_FFPROBE: b.ffprobe },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The command a person types on FFmpeg 7.1 (libvmaf 2+ syntax). */
function handWritten(libvmafOpts: string): Record<string, number[]> {
  const log = path.join(tempDir(), 'hand.json');
  execFileSync(
    b.ffmpeg,
    [
      ...['-hide_banner', '-loglevel', 'error', '-nostdin', '-y'],
      ...['-r', '24', '-i', dist, '-r', '24', '-i', ref],
      '-lavfi',
      '[0:v]scale=320:240:flags=bicubic,settb=AVTB,setpts=PTS-STARTPTS[d];' +
        '[1:v]settb=AVTB,setpts=PTS-STARTPTS[r];' +
        `[d][r]libvmaf=${libvmafOpts}:log_fmt=json:log_path=${log}`,
      ...['-f', 'null', '-'],
    ],
    { env: b.env, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const frames = parseLibvmafJson(fs.readFileSync(log, 'utf8')).frames;
  const out: Record<string, number[]> = {};
  for (const k of Object.keys(frames[0]!.metrics)) out[k] = frames.map((f) => f.metrics[k]!);
  return out;
}

function expectSame(ours: number[], theirs: number[] | undefined, what: string): void {
  expect(theirs, what).toBeDefined();
  expect(ours.length, what).toBe(theirs!.length);
  ours.forEach((v, i) =>
    expect(Math.abs(v - theirs![i]!), `${what} frame ${i}`).toBeLessThanOrEqual(1e-6),
  );
}

describe('vq score on FFmpeg 7.1 + libvmaf 3.2 equals the hand-written command (1e-6 per frame)', () => {
  for (const model of ['vmaf_v0.6.1', 'vmaf_v0.6.1neg']) {
    it(`--model ${model} with MS-SSIM`, () => {
      const csv = path.join(tempDir(), 'frames.csv');
      const r = vq([
        ...['score', '--ref', ref, '--dist', dist, '--model', model],
        ...['--metrics', 'vmaf,ms_ssim', '--json', '--per-frame', csv],
      ]);
      expect(r.stderr).not.toMatch(/error/i);
      expect(r.code).toBe(0);
      const res = (JSON.parse(r.stdout) as ScoreJson).results[0]!;
      expect(res.ffmpeg).toMatchObject({ path: b.ffmpeg, libvmafApi: 2, libvmafVersion: '3.2.0' });
      expect(res.model).toBe(model);
      expect(res.frames).toBe(24);
      const hand = handWritten(`model=version=${model}:feature=name=float_ms_ssim`);
      expectSame(csvColumn(csv, 'vmaf'), hand.vmaf, `${model} vmaf`);
      expectSame(csvColumn(csv, 'ms_ssim'), hand.float_ms_ssim, `${model} ms_ssim`);
      const mean = hand.vmaf!.reduce((a, x) => a + x, 0) / hand.vmaf!.length;
      expect(Math.abs(res.metrics.vmaf!.mean! - mean)).toBeLessThan(1e-9);
    });
  }
});
