/**
 * Test fixtures of the scoring engine (used by its *.test.ts and the bench, never by the app):
 * the toolchain of this machine with the model folder, generated reference/distorted pairs, and
 * a runner for hand-written ffmpeg commands. The scoring tests must FAIL, not skip, when the
 * libvmaf build or the models are missing: that is what proves the numbers.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { BinaryInfo, ToolchainReport } from '../../shared/toolchain';
import { Toolchain } from '../core/toolchain';
import { requiredTool } from './tools';

/** The VMAF models shipped with the workspace (../shared/vmaf-models). */
export const MODEL_DIR = path.resolve('../shared/vmaf-models');

/** Environment for a test toolchain: the model folder, no developer overrides. */
export function scoreEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, VQ_VMAF_MODEL_DIR: MODEL_DIR, ...extra };
  if (!('VQ_FFMPEG' in extra)) delete env.VQ_FFMPEG;
  if (!('VQ_FFPROBE' in extra)) delete env.VQ_FFPROBE;
  return env;
}

/** The machine's toolchain (npm @ffmpeg-installer build with libvmaf 1.3.7 expected). */
export function machineToolchain(cacheDir: string): Toolchain {
  return new Toolchain({ cacheDir, env: scoreEnv() });
}

/**
 * A toolchain that sees only the folder of the ffmpeg on PATH (Debian's ffmpeg and ffprobe; no npm
 * packages): the "no libvmaf anywhere" machine.
 */
export function noLibvmafToolchain(cacheDir: string): Toolchain {
  return new Toolchain({
    cacheDir,
    env: { PATH: path.dirname(requiredTool('ffmpeg')), VQ_VMAF_MODEL_DIR: MODEL_DIR },
    requireModule: () => {
      throw new Error('npm binary packages hidden in this test');
    },
  });
}

/** The scoring build of a report; throws (fails the test) unless it has libvmaf 1.x and models. */
export function requireLibvmafBuild(report: ToolchainReport): BinaryInfo {
  const b = report.binaries.find((x) => x.path === report.selected.score);
  if (!b?.libvmaf) {
    throw new Error(
      'No ffmpeg with libvmaf was found: install the npm package @ffmpeg-installer/ffmpeg ' +
        '(ffmpeg 4.1 + libvmaf 1.3.7). The scoring proof tests need it.',
    );
  }
  if (!b.libvmaf.models.some((m) => m.name === 'vmaf_v0.6.1')) {
    throw new Error(`No vmaf_v0.6.1 model for ${b.path}: VQ_VMAF_MODEL_DIR must be ${MODEL_DIR}.`);
  }
  return b;
}

/** Runs an ffmpeg (Debian's by default) with an argument array; throws on failure. */
export function ffmpeg(args: readonly string[], binary = 'ffmpeg'): void {
  execFileSync(binary, ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
}

/** Options of {@link makeReference}. */
export interface SourceOptions {
  width?: number;
  height?: number;
  fps?: number;
  seconds?: number;
  /** lavfi source (default testsrc2, which moves, so VMAF's motion feature is non-zero). */
  source?: 'testsrc2' | 'mandelbrot';
  name?: string;
}

/**
 * A lossless H.264 reference (x264 -qp 0) in Matroska: millisecond timestamps, so pairing by
 * timestamps alone is wrong for it (see graph.ts).
 */
export function makeReference(dir: string, o: SourceOptions = {}): string {
  const { width = 640, height = 360, fps = 24, seconds = 2, source = 'testsrc2' } = o;
  const file = path.join(dir, o.name ?? `ref-${width}x${height}.mkv`);
  ffmpeg([
    '-f',
    'lavfi',
    '-i',
    `${source}=s=${width}x${height}:r=${fps}:d=${seconds}`,
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-qp',
    '0',
    '-pix_fmt',
    'yuv420p',
    file,
  ]);
  return file;
}

/** Options of {@link makeDistorted}. */
export interface DistortedOptions {
  crf: number;
  width?: number;
  height?: number;
  /** Keep only the first n frames (a distorted video shorter than the reference). */
  frames?: number;
  /** Encode at another rate (fps filter). */
  fps?: number;
  preset?: string;
  name?: string;
}

/** An x264 encode of `ref` in MP4 (B-frames, edit list), optionally downscaled or cut. */
export function makeDistorted(dir: string, ref: string, o: DistortedOptions): string {
  const file = path.join(dir, o.name ?? `dist-crf${o.crf}-${o.width ?? 'same'}.mp4`);
  const vf: string[] = [];
  if (o.width && o.height) vf.push(`scale=${o.width}:${o.height}:flags=bicubic`);
  if (o.fps) vf.push(`fps=${o.fps}`);
  ffmpeg([
    '-i',
    ref,
    ...(vf.length ? ['-vf', vf.join(',')] : []),
    ...(o.frames ? ['-frames:v', String(o.frames)] : []),
    '-c:v',
    'libx264',
    '-preset',
    o.preset ?? 'veryfast',
    '-crf',
    String(o.crf),
    '-pix_fmt',
    'yuv420p',
    file,
  ]);
  return file;
}

/** Reads a text file written by a hand-written command. */
export function readText(file: string): string {
  return fs.readFileSync(file, 'utf8');
}
