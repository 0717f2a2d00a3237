import { describe, it, expect } from 'vitest';
import { classifyProbeFailure, mentionsTruncation, sniffContainer } from './classify';
import { fsErrorToVqError, guessRawSpecText } from './checkInput';

// stderr exactly as ffprobe 5.1 prints it with -v error.
const MOOV = `[mov,mp4,m4a,3gp,3g2,mj2 @ 0x5622d0cf71c0] moov atom not found
file:/tmp/x/cut.mp4: Invalid data found when processing input
`;
const EBML = `Truncating packet of size 11372 to 28
[matroska,webm @ 0x562409e711c0] EBML header parsing failed
file:/tmp/x/text.mkv: Invalid data found when processing input
`;
const SHORT_WEBM = `[matroska,webm @ 0x55f98c7e41c0] File ended prematurely at pos. 60 (0x3c)
    Last message repeated 1 times
file:/tmp/x/tiny.webm: Input/output error
`;
const PARTIAL = `[NULL @ 0x55d2e8051a80] Invalid NAL unit size (6160 > 4270).
[NULL @ 0x55d2e8051a80] missing picture in access unit with size 4274
[mov,mp4,m4a,3gp,3g2,mj2 @ 0x55d2e8050640] stream 0, offset 0x9ba24: partial file
`;
const PIXFMT = `[rawvideo @ 0x5618c30862c0] No such pixel format: yuv9999.
file:/tmp/x/a.yuv: Invalid argument
`;
const ctx = { sizeBytes: 633_501, ext: '.mp4', fileName: 'cut.mp4' };

describe('classifyProbeFailure', () => {
  it('calls a missing moov atom in an MP4 a truncated file', () => {
    const e = classifyProbeFailure(MOOV, { ...ctx, magic: 'isobmff' });
    expect(e.code).toBe('TRUNCATED');
    expect(e.message).toMatch(/cut\.mp4 is incomplete.*moov/);
    expect(e.message).toMatch(/downloading|cut off/);
    expect(e.hint).toBeTruthy();
  });
  it('trusts the message when the magic is unknown', () => {
    expect(classifyProbeFailure(MOOV, ctx).code).toBe('TRUNCATED');
  });
  it('calls a renamed non-MP4 NOT_MEDIA even though the MP4 demuxer says moov atom not found', () => {
    const e = classifyProbeFailure(MOOV, { ...ctx, fileName: 'notes.mp4', magic: 'other' });
    expect(e.code).toBe('NOT_MEDIA');
    expect(e.message).toBe('notes.mp4 is not a video file ffmpeg can read.');
    expect(e.hint).toMatch(/\.mp4/);
  });
  it('separates a cut Matroska header from text named .mkv', () => {
    expect(classifyProbeFailure(EBML, { ...ctx, ext: '.mkv', magic: 'other' }).code).toBe(
      'NOT_MEDIA',
    );
    expect(classifyProbeFailure(EBML, { ...ctx, ext: '.mkv', magic: 'ebml' }).code).toBe(
      'TRUNCATED',
    );
  });
  it('calls premature ends and partial files TRUNCATED', () => {
    const e = classifyProbeFailure(SHORT_WEBM, { sizeBytes: 60, ext: '.webm', magic: 'ebml' });
    expect(e.code).toBe('TRUNCATED');
    expect(e.message).toMatch(/only 60 bytes/);
    expect(classifyProbeFailure(PARTIAL, ctx).code).toBe('TRUNCATED');
    expect(classifyProbeFailure('x.avi: End of file\n', ctx).code).toBe('TRUNCATED');
  });
  it('calls unreadable data NOT_MEDIA', () => {
    const e = classifyProbeFailure('file:/tmp/a.bin: Invalid data found when processing input\n', {
      sizeBytes: 100,
      ext: '.bin',
      fileName: 'a.bin',
      magic: 'other',
    });
    expect(e.code).toBe('NOT_MEDIA');
    expect(e.message).toMatch(/is not a video file ffmpeg can read/);
  });
  it('does not say a .md file "does not look like a .md file": it is simply not a video (issue 11)', () => {
    const invalid = 'file:/tmp/README.md: Invalid data found when processing input\n';
    const md = classifyProbeFailure(invalid, {
      sizeBytes: 100,
      ext: '.md',
      fileName: 'README.md',
      magic: 'other',
    });
    expect(md.code).toBe('NOT_MEDIA');
    expect(md.hint).not.toMatch(/does not look like/);
    expect(md.hint).toMatch(/Choose a video file/);
    // A video extension over other content was renamed or damaged, and says so.
    const renamed = classifyProbeFailure(invalid, {
      sizeBytes: 100,
      ext: '.mkv',
      fileName: 'a.mkv',
      magic: 'other',
    });
    expect(renamed.hint).toMatch(/does not look like a \.mkv file/);
  });
  it('explains an unknown raw pixel format', () => {
    const e = classifyProbeFailure(PIXFMT, { sizeBytes: 1000, ext: '.yuv', fileName: 'a.yuv' });
    expect(e.code).toBe('RAW_NEEDS_FORMAT');
    expect(e.message).toMatch(/No such pixel format: yuv9999/);
  });
  it('keeps the last stderr lines of anything else', () => {
    const e = classifyProbeFailure('line one\nline two\nsomething odd happened\n', ctx);
    expect(e.code).toBe('FFMPEG_FAILED');
    expect(e.message).toMatch(/something odd happened/);
    expect(classifyProbeFailure('', ctx).code).toBe('FFMPEG_FAILED');
  });
  it('recognises truncation markers in otherwise successful runs', () => {
    expect(mentionsTruncation(PARTIAL)).toBe(true);
    expect(mentionsTruncation('[matroska,webm @ 0x1] File ended prematurely\n')).toBe(true);
    expect(mentionsTruncation('[h264 @ 0x1] non-existing PPS 0 referenced\n')).toBe(false);
  });
});

