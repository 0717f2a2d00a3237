// The real `vq shot-encode` on a clip of three unlike scenes joined by hard cuts (FFmpeg 7.1.5 +
// libvmaf 3.2.0): each shot gets its own CRF, the output is the whole title with a keyframe at
// every shot start, within the bitrate asked, and its VMAF is what libvmaf's own command gives.
// FAILS (never skips) without the build.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ShotEncodeResult } from '../core/target/shotEncode';
import { describeShotEncode } from './shotEncodeCommand';
import { makeEditedClip } from '../testing/sceneClip';
import { useTempDirs } from '../testing/tempDir';
import { sharedVmaf3Build, type Vmaf3Build } from '../testing/vmaf3Build';
import { runVq, type VqRun } from '../testing/vqProcess';

const tempDir = useTempDirs('vq-shot-cli-');
let b: Vmaf3Build;
let dir: string;
let clip: string;

beforeAll(() => {
  b = sharedVmaf3Build();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vq-shot-clips-'));
  // testsrc2 (simple graphics), mandelbrot (fine detail), testsrc: unlike costs per quality.
  clip = makeEditedClip(dir, {
    parts: [50, 50, 50],
    transitions: [{ kind: 'cut' }, { kind: 'cut' }],
    width: 320,
    height: 180,
  }).path;
});
afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

function vq(args: string[]): VqRun {
  return runVq(args, {
    ...b.env,
    VQ_DATA_DIR: tempDir(),
    VQ_FFMPEG: b.ffmpeg,
    VQ_FFPROBE: b.ffprobe,
  });
}

