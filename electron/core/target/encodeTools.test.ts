import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MediaInfo } from '../../../shared/media';
import { useTempDirs } from '../../testing/tempDir';
import { checkTargetRun, rangeOf } from './encodeTools';

const tempDir = useTempDirs('vq-target-tools-');

/** The parts of a probe the checks read. */
function media(o: { vfr?: boolean; audio?: boolean } = {}): MediaInfo {
  return { video: { vfr: o.vfr ?? false }, audio: o.audio ? [{}] : [] } as unknown as MediaInfo;
}

describe('checkTargetRun', () => {
  const base = { encoder: 'libx264' as const, preset: null, raw: null };

  it('lets a good run through', () => {
    const dir = tempDir();
    expect(() =>
      checkTargetRun({
        ...base,
        media: media({ audio: true }),
        source: path.join(dir, 'a.mp4'),
        outputs: [path.join(dir, 'b.mp4')],
      }),
    ).not.toThrow();
  });

  it('refuses what would fail or lose something, before any work, saying what to do', () => {
    const dir = tempDir();
    const source = path.join(dir, 'title.mp4');
    const cases: [Parameters<typeof checkTargetRun>[0], RegExp][] = [
      [{ ...base, preset: 'warp', media: media(), source }, /no preset "warp"/],
      [{ ...base, media: media({ vfr: true }), source }, /variable frame rate/],
      [
        { ...base, media: media(), source, outputs: [path.join(dir, 'o.webm')] },
        /cannot go in \.webm/,
      ],
      [
        {
          ...base,
          encoder: 'libsvtav1',
          media: media({ audio: true }),
          source,
          outputs: [path.join(dir, 'o.webm')],
        },
        /WebM cannot carry/,
      ],
      [{ ...base, media: media(), source, outputs: [source] }, /is the title itself/],
      [
        {
          ...base,
          media: media(),
          source,
          outputs: [path.join(dir, 'x.mp4'), path.join(dir, 'x.mp4')],
        },
        /Two outputs would be/,
      ],
    ];
    for (const [o, message] of cases) expect(() => checkTargetRun(o)).toThrow(message);
    // An existing output only with overwrite.
    const existing = path.join(dir, 'exists.mp4');
    fs.writeFileSync(existing, 'x');
    expect(() => checkTargetRun({ ...base, media: media(), source, outputs: [existing] })).toThrow(
      /exists already/,
    );
    expect(() =>
      checkTargetRun({ ...base, media: media(), source, outputs: [existing], overwrite: true }),
    ).not.toThrow();
    // A raw title has the rate it is given: never "variable".
    expect(() =>
      checkTargetRun({
        ...base,
        media: media({ vfr: true }),
        raw: { width: 16, height: 16, pixFmt: 'yuv420p', fps: 25 },
        source,
      }),
    ).not.toThrow();
  });
});

describe('rangeOf', () => {
  it('finds the range a frame is in (ends exclusive), the last for frames past the end', () => {
    const ends = [10, 25, 40];
    expect([0, 9, 10, 24, 25, 39, 40, 99].map((f) => rangeOf(ends, f))).toEqual([
      0, 0, 1, 1, 2, 2, 2, 2,
    ]);
  });
});
