// `vq bdrate` and `vq hull` as a person runs them: the real CLI in a child process, with CSV and
// JSON files written to a temp dir (BD-rate vectors from ../shared/reference/bdrate-vectors.json).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LadderSchema } from '../../shared/ladder';
import { testMedia, useTempDirs } from '../testing/tempDir';

const tempDir = useTempDirs();

function vq(args: string[], dataDir = tempDir()): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.resolve('bin/vq.mjs'), ...args], {
    env: { ...process.env, VQ_DATA_DIR: dataDir, VQ_VMAF_MODEL_DIR: path.resolve('../shared/vmaf-models') },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface Vector {
  id: string;
  anchor: [number, number][];
  test: [number, number][];
  expected: Record<string, { bd_rate_percent?: number; bd_psnr_db?: number; tolerance: number }>;
}
const vectors = (JSON.parse(fs.readFileSync(path.resolve('../shared/reference/bdrate-vectors.json'), 'utf8')) as { vectors: Vector[] }).vectors;

function csv(dir: string, name: string, pairs: readonly (readonly [number, number])[], extra = false): string {
  const file = path.join(dir, name);
  const lines = extra ? ['label,quality,encoder,bitrate', ...pairs.map(([r, q], i) => `"p ${i}, x",${q},x264,${r}`)] : ['bitrate,quality', ...pairs.map(([r, q]) => `${r},${q}`)];
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

describe('vq bdrate', () => {
  for (const v of vectors) {
    for (const [key, exp] of Object.entries(v.expected)) {
      const method = key === 'any' ? 'pchip' : key;
      it(`reproduces ${v.id} (${method}) with --json`, () => {
        const dir = tempDir();
        const r = vq(['bdrate', '--anchor', csv(dir, 'a.csv', v.anchor), '--test', csv(dir, 'b.csv', v.test, true), '--method', method, '--json']);
        expect(r.stderr).toBe('');
        expect(r.code).toBe(0);
        const out = JSON.parse(r.stdout) as Record<string, unknown>;
        expect(Object.keys(out)).toEqual(['method', 'bdRatePercent', 'bdQuality', 'overlap']);
        expect(out.method).toBe(method);
        if (exp.bd_rate_percent !== undefined) expect(Math.abs((out.bdRatePercent as number) - exp.bd_rate_percent)).toBeLessThanOrEqual(exp.tolerance);
        if (exp.bd_psnr_db !== undefined) expect(Math.abs((out.bdQuality as number) - exp.bd_psnr_db)).toBeLessThanOrEqual(exp.tolerance);
        expect((out.overlap as number[]).length).toBe(2);
      });
    }
  }

  it('prints a readable summary by default (PCHIP)', () => {
    const dir = tempDir();
    const v = vectors.find((x) => x.id === 'jctvc-e137-2-pchip')!;
    const r = vq(['bdrate', '--anchor', csv(dir, 'a.csv', v.anchor), '--test', csv(dir, 'b.csv', v.test)]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/PCHIP/);
    expect(r.stdout).toMatch(/BD-rate\s+-1\.878 %\s+the test curve needs 1\.88 % fewer bits/);
    expect(r.stdout).toMatch(/BD-quality\s+\+0\.0285/);
  });

  it('exits 1 with the reason for an invalid curve', () => {
    const dir = tempDir();
    const v = vectors.find((x) => x.id === 'jctvc-e137-1-pchip')!;
    const bent = v.anchor.map(([r, q], i) => [r, i === 0 ? 39.6471 : q] as [number, number]);
    const mono = vq(['bdrate', '--anchor', csv(dir, 'bent.csv', bent), '--test', csv(dir, 'b.csv', v.test)]);
    expect(mono.code).toBe(1);
    expect(mono.stderr).toMatch(/The anchor curve is not monotonic.*\[INVALID_CURVE\]/s);

    const few = vq(['bdrate', '--anchor', csv(dir, 'three.csv', v.anchor.slice(0, 3)), '--test', csv(dir, 'b.csv', v.test), '--method', 'cubic', '--json']);
    expect(few.code).toBe(1);
    expect((JSON.parse(few.stdout) as { error: { code: string; message: string } }).error).toMatchObject({ code: 'INVALID_CURVE', message: expect.stringMatching(/anchor curve has 3 points/) });

    const far = vq(['bdrate', '--anchor', csv(dir, 'a.csv', v.anchor), '--test', csv(dir, 'far.csv', v.test.map(([r, q]) => [r, q + 100] as [number, number]))]);
    expect(far.code).toBe(1);
    expect(far.stderr).toMatch(/do not overlap in quality/);

    fs.writeFileSync(path.join(dir, 'bad.csv'), 'bitrate,quality\n100,30\n200,3O\n');
    const bad = vq(['bdrate', '--anchor', path.join(dir, 'bad.csv'), '--test', csv(dir, 'b.csv', v.test)]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--anchor .*bad\.csv: Line 3: quality "3O" is not a number\./);

    const missing = vq(['bdrate', '--anchor', path.join(dir, 'nope.csv'), '--test', csv(dir, 'b.csv', v.test)]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/nope\.csv does not exist/);
  });

  it('compares lower-is-better curves (CAMBI) with --lower-is-better', () => {
    const dir = tempDir();
    // CAMBI 1..4 at 8000/4000/2000/1000 bit/s; the test curve at half the rates: log-rate is
    // linear in CAMBI, so BD-rate is exactly −50 % and BD-quality −1 (one CAMBI less banding).
    const anchor: [number, number][] = [[8000, 1], [4000, 2], [2000, 3], [1000, 4]];
    const test = anchor.map(([r, q]) => [r / 2, q] as [number, number]);
    const args = ['bdrate', '--anchor', csv(dir, 'a.csv', anchor), '--test', csv(dir, 'b.csv', test)];
    const r = vq([...args, '--lower-is-better', '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { bdRatePercent: number; bdQuality: number; overlap: number[] };
    expect(out.bdRatePercent).toBeCloseTo(-50, 9);
    expect(out.bdQuality).toBeCloseTo(-1, 9);
    expect(out.overlap).toEqual([1, 4]);
    expect(vq([...args, '--lower-is-better']).stdout).toMatch(/lower is better, so negative means the test curve is better/);
    // Read as higher-is-better, CAMBI falling with bitrate is not a rate–quality curve; the
    // hint names the flag.
    const plain = vq(args);
    expect(plain.code).toBe(1);
    expect(plain.stderr).toMatch(/not monotonic.*quality must rise strictly with bitrate/s);
    expect(plain.stderr).toMatch(/If lower is better for this figure \(CAMBI\), pass --lower-is-better/);
  });

  it('uses only the cheapest point where a CAMBI curve reaches its lowest value at several bitrates', () => {
    const dir = tempDir();
    // The top rungs of both ladders show no banding: 0 at three bitrates each.
    const anchor: [number, number][] = [[1000, 4], [2000, 2], [4000, 0], [6000, 0], [8000, 0]];
    const test = anchor.map(([r, q]) => [r / 2, q] as [number, number]);
    const args = ['bdrate', '--anchor', csv(dir, 'a.csv', anchor), '--test', csv(dir, 'b.csv', test), '--lower-is-better'];
    const r = vq([...args, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { bdRatePercent: number; overlap: number[] };
    expect(out.bdRatePercent).toBeCloseTo(-50, 9);
    expect(out.overlap).toEqual([0, 4]);
    const text = vq(args).stdout;
    expect(text).toMatch(/the anchor curve reaches its lowest value \(0\) at 3 bitrates; only the cheapest is used/);
    expect(text).toMatch(/the test curve reaches its lowest value \(0\) at 3 bitrates/);
  });

  it('exits 2 on usage errors', () => {
    expect(vq(['bdrate', '--anchor', 'a.csv']).code).toBe(2);
    const m = vq(['bdrate', '--anchor', 'a.csv', '--test', 'b.csv', '--method', 'akima']);
    expect(m.code).toBe(2);
    expect(m.stderr).toMatch(/--method akima: use pchip or cubic/);
  });
});

// Three resolutions of one encoder; known hull: 360@100, 360@200, 720@800, 1080@1600, 1080@3200.
const points = [
  { bitrate: 100_000, quality: 60, width: 640, height: 360, label: '360-a' },
  { bitrate: 200_000, quality: 70, width: 640, height: 360, label: '360-b' },
  { bitrate: 400_000, quality: 75, width: 640, height: 360, label: '360-c' },
  { bitrate: 200_000, quality: 55, width: 1280, height: 720, label: '720-a' },
  { bitrate: 400_000, quality: 73, width: 1280, height: 720, label: '720-b' },
  { bitrate: 800_000, quality: 88, width: 1280, height: 720, label: '720-c' },
  { bitrate: 1_600_000, quality: 93, width: 1280, height: 720, label: '720-d' },
  { bitrate: 1_600_000, quality: 94, width: 1920, height: 1080, label: '1080-a' },
  { bitrate: 3_200_000, quality: 97, width: 1920, height: 1080, label: '1080-b' },
];

interface HullJson {
  format: string;
  curves: {
    encoder: string;
    settings: string;
    points: number;
    hull: { label: string; bitrate: number; group: string }[];
    crossovers: { bitrate: number; from: string; to: string }[];
    recommended: { bitrate: number; quality: number; height: number | null; why: string }[];
    ladder: unknown;
  }[];
  skipped: { label: string; reason: string }[];
}

describe('vq hull', () => {
  it('prints the hull, the crossovers and the recommended ladder of a points file', () => {
    const dir = tempDir();
    const file = path.join(dir, 'points.json');
    fs.writeFileSync(file, JSON.stringify(points));
    const r = vq(['hull', file, '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as HullJson;
    expect(out.format).toBe('points');
    const c = out.curves[0]!;
    expect(c.hull.map((p) => p.label)).toEqual(['360-a', '360-b', '720-c', '1080-a', '1080-b']);
    expect(c.crossovers.map((x) => [Math.round(x.bitrate), x.from, x.to])).toEqual([
      [400_000, '640x360', '1280x720'],
      [1_131_371, '1280x720', '1920x1080'],
    ]);
    expect(c.recommended.map((p) => Math.round(p.bitrate / 1000))).toEqual([3200, 1600, 800, 533, 333, 180]);
    expect(c.recommended.map((p) => p.height)).toEqual([1080, 1080, 720, 720, 360, 360]);
    expect(c.ladder).toBeNull(); // no encoder named

    const text = vq(['hull', file, '--target', '93', '--floor', '300k']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/5 on the convex hull/);
    expect(text.stdout).toMatch(/640x360 → 1280x720 at 400 kb\/s/);
    expect(text.stdout).toMatch(/first hull point reaching quality 93 \(94\.0 at 1,600 kb\/s\)/);
    // The recommended rungs' sizes and rates as a saved rung and every view print them.
    expect(text.stdout).toMatch(/rung +size +bitrate +quality +why\n/);
    expect(text.stdout).toMatch(/\n1 +1920×1080 +1,600 kb\/s +94\.00 +top:/);
    expect(text.stdout).toMatch(/No ladder file: the results do not name the encoder/);
  });

  it('saves the recommended ladder in the app format with --encoder', () => {
    const dir = tempDir();
    const file = path.join(dir, 'points.json');
    fs.writeFileSync(file, JSON.stringify(points));
    const ladderFile = path.join(dir, 'ladder.json');
    const r = vq(['hull', file, '--encoder', 'libx264', '--save-ladder', ladderFile, '--max-rungs', '3']);
    expect(r.code).toBe(0);
    const ladder = LadderSchema.parse(JSON.parse(fs.readFileSync(ladderFile, 'utf8')));
    expect(ladder.rungs.map((x) => [x.id, x.height, x.rateControl])).toEqual([
      ['1080p-3200k', 1080, { mode: 'abr', bitrateKbps: 3200, maxrateKbps: 4800, bufsizeKbps: 6400 }],
      ['1080p-1600k', 1080, { mode: 'abr', bitrateKbps: 1600, maxrateKbps: 2400, bufsizeKbps: 3200 }],
      ['720p-800k', 720, { mode: 'abr', bitrateKbps: 800, maxrateKbps: 1200, bufsizeKbps: 1600 }],
    ]);
  });

  it('reads a manifest.json of vq encode --score and the pooled JSON export, per encoder and quality figure', () => {
    const dir = tempDir();
    const rendition = (rungId: string, encoder: string, height: number, kbps: number, vmaf: number, psnrY: number) => ({
      rungId,
      path: path.join(dir, `${rungId}.mp4`),
      encoder,
      width: (height * 16) / 9,
      height,
      bitrateKbps: kbps,
      sizeBytes: 1000,
      command: ['ffmpeg'],
      scores: { resultId: rungId, frames: 10, metrics: { vmaf: { mean: vmaf, harmonicMean: vmaf - 1, p5: vmaf - 5 }, psnrY: { mean: psnrY } }, model: null, warnings: [] },
    });
    const manifest = {
      source: { path: '/x.mp4' },
      ladder: { id: 'l', name: 'L' },
      renditions: [
        rendition('a', 'libx264', 360, 300, 70, 34),
        rendition('b', 'libx264', 720, 1200, 90, 40),
        rendition('c', 'libx265', 720, 800, 89, 39.5),
        { ...rendition('d', 'libx265', 720, 1500, 94, 42), scores: undefined },
      ],
    };
    const file = path.join(dir, 'manifest.json');
    fs.writeFileSync(file, JSON.stringify(manifest));
    const r = vq(['hull', file, '--json', '--quality', 'psnrY']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as HullJson;
    expect(out.format).toBe('encode-manifest');
    expect(out.curves.map((c) => [c.encoder, c.hull.map((p) => p.label)])).toEqual([
      ['libx264', ['a', 'b']],
      ['libx265', ['c']],
    ]);
    expect(out.skipped).toEqual([{ label: 'd', reason: 'no PSNR-Y (dB)' }]);

    const only = vq(['hull', file, '--json', '--encoder', 'libx265']);
    expect((JSON.parse(only.stdout) as HullJson).curves.map((c) => c.encoder)).toEqual(['libx265']);
    expect(vq(['hull', file, '--encoder', 'libsvtav1']).code).toBe(1);

    const exported = { sourceId: 's1', source: 'x.mp4', bitrateUnit: 'bit/s', renditions: [
      { renditionId: 'r1', label: '360p', encoder: 'libx264', width: 640, height: 360, bitrate: 250_000, metrics: { vmafMean: 71, vmafHmean: 70, vmafP5: 60, psnr: 35, psnrY: 34, ssim: 0.9, msSsim: 0.9 } },
      { renditionId: 'r2', label: '720p', encoder: 'libx264', width: 1280, height: 720, bitrate: 900_000, metrics: { vmafMean: 88, vmafHmean: 87, vmafP5: 80, psnr: 39, psnrY: 38, ssim: 0.95, msSsim: 0.95 } },
    ] };
    const ef = path.join(dir, 'pooled.json');
    fs.writeFileSync(ef, JSON.stringify(exported));
    const e = JSON.parse(vq(['hull', ef, '--json', '--quality', 'vmafP5']).stdout) as HullJson;
    expect(e.format).toBe('analysis');
    expect(e.curves[0]!.hull.map((p) => p.label)).toEqual(['360p', '720p']);
    expect(e.curves[0]!.ladder).not.toBeNull();
  });

  it('keeps encoder settings apart: a veryfast ABR ladder and an ultrafast CRF grid are two hulls', () => {
    const dir = tempDir();
    const abr = (height: number, kbps: number, q: number) => ({ bitrate: kbps * 1000, quality: q, height, encoder: 'libx264', preset: 'veryfast', rateMode: 'abr', label: `abr-${height}` });
    const crf = (height: number, kbps: number, q: number) => ({ bitrate: kbps * 1000, quality: q, height, encoder: 'libx264', preset: 'ultrafast', rateMode: 'crf', label: `crf-${height}-${kbps}` });
    const file = path.join(dir, 'mixed.json');
    fs.writeFileSync(file, JSON.stringify([abr(234, 145, 60), abr(360, 365, 75), abr(540, 730, 86), crf(240, 120, 55), crf(240, 260, 62), crf(480, 500, 80), crf(480, 1100, 91)]));
    const out = JSON.parse(vq(['hull', file, '--json']).stdout) as HullJson;
    expect(out.curves.map((c) => [c.settings, c.points])).toEqual([
      ['libx264 ultrafast CRF', 4],
      ['libx264 veryfast ABR', 3],
    ]);
    // The ladder's rungs are one per resolution: no crossover is claimed between them.
    expect(out.curves[1]!.crossovers).toEqual([]);
    expect(out.curves[0]!.crossovers.map((x) => [x.from, x.to])).toEqual([['240p', '480p']]);
    // One encoder, two settings: --save-ladder needs --settings, and the ladder keeps that preset.
    const ladderFile = path.join(dir, 'ladder.json');
    const refused = vq(['hull', file, '--save-ladder', ladderFile]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/2 encoder settings \("libx264 ultrafast CRF", "libx264 veryfast ABR"\); choose one with --settings NAME/);
    expect(vq(['hull', file, '--settings', 'libx264 slow CRF']).stderr).toMatch(/The file has "libx264 ultrafast CRF", "libx264 veryfast ABR"/);
    const saved = vq(['hull', file, '--settings', 'libx264 ultrafast CRF', '--save-ladder', ladderFile, '--floor', '50k']);
    expect(saved.code).toBe(0);
    const ladder = LadderSchema.parse(JSON.parse(fs.readFileSync(ladderFile, 'utf8')));
    expect(new Set(ladder.rungs.map((r) => r.preset))).toEqual(new Set(['ultrafast']));
  });

  it('probes the renditions of `vq score --json` output for bitrate and size', () => {
    const dir = tempDir();
    const a = testMedia('ffmpeg-quality-metrics/dist-854x480.mkv');
    const b = testMedia('ffmpeg-quality-metrics/ref-1280x720.mkv');
    const scoreJson = {
      reference: b,
      results: [
        { distorted: a, frames: 10, metrics: { vmaf: { mean: 80, harmonicMean: 79, p5: 70 } } },
        { distorted: b, frames: 10, metrics: { vmaf: { mean: 99, harmonicMean: 99, p5: 98 } } },
      ],
    };
    const file = path.join(dir, 'scores.json');
    fs.writeFileSync(file, JSON.stringify(scoreJson));
    const r = vq(['hull', file, '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as HullJson;
    expect(out.format).toBe('score-json');
    const groups = out.curves[0]!.hull.map((p) => p.group);
    expect(groups).toContain('854x480');
    for (const p of out.curves[0]!.hull) expect(p.bitrate).toBeGreaterThan(0);
  });

  it('takes CAMBI (lower is better): the hull is the lower envelope and no ladder is picked', () => {
    const dir = tempDir();
    const r = (label: string, height: number, kbps: number, cambi: number) => ({
      renditionId: label, label, encoder: 'libx264', preset: 'medium', rateMode: 'crf', width: (height * 16) / 9, height,
      bitrate: kbps * 1000, metrics: { vmafMean: 80, vmafHmean: 79, vmafP5: 70, psnr: 35, psnrY: 34, ssim: 0.9, msSsim: null, xpsnr: 36, cambi },
    });
    // 360@400 lies above the chord 360@200 → 720@800 (3.67 at 400 kbit/s); 720@200 bands more than 360@200.
    const exported = { sourceId: 's1', source: 'x.mp4', bitrateUnit: 'bit/s', renditions: [
      r('360-a', 360, 100, 8), r('360-b', 360, 200, 5), r('360-c', 360, 400, 4.8), r('720-a', 720, 200, 9), r('720-b', 720, 800, 1), r('720-c', 720, 1600, 0.5),
    ] };
    const file = path.join(dir, 'pooled.json');
    fs.writeFileSync(file, JSON.stringify(exported));
    const out = JSON.parse(vq(['hull', file, '--json', '--quality', 'cambi']).stdout) as HullJson & { direction: string };
    expect(out.direction).toBe('lower');
    expect(out.curves[0]!.hull.map((p) => p.label)).toEqual(['360-a', '360-b', '720-b', '720-c']);
    expect(out.curves[0]!.crossovers.map((x) => [x.from, x.to])).toEqual([['640x360', '1280x720']]);
    expect(out.curves[0]!.recommended).toEqual([]);
    expect(out.curves[0]!.ladder).toBeNull();
    const text = vq(['hull', file, '--quality', 'cambi']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/No recommended ladder: CAMBI cannot pick a ladder/);
    expect(text.stdout).toMatch(/on the convex hull \(CAMBI; lower is better: the lower envelope\)/);
    expect(text.stdout).not.toMatch(/CAMBI \(lower is better\)/);
    // The ladder options shape nothing on CAMBI: a usage error naming why, never silently ignored.
    const target = vq(['hull', file, '--quality', 'cambi', '--target', '5']);
    expect(target.code).toBe(2);
    expect(target.stderr).toMatch(/--target: no ladder is picked on CAMBI .*leave it out/);
    const both = vq(['hull', file, '--quality', 'cambi', '--floor', '100k', '--max-rungs', '4']);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--floor, --max-rungs: no ladder is picked on CAMBI/);
    const saved = vq(['hull', file, '--quality', 'cambi', '--save-ladder', path.join(dir, 'l.json')]);
    expect(saved.code).toBe(1);
    expect(saved.stderr).toMatch(/No ladder to save: CAMBI .*cannot pick a ladder/);
    // XPSNR is an ordinary higher-is-better figure read from the same file.
    const x = JSON.parse(vq(['hull', file, '--json', '--quality', 'xpsnr']).stdout) as HullJson;
    expect(x.curves[0]!.points).toBe(6);
  });

  it('refuses a file that is not a results file', () => {
    const dir = tempDir();
    const file = path.join(dir, 'x.json');
    fs.writeFileSync(file, '{"hello": 1}');
    const r = vq(['hull', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/not a results file/);
    fs.writeFileSync(file, '[{"bitrate": -5, "quality": 1}]');
    expect(vq(['hull', file]).stderr).toMatch(/Point 1 of the array is not usable: bitrate/);
    fs.writeFileSync(file, '{oops');
    expect(vq(['hull', file]).stderr).toMatch(/is not JSON/);
    expect(vq(['hull']).code).toBe(2);
    expect(vq(['hull', file, '--quality', 'vmaf']).code).toBe(2);
  });
});

describe('vq report', () => {
  it('exits 2 on usage errors and 1 for a source it does not know', () => {
    expect(vq(['report']).code).toBe(2);
    expect(vq(['report', 'abc']).stderr).toMatch(/report needs --out REPORT\.html/);
    const dir = tempDir();
    const r = vq(['report', 'nosuchid', '--out', path.join(dir, 'r.html')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/No library item with id nosuchid/);
    expect(fs.existsSync(path.join(dir, 'r.html'))).toBe(false);
    expect(vq(['report', 'x', '--out', path.join(dir, 'missing', 'r.html')]).stderr).toMatch(/does not exist/);
  });
});
