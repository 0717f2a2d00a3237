/**
 * Test helper: libvmaf's own `vmaf` tool as an independent reference. The FFmpeg 7.1 + libvmaf
 * 3.2 test build (sharedVmaf3Build) decodes and scales both videos to y4m, and the `vmaf` tool of
 * the same libvmaf scores those frames without FFmpeg's libvmaf filter in between.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import type { Vmaf3Build } from './vmaf3Build';
import { parseLibvmafJson, type LibvmafLog } from '../core/scoreEngine/logs';
import { readText } from './scoreFixtures';

/** Runs one of the build's programs; throws with its stderr on failure. */
export function runVmaf3(b: Vmaf3Build, program: string, args: readonly string[]): void {
  execFileSync(program, args, { env: b.env, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** What {@link vmafToolLog} scores. */
export interface VmafToolRun {
  reference: string;
  distorted: string;
  /** Folder for the y4m files and the log. */
  dir: string;
  /** Size both are scaled to (bicubic, as the engine scales). */
  width: number;
  height: number;
  /** Pixel format of the y4m (default yuv420p). */
  pixFmt?: string;
  /** Arguments of the `vmaf` tool: models (`-m version=…`) and features (`--feature NAME`). */
  args: readonly string[];
}

/** libvmaf's own tool on y4m that the 3.2 ffmpeg wrote from the same frames. */
export function vmafToolLog(b: Vmaf3Build, run: VmafToolRun): LibvmafLog {
  const tag = Math.random().toString(36).slice(2);
  const y4m = (input: string, name: string): string => {
    const out = path.join(run.dir, `${name}-${tag}.y4m`);
    runVmaf3(b, b.ffmpeg, [
      ...['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', '-i', input],
      ...['-vf', `scale=${run.width}:${run.height}:flags=bicubic`],
      ...['-pix_fmt', run.pixFmt ?? 'yuv420p', '-f', 'yuv4mpegpipe', '-strict', '-1', out],
    ]);
    return out;
  };
  const r = y4m(run.reference, 'ref');
  const d = y4m(run.distorted, 'dist');
  const out = path.join(run.dir, `tool-${tag}.json`);
  runVmaf3(b, b.vmaf, ['-r', r, '-d', d, '--json', '-o', out, '-q', ...run.args]);
  return parseLibvmafJson(readText(out));
}

/** One key of every frame of a libvmaf log; throws when a frame lacks it. */
export function logSeries(log: LibvmafLog, key: string): number[] {
  return log.frames.map((f) => {
    const v = f.metrics[key];
    if (v === undefined) throw new Error(`libvmaf log has no ${key}`);
    return v;
  });
}

/**
 * Expects `ours` to equal `theirs` frame by frame within `tolerance` (neither empty), and records
 * the largest difference under `group` in `worst` (printed by the tests as measured figures).
 */
function expectClose(
  ours: readonly number[] | undefined,
  theirs: readonly number[],
  tolerance: number,
  what: string,
  worst: Record<string, number>,
  group = what,
): void {
  expect(ours, what).toBeDefined();
  expect(ours!.length, what).toBe(theirs.length);
  expect(theirs.length, what).toBeGreaterThan(0);
  let largest = 0;
  ours!.forEach((v, i) => {
    const d = Math.abs(v - theirs[i]!);
    expect(d, `${what} frame ${i}`).toBeLessThanOrEqual(tolerance);
    largest = Math.max(largest, d);
  });
  worst[group] = Math.max(worst[group] ?? 0, largest);
}

/** A column of the `--per-frame` CSV `vq score` wrote (full precision, as libvmaf logged it). */
export function csvColumn(file: string, column: string): number[] {
  const [head, ...rows] = fs.readFileSync(file, 'utf8').trim().split('\n');
  const i = head!.split(',').indexOf(column);
  expect(i, `column ${column}`).toBeGreaterThan(0);
  return rows.map((r) => Number(r.split(',')[i]));
}

/** A frame-by-frame comparer and the largest difference it saw per group (printed afterwards). */
export function frameComparer(): {
  worst: Record<string, number>;
  expectClose: (
    ours: readonly number[] | undefined,
    theirs: readonly number[],
    tolerance: number,
    what: string,
    group?: string,
  ) => void;
} {
  const worst: Record<string, number> = {};
  return {
    worst,
    expectClose: (ours, theirs, tolerance, what, group = what) =>
      expectClose(ours, theirs, tolerance, what, worst, group),
  };
}