describe('sniffContainer', () => {
  const bytes = (s: string) => new TextEncoder().encode(s);
  it('knows MP4 boxes and the EBML magic', () => {
    expect(sniffContainer(bytes('\0\0\0\x20ftypisom'))).toBe('isobmff');
    expect(sniffContainer(bytes('\0\0\0\x08free'))).toBe('isobmff');
    expect(sniffContainer(new Uint8Array([0x1a, 0x45, 0xdf, 0xa3, 1, 0, 0, 0]))).toBe('ebml');
    expect(sniffContainer(bytes('hello this is text'))).toBe('other');
    expect(sniffContainer(new Uint8Array([]))).toBe('other');
  });
});

describe('fsErrorToVqError', () => {
  it.each([
    ['ENOENT', 'NOT_FOUND'],
    ['ENOTDIR', 'NOT_FOUND'],
    ['ELOOP', 'NOT_FOUND'],
    ['EISDIR', 'IS_DIRECTORY'],
    ['EACCES', 'PERMISSION_DENIED'],
    ['EPERM', 'PERMISSION_DENIED'],
  ])('%s → %s, naming the path, with a hint', (errno, code) => {
    const e = fsErrorToVqError(errno, '/videos/a clip.mp4');
    expect(e?.code).toBe(code);
    expect(e?.message).toContain('/videos/a clip.mp4');
    expect(e?.hint).toBeTruthy();
  });
  it('leaves codes it does not explain to the caller', () => {
    expect(fsErrorToVqError('EIO', '/a')).toBeNull();
    expect(fsErrorToVqError(undefined, '/a')).toBeNull();
  });
});

describe('guessRawSpecText', () => {
  it.each([
    ['CiscoVT2people_320x192_12fps.yuv', '320x192:yuv420p:12'],
    ['sparks_ref_480x270.yuv42010le.yuv', '480x270:yuv420p10le'],
    ['src01_hrc00_576x324.yuv420p10le.yuv', '576x324:yuv420p10le'],
    ['clip.yuv', null],
  ])('%s → %s', (name, want) => {
    expect(guessRawSpecText(name)).toBe(want);
  });
});
