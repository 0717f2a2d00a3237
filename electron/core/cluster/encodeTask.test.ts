import { describe, expect, it } from 'vitest';
import { canRun } from '../../../shared/workers';
import { EncodeTaskSchema, encodeLane, laneNeeds } from './encodeTask';

describe('lanes of the shared queue', () => {
  it('name a lane by the sorted set of encoders, and read the needs back from the name alone', () => {
    expect(encodeLane(['libx264'])).toBe('encode.libx264');
    expect(encodeLane(['libx265', 'libx264', 'libx265'])).toBe('encode.libx264+libx265');
    expect(laneNeeds('encode.libaom-av1+libsvtav1')).toEqual({
      encoders: ['libaom-av1', 'libsvtav1'],
    });
    expect(laneNeeds('encode.')).toBeNull();
    expect(laneNeeds('encode.LIBX264')).toBeNull();
    expect(laneNeeds('score.x')).toBeNull();
    expect(laneNeeds('encode.libx264:wait')).toBeNull();
    expect(() => encodeLane([])).toThrow();
    expect(() => encodeLane(['lib x264'])).toThrow();
  });

  it('name the zscale a tone-mapping job needs, and send it only to a build that has zscale', () => {
    expect(encodeLane(['libx264'], ['zscale'])).toBe('encode.libx264~zscale');
    expect(laneNeeds('encode.libx264~zscale')).toEqual({
      encoders: ['libx264'],
      filters: ['zscale'],
    });
    expect(laneNeeds('encode.libx264~tonemap')).toBeNull();
    expect(laneNeeds('encode.libx264~zscale~zscale')).toBeNull();
    const needs = laneNeeds('encode.libx264~zscale')!;
    const build = (filters: string[] | undefined) => ({
      path: '/ffmpeg',
      version: '5.1',
      encoders: ['libx264'],
      ...(filters ? { filters } : {}),
      libvmaf: null,
    });
    expect(canRun({ name: 'w', builds: [build(['scale', 'zscale'])] }, needs).ok).toBe(true);
    expect(canRun({ name: 'w', builds: [build(['scale'])] }, needs)).toEqual({
      ok: false,
      reasons: ['/ffmpeg: no zscale filter'],
    });
    // A worker too old to say which filters it has is not trusted with one.
    expect(canRun({ name: 'w', builds: [build(undefined)] }, needs).ok).toBe(false);
    expect(canRun({ name: 'w', builds: [build(undefined)] }, laneNeeds('encode.libx264')!).ok).toBe(
      true,
    );
  });

  it('route a job only to workers whose one build has every encoder of its lane', () => {
    const worker = (encoders: string[][]) => ({
      name: 'w',
      builds: encoders.map((e, i) => ({
        path: `/ff${i}`,
        version: '7.1',
        encoders: e,
        libvmaf: null,
      })),
    });
    const needs = laneNeeds(encodeLane(['libx264', 'libsvtav1']))!;
    expect(canRun(worker([['libx264', 'libsvtav1']]), needs).ok).toBe(true);
    // Each encoder in a different build is not enough: one ffmpeg process runs them all.
    expect(canRun(worker([['libx264'], ['libsvtav1']]), needs).ok).toBe(false);
  });
});

describe('EncodeTaskSchema', () => {
  const task = {
    v: 1,
    kind: 'encode',
    jobId: 'abc123',
    batchId: 'b1',
    sourcePath: '/media/src.mp4',
    raw: null,
    outDir: '/media/out',
    ladder: { id: 'l' },
    rungIds: ['r1'],
  };
  it('takes a task as the app sends it and refuses anything else', () => {
    expect(EncodeTaskSchema.safeParse(task).success).toBe(true);
    expect(EncodeTaskSchema.safeParse({ ...task, commands: [['rm', '-rf', '/']] }).success).toBe(
      false,
    );
    expect(EncodeTaskSchema.safeParse({ ...task, jobId: '../x' }).success).toBe(false);
    expect(EncodeTaskSchema.safeParse({ ...task, sourcePath: 'a\0b' }).success).toBe(false);
    expect(EncodeTaskSchema.safeParse({ ...task, rungIds: [] }).success).toBe(false);
    expect(EncodeTaskSchema.safeParse({ ...task, v: 2 }).success).toBe(false);
  });
});
