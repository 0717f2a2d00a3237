import { describe, expect, it } from 'vitest';
import { mapPath, parsePathMap } from './pathMap';

describe('a worker path map (--map APP=HERE)', () => {
  it('maps the longest matching folder, on folder boundaries only', () => {
    const map = parsePathMap(['/mnt/media=/Volumes/media', '/mnt/media/hdr=/fast/hdr/', '/=/']);
    expect(map).toEqual([
      { from: '/mnt/media', to: '/Volumes/media' },
      { from: '/mnt/media/hdr', to: '/fast/hdr' },
      { from: '/', to: '/' },
    ]);
    expect(mapPath(map, '/mnt/media/a/b.mp4')).toBe('/Volumes/media/a/b.mp4');
    expect(mapPath(map, '/mnt/media/hdr/c.mkv')).toBe('/fast/hdr/c.mkv');
    expect(mapPath(map, '/mnt/media')).toBe('/Volumes/media');
    // A sibling that only starts with the same letters is not under it.
    expect(mapPath(map.slice(0, 2), '/mnt/mediaX/d.mp4')).toBe('/mnt/mediaX/d.mp4');
    expect(mapPath([], '/x/y.mp4')).toBe('/x/y.mp4');
  });

  it('refuses entries that are not FROM=TO with two absolute folders, naming the entry', () => {
    expect(() => parsePathMap(['/a'])).toThrow(/--map "\/a": FROM must be an absolute folder/);
    expect(() => parsePathMap(['relative=/b'])).toThrow(/FROM must be an absolute folder/);
    expect(() => parsePathMap(['/a=b'])).toThrow(/TO must be an absolute folder/);
    expect(() => parsePathMap(['=/b'])).toThrow(/FROM must be/);
    expect(parsePathMap(['C:\\media=/mnt/c-media'])).toEqual([
      { from: 'C:\\media', to: '/mnt/c-media' },
    ]);
  });
});
