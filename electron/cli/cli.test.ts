import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { testMedia, useTempDirs } from '../testing/tempDir';

// The real `vq` command in a child process, each test over its own data dir.
const tempDir = useTempDirs();

function vq(args: string[], dataDir = tempDir(), cwd = process.cwd()): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.resolve('bin/vq.mjs'), ...args], {
    cwd,
    env: { ...process.env, VQ_DATA_DIR: dataDir, VQ_VMAF_MODEL_DIR: path.resolve('../shared/vmaf-models') },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('vq doctor', () => {
  it('--json lists both ffmpeg builds, libvmaf api 1 and the models', () => {
    const r = vq(['doctor', '--json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as {
      binaries: { path: string; kind: string; version: string; encoders: string[]; libvmaf: { api: number; models: { name: string }[] } | null; filters: string[]; defects: unknown[] }[];
      selected: { encode: string; score: string; probe: string };
    };
    const ffmpegs = report.binaries.filter((b) => b.kind === 'ffmpeg');
    expect(ffmpegs.length).toBeGreaterThanOrEqual(2);
    const withVmaf = ffmpegs.find((b) => b.libvmaf);
    expect(withVmaf?.libvmaf?.api).toBe(1);
    expect(withVmaf?.libvmaf?.models.map((m) => m.name)).toContain('vmaf_v0.6.1');
    expect(report.selected.score).toBe(withVmaf?.path);
    expect(report.selected.encode).toBeTruthy();
    expect(report.selected.probe).toBeTruthy();
  });

  it('prints a readable table', () => {
    const r = vq(['doctor']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/encode with/);
    expect(r.stdout).toMatch(/libvmaf/);
  });
});

describe('vq probe', () => {
  it('--json gives camelCase facts', () => {
    const r = vq(['probe', testMedia('androidx-media/roadtrip-vp92-10bit.webm'), '--json']);
    expect(r.code).toBe(0);
    const info = JSON.parse(r.stdout) as { video: { codec: string; width: number; height: number; bitDepth: number; pixFmt: string; frameRate: number; frameCount: number; hdr: null }; durationSeconds: number; bitrateKbps: number; audio: unknown[] };
    expect(info.video).toMatchObject({ codec: 'vp9', width: 426, height: 240, bitDepth: 10, pixFmt: 'yuv420p10le', frameCount: 72, hdr: null });
    expect(info.video.frameRate).toBeCloseTo(23.976, 2);
    expect(info.audio).toEqual([]);
    expect(info.durationSeconds).toBeGreaterThan(2.9);
  });

  it('reads raw YUV with --raw', () => {
    const r = vq(['probe', testMedia('openh264/CiscoVT2people_160x96_6fps.yuv'), '--raw', '160x96:yuv420p:6', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).video).toMatchObject({ width: 160, height: 96, frameCount: 5 });
  });

  it('prints a human summary', () => {
    const r = vq(['probe', testMedia('androidx-media/hlg10-color-test.mp4')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/hevc/);
    expect(r.stdout).toMatch(/HLG/);
  });

  it.each([
    ['a missing file', (d: string) => path.join(d, 'nope.mp4'), /not found|does not exist/i],
    ['a directory', (d: string) => d, /folder|directory/i],
    ['a zero-byte file', (d: string) => (fs.writeFileSync(path.join(d, 'z.mp4'), ''), path.join(d, 'z.mp4')), /empty|0 bytes|zero/i],
    ['a text file', (d: string) => (fs.writeFileSync(path.join(d, 't.mp4'), 'hello\n'.repeat(100)), path.join(d, 't.mp4')), /not a video|cannot read|not.*media/i],
  ])('fails with exit 1 and a clear message for %s', (_name, make, message) => {
    const dir = tempDir();
    const r = vq(['probe', make(dir)]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/); // no stack traces for expected errors
  });

  it('handles names with spaces, unicode, quotes and a leading dash', () => {
    const dir = tempDir();
    const names = ["my clip.webm", 'clip-ü-日本.webm', `it's "quoted".webm`, '-dash.webm'];
    for (const n of names) fs.copyFileSync(testMedia('androidx-media/bear-vp9.webm'), path.join(dir, n));
    for (const n of names.slice(0, 3)) expect(vq(['probe', path.join(dir, n), '--json']).code).toBe(0);
    // A leading dash is an option to any CLI; `--` ends the options, as usual.
    const dashed = vq(['probe', '--json', '--', '-dash.webm'], tempDir(), dir);
    expect(dashed.code).toBe(0);
    expect(JSON.parse(dashed.stdout).fileName).toBe('-dash.webm');
  });

  it('exits 2 on usage errors', () => {
    expect(vq(['probe']).code).toBe(2);
    expect(vq(['frobnicate']).code).toBe(2);
    expect(vq(['probe', 'x.yuv', '--raw', 'bad']).code).toBe(2);
  });
});

describe('vq import / list / remove', () => {
  it('manages the library in VQ_DATA_DIR', () => {
    const dataDir = tempDir();
    const imp = vq(['import', testMedia('androidx-media/bt601.mp4'), '/nope.mp4', '--json'], dataDir);
    expect(imp.code).toBe(1); // one of the two failed
    const out = JSON.parse(imp.stdout) as { imported: { id: string }[]; failed: { code: string }[] };
    expect(out.imported).toHaveLength(1);
    expect(out.failed[0]?.code).toBe('NOT_FOUND');
    const list = vq(['list'], dataDir);
    expect(list.stdout).toMatch(/bt601\.mp4/);
    const id = out.imported[0]!.id;
    expect(vq(['remove', id], dataDir).code).toBe(0);
    expect(JSON.parse(vq(['list', '--json'], dataDir).stdout)).toEqual([]);
    expect(fs.existsSync(testMedia('androidx-media/bt601.mp4'))).toBe(true);
  });
});
