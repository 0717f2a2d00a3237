import { describe, expect, it } from 'vitest';
import type { LibraryItem } from '../../../../shared/library';
import { nextSort, sortItems } from './libraryColumns';

let clock = 0;
function item(
  id: string,
  w: number,
  h: number,
  fps: number | null,
  bitrate: number | null,
): LibraryItem {
  clock++;
  return {
    id,
    addedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, clock)).toISOString(),
    fileName: `${id}.mp4`,
    media: {
      durationSeconds: 1,
      bitrateKbps: bitrate,
      video: {
        codec: 'h264',
        width: w,
        height: h,
        frameRate: fps,
        bitDepth: 8,
        hdr: null,
        vfr: false,
      },
    },
  } as unknown as LibraryItem;
}

const a = item('a', 1920, 1080, 25, 5000);
const b = item('b', 1280, 720, null, 9000);
const c = item('C', 3840, 2160, 60, null);
const ids = (xs: LibraryItem[]): string[] => xs.map((x) => x.id);

describe('sortItems', () => {
  it('lists the newest import first without a sort, whatever the snapshot order', () => {
    expect(ids(sortItems([a, b, c], null))).toEqual(['C', 'b', 'a']);
    expect(ids(sortItems([c, a, b], null))).toEqual(['C', 'b', 'a']);
  });

  it('sorts resolution by pixel count both ways', () => {
    expect(ids(sortItems([a, b, c], { key: 'resolution', dir: 'asc' }))).toEqual(['b', 'a', 'C']);
    expect(ids(sortItems([a, b, c], { key: 'resolution', dir: 'desc' }))).toEqual(['C', 'a', 'b']);
  });

  it('puts unknown values last in either direction', () => {
    expect(ids(sortItems([b, a, c], { key: 'fps', dir: 'asc' }))).toEqual(['a', 'C', 'b']);
    expect(ids(sortItems([a, b, c], { key: 'bitrate', dir: 'asc' }))).toEqual(['a', 'b', 'C']);
    expect(ids(sortItems([b, a, c], { key: 'fps', dir: 'desc' }))).toEqual(['C', 'a', 'b']);
    expect(ids(sortItems([c, a, b], { key: 'bitrate', dir: 'desc' }))).toEqual(['b', 'a', 'C']);
  });

  it('sorts names case-insensitively', () => {
    expect(ids(sortItems([c, b, a], { key: 'name', dir: 'asc' }))).toEqual(['a', 'b', 'C']);
  });
});

describe('nextSort', () => {
  it('cycles ascending → descending → import order', () => {
    const s1 = nextSort(null, 'fps');
    expect(s1).toEqual({ key: 'fps', dir: 'asc' });
    const s2 = nextSort(s1, 'fps');
    expect(s2).toEqual({ key: 'fps', dir: 'desc' });
    expect(nextSort(s2, 'fps')).toBeNull();
    expect(nextSort(s2, 'name')).toEqual({ key: 'name', dir: 'asc' });
  });
});
