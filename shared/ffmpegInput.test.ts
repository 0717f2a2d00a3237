import { describe, expect, it } from 'vitest';
import { ffmpegInputUrl, fileInputArgs, rawInputArgs } from './ffmpegInput';

const raw = { width: 576, height: 324, pixFmt: 'yuv420p10le', fps: 24 };

describe('fileInputArgs', () => {
  it('opens a file as a file: URL, so "-x" or "name:..." is never an option or a protocol', () => {
    expect(fileInputArgs('/clips/-x.mp4')).toEqual(['-i', 'file:/clips/-x.mp4']);
    expect(ffmpegInputUrl('/clips/rtmp:x.mp4')).toBe('file:/clips/rtmp:x.mp4');
  });

  it('puts the raw-video geometry, then the forced rate, before -i', () => {
    expect(rawInputArgs(raw)).toEqual([
      '-f',
      'rawvideo',
      '-video_size',
      '576x324',
      '-pixel_format',
      'yuv420p10le',
      '-framerate',
      '24',
    ]);
    expect(fileInputArgs('/c/r.yuv', { raw, rate: '24000/1001' })).toEqual([
      ...rawInputArgs(raw),
      '-r',
      '24000/1001',
      '-i',
      'file:/c/r.yuv',
    ]);
    expect(fileInputArgs('/c/d.mp4', { raw: null, rate: null })).toEqual(['-i', 'file:/c/d.mp4']);
  });
});
