import { describe, expect, it } from 'vitest';
import { baseNameOf, cleanTypedPath, dirNameOf, joinPath } from './typedPath';

describe('cleanTypedPath', () => {
  it('trims and strips the quotes of "Copy as path"', () => {
    expect(cleanTypedPath('  /a/b.mp4 ')).toBe('/a/b.mp4');
    expect(cleanTypedPath('"C:\\Videos\\a b.mp4"')).toBe('C:\\Videos\\a b.mp4');
    expect(cleanTypedPath("'/a/b c.mkv'")).toBe('/a/b c.mkv');
  });

  it('turns file:// URLs into paths', () => {
    expect(cleanTypedPath('file:///home/me/My%20Clip.mp4')).toBe('/home/me/My Clip.mp4');
    expect(cleanTypedPath('file:///C:/Videos/a.mp4')).toBe('C:/Videos/a.mp4');
  });

  it('returns empty for blank input', () => {
    expect(cleanTypedPath('   ')).toBe('');
    expect(cleanTypedPath('""')).toBe('');
  });
});

describe('path parts', () => {
  it('splits and joins with the folder’s own separator', () => {
    expect(baseNameOf('/a/b/c.yuv')).toBe('c.yuv');
    expect(baseNameOf('C:\\x\\y.mp4')).toBe('y.mp4');
    expect(dirNameOf('/a/b/c.yuv')).toBe('/a/b');
    expect(dirNameOf('/c.yuv')).toBe('/');
    expect(dirNameOf('c.yuv')).toBeNull();
    expect(joinPath('/', 'home')).toBe('/home');
    expect(joinPath('/home/me', 'a.mp4')).toBe('/home/me/a.mp4');
    expect(joinPath('C:\\Videos', 'a.mp4')).toBe('C:\\Videos\\a.mp4');
  });
});
