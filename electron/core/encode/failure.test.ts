import { describe, expect, it } from 'vitest';
import { describeEncodeFailure } from './failure';

const ctx = { sourcePath: '/media/in.mp4', outDir: '/out' };

// The stderr lines are ffmpeg 5.1's own (-loglevel error), captured from real runs (the disk-full one by
// writing to /dev/full), except permission denied and the crash, which root cannot provoke here.
describe('describeEncodeFailure', () => {
  it('says the disk is full', () => {
    const r = { code: 1, signal: null, stderrTail: 'Could not write header for output file #0 (incorrect codec parameters ?): No space left on device\nError initializing output stream 0:0 -- \n' };
    expect(describeEncodeFailure(r, ctx)).toMatch(/disk is full.*\/out/);
  });

  it('says the source is gone when ffmpeg cannot open it', () => {
    const r = { code: 1, signal: null, stderrTail: 'file:/media/in.mp4: No such file or directory\n' };
    expect(describeEncodeFailure(r, ctx)).toBe('The source file /media/in.mp4 is gone (deleted or moved after the job was queued).');
  });

  it('says the output folder is not writable', () => {
    const r = { code: 1, signal: null, stderrTail: '/out/.360p.abcdef12.part.mp4: Permission denied\n' };
    expect(describeEncodeFailure(r, ctx)).toMatch(/may not write to the output folder \/out \(permission denied\)/);
  });

  it('names the signal of a crash and keeps the last messages', () => {
    const r = { code: null, signal: 'SIGSEGV', stderrTail: 'x264 [error]: something\n' };
    expect(describeEncodeFailure(r, ctx)).toBe('ffmpeg crashed (killed by signal SIGSEGV). Last messages: x264 [error]: something');
  });

  it('falls back to the exit code and the last lines', () => {
    const r = { code: 1, signal: null, stderrTail: '[h264_nvenc @ 0x55dfd8dab640] Cannot load libcuda.so.1\nError initializing output stream 0:0 -- Error while opening encoder for output stream #0:0\n' };
    expect(describeEncodeFailure(r, ctx)).toBe(
      'ffmpeg failed (exit code 1): [h264_nvenc @ 0x55dfd8dab640] Cannot load libcuda.so.1 | Error initializing output stream 0:0 -- Error while opening encoder for output stream #0:0',
    );
    expect(describeEncodeFailure({ code: 1, signal: null, stderrTail: '' }, ctx)).toMatch(/printed no error message/);
  });
});
