// The real `vq` in a child process with the VMAF v1 models on FFmpeg 7.1.5 + libvmaf 3.2.0
// (../shared/toolchain): `--model NAME` equals libvmaf's own `vmaf` tool on y4m of the same frames
// (1e-4 per frame), a size the model cannot run on is refused before ffmpeg runs, an unknown name
// lists the build's models, and `vq doctor` reports the eight v1 built-ins. FAILS (never skips)
// without the build.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VMAF_V1_MODELS } from '../../shared/score';
import type { ToolchainReport } from '../../shared/toolchain';
import type { ScoreJson } from '../core/scoreEngine';
import { csvColumn, logSeries, vmafToolLog } from '../testing/vmafTool';
import { makeDistorted, makeReference } from '../testing/scoreFixtures';
import { useTempDirs } from '../testing/tempDir';
import { sharedVmaf3Build, type Vmaf3Build } from '../testing/vmaf3Build';

const tempDir = useTempDirs('vq-score-v1-cli-');
let b: Vmaf3Build;
let clips: string;
/** 10 frames at 240x160 and 320x320 (the smallest sizes the v1 models run on comfortably). */
let small: { ref: string; dist: string };
let square: { ref: string; dist: string };

beforeAll(() => {
  b = sharedVmaf3Build();
  clips = fs.mkdtempSync(path.join(os.tmpdir(), 'vq-score-v1-cli-clips-'));
  for (const [w, h] of [
    [240, 160],
    [320, 320],
  ] as const) {
    const ref = makeReference(clips, { width: w, height: h, fps: 24, seconds: 10 / 24 });
    const dist = makeDistorted(clips, ref, { crf: 35, name: `dist-${w}x${h}.mp4` });
    if (w === 240) small = { ref, dist };
    else square = { ref, dist };
  }
});
afterAll(() => {
  if (clips) fs.rmSync(clips, { recursive: true, force: true });
});

function vq(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.resolve('bin/vq.mjs'), ...args], {
    env: { ...b.env, VQ_DATA_DIR: tempDir(), VQ_FFMPEG: b.ffmpeg, VQ_FFPROBE: b.ffprobe, ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("vq score --model <v1 name> equals libvmaf's vmaf tool (1e-4 per frame)", () => {
  const cases: [string, () => { ref: string; dist: string }, number][] = [
    ['vmaf_v1.0.16_3d0h', () => small, 240],
    ['vmaf_v1.0.16_hfr_3d0h_2160', () => square, 320],
  ];
  for (const [model, clip, width] of cases) {
    it(model, () => {
      const c = clip();
      const csv = path.join(tempDir(), 'frames.csv');
      const r = vq([
        ...['score', '--ref', c.ref, '--dist', c.dist, '--model', model.toUpperCase()],
        ...['--metrics', 'vmaf', '--json', '--per-frame', csv],
      ]);
      expect(r.stderr).not.toMatch(/error/i);
      expect(r.code).toBe(0);
      const res = (JSON.parse(r.stdout) as ScoreJson).results[0]!;
      expect(res.ffmpeg).toMatchObject({ path: b.ffmpeg, libvmafApi: 2, libvmafVersion: '3.2.0' });
      expect(res.model).toBe(model);
      expect(res.frames).toBe(10);
      const tool = vmafToolLog(b, {
        reference: c.ref,
        distorted: c.dist,
        dir: tempDir(),
        width,
        height: width === 240 ? 160 : 320,
        args: ['-m', `version=${model}`],
      });
      const key = Object.keys(tool.frames[0]!.metrics).find((k) => k.startsWith('vmaf'))!;
      const theirs = logSeries(tool, key);
      const ours = csvColumn(csv, 'vmaf');
      expect(ours).toHaveLength(theirs.length);
      ours.forEach((v, i) =>
        expect(Math.abs(v - theirs[i]!), `frame ${i}`).toBeLessThanOrEqual(1e-4),
      );
    });
  }
});

describe('vq score refuses what the build cannot do, before ffmpeg runs', () => {
  it('a v1 model on too small a picture: exit 1, the minimum and a --scale that works', () => {
    const r = vq([
      'score',
      '--ref',
      small.ref,
      '--dist',
      small.dist,
      '--model',
      'vmaf_v1.0.16_5d0h',
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'vmaf_v1.0.16_5d0h cannot score videos compared at 240x160: in libvmaf 3.2 it needs at ' +
        'least 266x266 pixels',
    );
    expect(r.stderr).toContain('--scale 400x266');
    expect(r.stderr).toContain('[UNSUPPORTED]');
    expect(r.stdout).not.toContain('Command:');
  });

  it('an unknown model name: NOT_FOUND, listing the names the build has', () => {
    const r = vq(['score', '--ref', small.ref, '--dist', small.dist, '--model', 'vmaf_v9']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'No VMAF model named vmaf_v9 was found for this ffmpeg (libvmaf 3.2.0)',
    );
    for (const m of VMAF_V1_MODELS) expect(r.stderr).toContain(m);
    expect(r.stderr).toContain('[NOT_FOUND]');
  });
});

describe('vq doctor with VQ_FFMPEG_DIRS reports the VMAF v1 built-ins', () => {
  it('in its text and in --json', () => {
    const env = {
      VQ_FFMPEG: undefined,
      VQ_FFPROBE: undefined,
      VQ_FFMPEG_DIRS: path.join(b.dir, 'bin'),
    };
    const text = vq(['doctor'], env);
    expect(text.code).toBe(0);
    const line = text.stdout
      .split('\n')
      .find((l) => l.includes('built-in models:') && l.includes('v1.0.16'));
    expect(line, text.stdout).toBeDefined();
    for (const m of VMAF_V1_MODELS) expect(line!.split(/\s+/)).toContain(m);
    const json = vq(['doctor', '--json'], env);
    const report = JSON.parse(json.stdout) as ToolchainReport;
    const build = report.binaries.find((x) => x.kind === 'ffmpeg' && x.path === b.ffmpeg)!;
    expect(build.source).toBe('env-dirs');
    const builtins = build.libvmaf!.models.filter((m) => m.format === 'builtin').map((m) => m.name);
    expect(builtins).toEqual(expect.arrayContaining([...VMAF_V1_MODELS]));
    expect(report.selected.score).toBe(b.ffmpeg);
  });
});
