import { describe, expect, it } from 'vitest';
import type { LibraryItem } from '../../../../shared/library';
import type { Rendition } from '../../../../shared/queue';
import {
  candidateFacts,
  compareCandidates,
  liveChecked,
  sourceCandidate,
  toggleChecked,
} from './compareCandidates';

function item(id: string, frameCount: number | null, width = 352, height = 288): LibraryItem {
  return {
    id,
    fileName: `${id}.mp4`,
    media: { bitrateKbps: 900, video: { width, height, frameCount, bitrateKbps: 800 } },
  } as unknown as LibraryItem;
}

function rendition(id: string, sourceId: string, rungId: string, height: number): Rendition {
  return {
    id,
    sourceId,
    rungId,
    fileName: `${rungId}.mp4`,
    width: height * 2,
    height,
    bitrateKbps: 1234.4,
  } as unknown as Rendition;
}

describe('compareCandidates', () => {
  it('lists the source’s renditions tallest first, then items of the same frame count', () => {
    const src = item('src', 96);
    const list = compareCandidates(
      src,
      [
        rendition('r1', 'src', '360p', 360),
        rendition('r2', 'src', '720p', 720),
        rendition('r3', 'other', '1080p', 1080),
      ],
      [src, item('b', 96), item('a', 96), item('long', 300), item('unknown', null)],
    );
    expect(list.map((c) => c.id)).toEqual(['r2', 'r1', 'a', 'b']);
    expect(list[0]).toMatchObject({ kind: 'rendition', title: '720p', width: 1440, height: 720 });
    expect(list[2]).toMatchObject({ kind: 'item', title: 'a.mp4' });
  });
  it('offers no other items when the source’s frame count is unknown', () => {
    expect(compareCandidates(item('src', null), [], [item('x', null)])).toEqual([]);
  });
});

describe('candidateFacts', () => {
  it('reads resolution and bitrate', () => {
    expect(candidateFacts(sourceCandidate(item('s', 1)))).toBe('352×288 · 800 kb/s');
    expect(candidateFacts({ ...sourceCandidate(item('s', 1)), bitrateKbps: null })).toBe('352×288');
  });
});

describe('toggleChecked', () => {
  const now = [{ id: 'b1' }, { id: 'b2' }, { id: 'b3' }];
  it('does not count ids of another source or deleted renditions against the limit', () => {
    // Three renditions of source A were checked; the Library selection moved to source B.
    const stale = ['a1', 'a2', 'a3'];
    expect(liveChecked(stale, now)).toEqual([]);
    expect(toggleChecked(stale, 'b1', now, 3)).toEqual(['b1']);
    expect(toggleChecked(['a1', 'b1', 'b2'], 'b3', now, 3)).toEqual(['b1', 'b2', 'b3']);
  });
  it('unchecks a checked one and refuses a fourth', () => {
    expect(toggleChecked(['b1', 'b2'], 'b1', now, 3)).toEqual(['b2']);
    expect(toggleChecked(['b1', 'b2'], 'b3', now, 2)).toEqual(['b1', 'b2']);
  });
});
