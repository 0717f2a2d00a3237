import { describe, expect, it } from 'vitest';
import type { LibraryItem } from '../../../shared/library';
import { importSummary } from './importSummary';

const item = (name: string, container = 'mov,mp4,m4a,3gp,3g2,mj2', codec = 'h264'): LibraryItem =>
  ({
    id: name,
    fileName: name,
    media: { container, video: { codec, frameCount: container === 'image2' ? 1 : 25 } },
  }) as unknown as LibraryItem;

describe('importSummary', () => {
  it('summarises each outcome', () => {
    expect(importSummary({ imported: [item('a')], existing: [], failed: [] })).toBe(
      'Imported 1 file',
    );
    expect(importSummary({ imported: [], existing: [item('a.mp4')], failed: [] })).toBe(
      'a.mp4 is already in the library',
    );
    expect(
      importSummary({
        imported: [item('a'), item('b')],
        existing: [item('c')],
        failed: [{ path: '/x', code: 'NOT_FOUND', message: 'm' }],
      }),
    ).toBe('Imported 2 files · 1 file already in the library');
  });

  it('remarks on a still image imported as a one-frame video', () => {
    expect(
      importSummary({ imported: [item('photo.jpg', 'image2', 'mjpeg')], existing: [], failed: [] }),
    ).toBe('Imported 1 file · photo.jpg is a still image: imported as a one-frame video');
  });

  it('says nothing when nothing landed', () => {
    expect(
      importSummary({
        imported: [],
        existing: [],
        failed: [{ path: '/x', code: 'NOT_FOUND', message: 'm' }],
      }),
    ).toBeNull();
    expect(importSummary({ imported: [], existing: [], failed: [] })).toBeNull();
  });
});