describe('vq shot-encode', () => {
  it('encodes each shot at its own CRF, joins them whole, within the bitrate, scored truly', () => {
    const grid = ['--encoder', 'x264', '--preset', 'ultrafast', '--crfs', '20,28,36,44'];
    const out = path.join(dir, 'shots.mp4');
    // Half-way between the cheapest and the dearest choice: the allocation has something to do.
    const probe = vq([
      'shot-encode',
      clip,
      ...grid,
      '--target-kbps',
      '1',
      '--out',
      path.join(dir, 'probe.mp4'),
      '--json',
    ]);
    expect(probe.code).toBe(1); // 1 kb/s is out of reach, and it says so
    expect(probe.stderr).toMatch(/out of reach: the cheapest choice .* needs \d+ kb\/s/);
    const curve = (JSON.parse(probe.stdout) as ShotEncodeResult).curve;
    const kbps = Math.round((curve[0]!.bitrateKbps + curve.at(-1)!.bitrateKbps) / 2);

    const r = vq([
      'shot-encode',
      clip,
      ...grid,
      '--target-kbps',
      String(kbps),
      '--out',
      out,
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const res = JSON.parse(r.stdout) as ShotEncodeResult;
    expect(res.shots.map((s) => [s.start, s.end])).toEqual([
      [0, 50],
      [50, 100],
      [100, 150],
    ]);
    expect(res.grid).toHaveLength(3);
    expect(res.grid[0]).toHaveLength(4);
    const o = res.outputs[0]!;
    expect(o.met).toBe(true);
    expect(o.predicted.bitrateKbps).toBeLessThanOrEqual(kbps);
    // The joined file spends what the chosen shot encodes spent (the same packets, copied).
    expect(o.result.bitrateKbps).toBeCloseTo(o.predicted.bitrateKbps, 6);
    // Not one CRF for all: the shots differ in cost, so their CRFs differ.
    expect(new Set(o.shots.map((s) => s.crf)).size).toBeGreaterThan(1);

    // The whole title, a keyframe at each shot start.
    const packets = execFileSync(
      b.ffprobe,
      [
        '-v',
        'error',
        '-select_streams',
        'v:0',
        '-show_entries',
        'frame=key_frame',
        '-of',
        'csv=p=0',
        out,
      ],
      { env: b.env, encoding: 'utf8' },
    )
      .trim()
      .split('\n')
      .map((l) => l.split(',')[0]);
    expect(packets).toHaveLength(150);
    for (const start of [0, 50, 100]) expect(packets[start]).toBe('1');

    // Its VMAF is libvmaf's own (FFmpeg 7.1 + libvmaf 3.2 by hand) to 1e-4.
    const log = path.join(dir, 'vmaf.json');
    execFileSync(
      b.ffmpeg,
      [
        '-v',
        'error',
        '-i',
        out,
        '-i',
        clip,
        '-lavfi',
        `[0:v]setpts=PTS-STARTPTS[d];[1:v]setpts=PTS-STARTPTS[r];[d][r]libvmaf=log_fmt=json:log_path=${log}`,
        '-f',
        'null',
        '-',
      ],
      { env: b.env },
    );
    const hand = (
      JSON.parse(fs.readFileSync(log, 'utf8')) as { pooled_metrics: { vmaf: { mean: number } } }
    ).pooled_metrics.vmaf.mean;
    expect(o.result.vmaf).toBeCloseTo(hand, 4);
    // The curve's prediction holds within a VMAF point (one frame at each cut sees another CRF).
    expect(Math.abs(o.result.vmaf - o.predicted.vmaf)).toBeLessThan(1);
    expect(r.stderr).toContain('wrote');
  });

  it('makes an optimized ladder across picture heights: each output at the height that does best for its bitrate', () => {
    const grid = ['--encoder', 'x264', '--preset', 'ultrafast', '--crfs', '20,36'];
    const heights = ['--heights', '180,90'];
    // What each height can do, from a run whose target is out of reach.
    const probe = vq([
      'shot-encode',
      clip,
      ...grid,
      ...heights,
      '--target-kbps',
      '1',
      '--out',
      path.join(dir, 'probe-h.mp4'),
      '--json',
    ]);
    expect(probe.code, probe.stderr).toBe(1);
    const p = JSON.parse(probe.stdout) as ShotEncodeResult;
    expect(p.heights).toEqual([180, 90]);
    expect(p.grid[0]!.map((g) => `${g.height}/${g.crf}`)).toEqual([
      '180/20',
      '180/36',
      '90/20',
      '90/36',
    ]);
    const at = (h: number): { bitrateKbps: number; vmaf: number }[] =>
      p.curves.find((c) => c.height === h)!.points;
    const small = at(90);
    const big = at(180);
    // Small pictures are cheaper: a budget under the big ones' cheapest only they can meet.
    expect(small[0]!.bitrateKbps).toBeLessThan(big[0]!.bitrateKbps);
    const low = Math.floor((small[0]!.bitrateKbps + big[0]!.bitrateKbps) / 2);
    // Big pictures at their best are better than small ones at theirs.
    expect(big.at(-1)!.vmaf).toBeGreaterThan(small.at(-1)!.vmaf);
    const high = Math.ceil(big.at(-1)!.bitrateKbps) + 1;

    const folder = path.join(dir, 'ladder');
    const r = vq([
      'shot-encode',
      clip,
      ...grid,
      ...heights,
      '--target-kbps',
      `${low},${high}`,
      '--out',
      folder,
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const res = JSON.parse(r.stdout) as ShotEncodeResult;
    expect(res.outputs.map((o) => [o.height, o.met])).toEqual([
      [90, true],
      [180, true],
    ]);
    // The envelope says which height gives each point of the title's best curve.
    expect(new Set(res.curve.map((c) => c.height))).toEqual(new Set([90, 180]));
    for (const o of res.outputs) {
      expect(o.shots.every((s) => s.height === o.height)).toBe(true);
      // The file is the whole title at that height, a keyframe at each shot start.
      const frames = execFileSync(
        b.ffprobe,
        [
          ...['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'frame=key_frame,height'],
          ...['-of', 'csv=p=0', o.result.file],
        ],
        { env: b.env, encoding: 'utf8' },
      )
        .trim()
        .split('\n')
        .map((l) => l.split(','));
      expect(frames).toHaveLength(150);
      expect(new Set(frames.map((f) => f[1]))).toEqual(new Set([String(o.height)]));
      for (const start of [0, 50, 100]) expect(frames[start]![0]).toBe('1');
      // Scored at the title's size, as the curve predicted.
      expect(Math.abs(o.result.vmaf - o.predicted.vmaf)).toBeLessThan(1);
    }
    expect(describeShotEncode(res)).toMatch(/Target .*: 90p, VMAF/);
    // A height above the title's is refused before any encode.
    const tall = vq([
      'shot-encode',
      clip,
      ...grid,
      '--heights',
      '360,180',
      '--target-kbps',
      '100',
      '--out',
      path.join(dir, 'tall.mp4'),
    ]);
    expect(tall.code).toBe(1);
    expect(tall.stderr).toContain('360p is not a height this title can be encoded at');
    expect(fs.existsSync(path.join(dir, 'tall.mp4'))).toBe(false);
  });

  it('says what is wrong with bad options', () => {
    const cases: [string[], string][] = [
      [['shot-encode', 'a.mp4', '--target-kbps', '500', '--out', 'o.mp4'], 'needs --encoder'],
      [
        ['shot-encode', 'a.mp4', '--encoder', 'x264', '--out', 'o.mp4'],
        'needs one of --target-vmaf Q or --target-kbps K',
      ],
      [
        [
          'shot-encode',
          'a.mp4',
          '--encoder',
          'x264',
          '--target-kbps',
          '500',
          '--target-vmaf',
          '93',
          '--out',
          'o.mp4',
        ],
        'needs one of',
      ],
      [
        ['shot-encode', 'a.mp4', '--encoder', 'x264', '--target-kbps', '500,x', '--out', 'o'],
        '--target-kbps 500,x',
      ],
      [
        ['shot-encode', 'a.mp4', '--encoder', 'x264', '--target-kbps', '500', '--out', 'o.avi'],
        'name a .mp4, .mkv or .webm file',
      ],
      [
        [
          'shot-encode',
          'a.mp4',
          '--encoder',
          'x264',
          '--target-kbps',
          '500',
          '--out',
          'o.mp4',
          '--crfs',
          '30',
        ],
        'at least two CRFs',
      ],
      [
        [
          'shot-encode',
          'a.mp4',
          '--encoder',
          'x264',
          '--target-kbps',
          '500',
          '--out',
          'o.mp4',
          '--crfs',
          '30,70',
        ],
        '--crfs 30,70',
      ],
    ];
    const base = ['shot-encode', 'a.mp4', '--encoder', 'x264', '--target-kbps', '500'];
    cases.push(
      [[...base, '--out', 'o.mp4', '--heights', '720,abc'], '--heights 720,abc'],
      [[...base, '--out', 'o.mp4', '--heights', '1080,900,720,540,480,360,240'], 'at most 6'],
    );
    for (const [args, message] of cases) {
      const r = vq(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain(message);
    }
  });
});
