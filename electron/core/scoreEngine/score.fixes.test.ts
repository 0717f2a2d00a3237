// The pre-flight fixes run on the real build and do what they say: a frame-rate conversion pairs
// the right pictures, a range or matrix conversion undoes a real conversion of the distorted video.
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTempDirs } from '../../testing/tempDir';
import type { Toolchain } from '../toolchain';
import { PreflightBlockedError, scoreRun } from './run';
import {
  ffmpeg,
  machineToolchain,
  makeReference,
  requireLibvmafBuild,
} from '../../testing/scoreFixtures';

const tempDir = useTempDirs('vq-score-fix-');
let toolchain: Toolchain;
let media: string;
let ref: string;

/** Encodes `ref` through `vf` with x264 at high quality and the given output options. */
function encode(name: string, vf: string, extra: string[] = []): string {
  const file = path.join(media, name);
  ffmpeg([
    '-i',
    ref,
    '-vf',
    vf,
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-crf',
    '12',
    ...extra,
    file,
  ]);
  return file;
}

beforeAll(async () => {
  media = fs.mkdtempSync('/tmp/vq-score-fix-media-');
  toolchain = machineToolchain(path.join(media, 'cache'));
  requireLibvmafBuild(await toolchain.report());
  const plain = makeReference(media, {
    width: 320,
    height: 180,
    fps: 24,
    seconds: 2,
    name: 'plain.mkv',
  });
  // A reference tagged BT.709 limited range, so matrix and range findings have both sides.
  ref = path.join(media, 'ref.mkv');
  ffmpeg([
    '-i',
    plain,
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-qp',
    '0',
    '-colorspace',
    'bt709',
    '-color_primaries',
    'bt709',
    '-color_trc',
    'bt709',
    '-color_range',
    'tv',
    ref,
  ]);
  return () => fs.rmSync(media, { recursive: true, force: true });
});

describe('convert-fps', () => {
  it('a 25 fps encode of a 24 fps reference is blocked, then scored by time when chosen', async () => {
    const d = encode('fps25.mp4', 'fps=25', ['-colorspace', 'bt709', '-color_range', 'tv']);
    await expect(
      scoreRun({ reference: { path: ref }, distorted: [{ path: d }], align: 'off' }, { toolchain }),
    ).rejects.toBeInstanceOf(PreflightBlockedError);
    const run = await scoreRun(
      {
        reference: { path: ref },
        distorted: [{ path: d }],
        fixes: ['convert-fps'],
        metrics: ['psnr'],
      },
      { toolchain, tmpDir: tempDir() },
    );
    const r = run.results[0]!;
    expect(r.fixes).toEqual(['convert-fps']);
    expect(r.alignment.distortedTiming).toBe('convert');
    expect(run.command.join(' ')).toContain('fps=24/1');
    expect(r.frames).toBe(48);
    // fps=25 only repeated frames; converting back by time gives the same pictures again.
    expect(r.metrics.psnrY!.min).toBeGreaterThan(38);

    // Matched by its pictures (align auto, the default): each reference frame once, against the
    // first distorted frame that shows it — the same pictures again.
    const matched = (
      await scoreRun(
        { reference: { path: ref }, distorted: [{ path: d }], metrics: ['psnr'] },
        { toolchain, tmpDir: tempDir() },
      )
    ).results[0]!;
    expect(matched.fixes).toEqual(['align-frames']);
    expect(matched.alignment.distortedTiming).toBe('matched');
    expect(matched.frameNumbers).toEqual([...Array(48).keys()]);
    expect(matched.metrics.psnrY!.min).toBeGreaterThan(38);
  });
});

describe('convert-range and force-range', () => {
  it('a full-range distorted video: converting back scores far better than forcing', async () => {
    const d = encode('full.mp4', 'scale=in_range=tv:out_range=pc', [
      '-colorspace',
      'bt709',
      '-color_range',
      'pc',
    ]);
    const base = { reference: { path: ref }, distorted: [{ path: d }], metrics: ['psnr' as const] };
    await expect(scoreRun(base, { toolchain })).rejects.toThrow(/limited range/);
    const converted = await scoreRun(
      { ...base, fixes: ['convert-range'] },
      { toolchain, tmpDir: tempDir() },
    );
    const forced = await scoreRun(
      { ...base, fixes: ['force-range'] },
      { toolchain, tmpDir: tempDir() },
    );
    expect(converted.results[0]!.alignment.rangeConversion).toEqual({ from: 'pc', to: 'tv' });
    expect(converted.results[0]!.metrics.psnrY!.mean).toBeGreaterThan(38);
    expect(forced.results[0]!.metrics.psnrY!.mean).toBeLessThan(
      converted.results[0]!.metrics.psnrY!.mean - 5,
    );
  });
});

describe('convert-matrix', () => {
  it('a BT.601 conversion of a BT.709 reference: converting the matrix back raises chroma PSNR', async () => {
    const d = encode('bt601.mp4', 'colorspace=all=smpte170m:iall=bt709:fast=1', [
      '-colorspace',
      'smpte170m',
      '-color_range',
      'tv',
    ]);
    const base = { reference: { path: ref }, distorted: [{ path: d }], metrics: ['psnr' as const] };
    const asIs = await scoreRun(base, { toolchain, tmpDir: tempDir() });
    expect(asIs.results[0]!.preflight.find((f) => f.id === 'matrix-mismatch')?.severity).toBe(
      'warn',
    );
    const fixed = await scoreRun(
      { ...base, fixes: ['convert-matrix'] },
      { toolchain, tmpDir: tempDir() },
    );
    expect(fixed.results[0]!.alignment.matrixConversion).toEqual({
      from: 'smpte170m',
      to: 'bt709',
    });
    expect(fixed.results[0]!.metrics.psnr!.mean).toBeGreaterThan(
      asIs.results[0]!.metrics.psnr!.mean + 3,
    );
  });
});
