/** The Workers view's words: last heard, late, encoders and libvmaf over a worker's builds. */
import { describe, expect, it } from 'vitest';
import type { WorkerBuild } from '../../../../shared/workers';
import { concurrencyText, isLate, lastHeardText, redisForCommand } from './workersText';
import { libvmafText, workerEncoders, workerLibvmafText } from '../../../../shared/workers';

const build = (encoders: string[], libvmaf: WorkerBuild['libvmaf']): WorkerBuild => ({
  path: '/usr/bin/ffmpeg',
  version: '6.1.1',
  encoders,
  libvmaf,
});
const vmaf = (version: string | null) => ({ version, models: [], features: [] });

describe('workers text', () => {
  it('says how long ago a worker was heard from, in the unit that fits', () => {
    expect(lastHeardText(0)).toBe('0.0 s ago');
    expect(lastHeardText(1234)).toBe('1.2 s ago');
    expect(lastHeardText(9_949)).toBe('9.9 s ago');
    expect(lastHeardText(12_700)).toBe('12 s ago');
    expect(lastHeardText(185_000)).toBe('3 min 5 s ago');
    expect(lastHeardText(2 * 3600_000 + 4 * 60_000)).toBe('2 h 4 min ago');
    expect(lastHeardText(-5)).toBe('0.0 s ago');
  });

  it('marks a worker late after two missed heartbeats (more than 10 s)', () => {
    expect(isLate(10_000)).toBe(false);
    expect(isLate(10_001)).toBe(true);
  });

  it('sums encoders and libvmaf versions over the builds, each once', () => {
    const builds = [
      build(['libx264', 'aac'], vmaf('3.0.0')),
      build(['libx265', 'libx264'], vmaf(null)),
      build(['mpeg4'], vmaf('3.0.0')),
    ];
    expect(workerEncoders(builds)).toEqual(['aac', 'libx264', 'libx265', 'mpeg4']);
    expect(workerLibvmafText(builds)).toBe('3.0.0, 1.x');
    expect(workerLibvmafText([build(['libx264'], null)])).toBe('none');
    expect(workerLibvmafText([])).toBe('none');
    expect(libvmafText(build([], null))).toBeNull();
  });

  it('says how many jobs run at once, and threads per job when set', () => {
    expect(concurrencyText({ concurrency: 2, threads: null })).toBe('2 at once');
    expect(concurrencyText({ concurrency: 1, threads: 1 })).toBe('1 at once × 1 thread');
    expect(concurrencyText({ concurrency: 3, threads: 8 })).toBe('3 at once × 8 threads');
  });

  it('puts a PASSWORD placeholder where the shown Redis address masks its password', () => {
    expect(redisForCommand('redis://:***@127.0.0.1:6379/0')).toBe(
      'redis://:PASSWORD@127.0.0.1:6379/0',
    );
    expect(redisForCommand('rediss://me:***@h:1/2')).toBe('rediss://me:PASSWORD@h:1/2');
    expect(redisForCommand('redis://127.0.0.1:6379/0')).toBe('redis://127.0.0.1:6379/0');
  });
});
