import { describe, expect, it } from 'vitest';
import { planLadder, type PlannedRung } from '../../../../shared/encodePlan';
import type { Rung } from '../../../../shared/ladder';
import { quickLadder, quickRung } from '../../../testing/clips';
import { concatList, joinArgs } from './joinChunks';

function planned(rung: Rung): PlannedRung {
  const src = {
    width: 640,
    height: 360,
    sar: null,
    rotation: 0,
    frameRate: '25/1',
    hasAudio: true,
  };
  return planLadder(quickLadder('t', [rung]), src).rungs[0]!;
}

const source = { path: '/media/title.mov', raw: null };

describe('concatList', () => {
  it('quotes every path, writing a quote as close-escape-open', () => {
    expect(concatList(['/w/c0.mp4', "/w/it's/c1.mp4"])).toBe(
      "ffconcat version 1.0\nfile 'file:/w/c0.mp4'\nfile 'file:/w/it'\\''s/c1.mp4'\n",
    );
  });

  it('makes relative paths absolute, and refuses none or a line break', () => {
    expect(concatList(['c.mp4'])).toContain(`file 'file:${process.cwd()}/c.mp4'`);
    expect(() => concatList([])).toThrow(/no chunks/);
    expect(() => concatList(['/w/a\nfile /etc/passwd'])).toThrow(/line break/);
  });
});

describe('joinArgs', () => {
  it('copies the video and encodes the source audio once, in the rung container', () => {
    const args = joinArgs('/w/list.txt', {
      source,
      rung: planned(quickRung({ id: 'r', audio: { mode: 'aac', bitrateKbps: 96 } })),
      output: '/w/out.mp4',
    });
    const tail = args.slice(args.indexOf('-f'));
    expect(tail.slice(0, 7)).toEqual([
      '-f',
      'concat',
      '-safe',
      '0',
      '-i',
      'file:/w/list.txt',
      '-i',
    ]);
    expect(args.slice(args.lastIndexOf('-i'))).toEqual(
      expect.arrayContaining([
        'file:/media/title.mov',
        '-map',
        '0:v:0',
        '-map',
        '1:a:0?',
        '-c:v',
        'copy',
      ]),
    );
    expect(args.slice(-9)).toEqual([
      '-c:a',
      'aac',
      '-b:a',
      '96k',
      '-movflags',
      '+faststart',
      '-f',
      'mp4',
      '/w/out.mp4',
    ]);
  });

  it('reads no source without audio, and tags HEVC in MP4 as hvc1', () => {
    const args = joinArgs('/w/l.txt', {
      source,
      rung: planned(quickRung({ id: 'r', encoder: 'libx265' })),
      output: '/w/o.mp4',
    });
    expect(args.filter((a) => a === '-i')).toHaveLength(1);
    expect(args).toEqual(expect.arrayContaining(['-tag:v', 'hvc1', '-an']));
    const mkv = joinArgs('/w/l.txt', {
      source,
      rung: planned(quickRung({ id: 'r', container: 'mkv', audio: { mode: 'copy' } })),
      output: '/w/o.mkv',
    });
    expect(mkv.slice(-5)).toEqual(['-c:a', 'copy', '-f', 'matroska', '/w/o.mkv']);
  });
});
