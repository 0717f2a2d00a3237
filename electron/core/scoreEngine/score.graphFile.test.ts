// A graph too long for a command line (a long frame match) is read from a file: the same scores
// as on the command line, with the option each build reads — `-/filter_complex` on FFmpeg 7.1
// (libvmaf 3.2), `-filter_complex_script` on FFmpeg 4.1 (libvmaf 1.3.7). Real ffmpeg, real clips;
// the length limit is lowered so a short match takes the file path. FAILS (never skips) without
// the 7.1 build.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTempDirs } from '../../testing/tempDir';
import { machineToolchain, scoreEnv } from '../../testing/scoreFixtures';
import { requiredTool } from '../../testing/tools';
import { sharedVmaf3Build } from '../../testing/vmaf3Build';
import { Toolchain } from '../toolchain';
import { scoreRun } from './run';

const tempDir = useTempDirs('vq-score-graph-file-');
let media: string;
let ref: string;
let late: string;
const savedLdPath = process.env.LD_LIBRARY_PATH;

function ffmpeg(args: string[]): void {
  execFileSync(requiredTool('ffmpeg'), ['-hide_banner', '-loglevel', 'error', '-y', ...args]);
}

beforeAll(() => {
  const b = sharedVmaf3Build();
  if (b.env.LD_LIBRARY_PATH) process.env.LD_LIBRARY_PATH = b.env.LD_LIBRARY_PATH;
  media = fs.mkdtempSync(path.join(os.tmpdir(), 'vq-score-graph-file-media-'));
  ref = path.join(media, 'ref.mp4');
  late = path.join(media, 'late.mp4');
  ffmpeg([
    ...['-f', 'lavfi', '-i', 'testsrc2=s=320x180:r=25:d=4'],
    ...['-c:v', 'libx264', '-preset', 'ultrafast', '-qp', '0', '-pix_fmt', 'yuv420p', ref],
  ]);
  ffmpeg([
    ...['-i', ref, '-vf', 'trim=start_frame=6,setpts=PTS-STARTPTS,scale=256:144'],
    ...['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '30', '-pix_fmt', 'yuv420p', late],
  ]);
});

afterAll(() => {
  if (savedLdPath === undefined) delete process.env.LD_LIBRARY_PATH;
  else process.env.LD_LIBRARY_PATH = savedLdPath;
  if (media) fs.rmSync(media, { recursive: true, force: true });
});

describe('a graph read from a file', () => {
  const builds: [string, () => Toolchain, string][] = [
    [
      'FFmpeg 7.1 + libvmaf 3.2',
      () => {
        const b = sharedVmaf3Build();
        return new Toolchain({
          cacheDir: path.join(tempDir(), 'cache'),
          env: scoreEnv({ VQ_FFMPEG: b.ffmpeg, VQ_FFPROBE: b.ffprobe }),
        });
      },
      '-/filter_complex',
    ],
    [
      'FFmpeg 4.1 + libvmaf 1.3.7',
      () => machineToolchain(path.join(tempDir(), 'cache')),
      '-filter_complex_script',
    ],
  ];
  for (const [name, toolchainOf, option] of builds) {
    it(`scores the same as on the command line (${name})`, async () => {
      const toolchain = toolchainOf();
      const request = {
        reference: { path: ref },
        distorted: [{ path: late }],
        metrics: ['vmaf' as const, 'psnr' as const],
      };
      const inline = await scoreRun(request, { toolchain, tmpDir: tempDir() });
      const fromFile = await scoreRun(request, {
        toolchain,
        tmpDir: tempDir(),
        inlineGraphChars: 50,
      });
      expect(inline.command).toContain('-filter_complex');
      expect(fromFile.command).toContain(option);
      expect(fromFile.command).not.toContain('-filter_complex');
      const r = fromFile.results[0]!;
      expect(r.alignment.frameMatch).toMatchObject({ offsetFrames: 6 });
      expect(r.frameNumbers).toEqual(inline.results[0]!.frameNumbers);
      expect(r.perFrame.vmaf).toEqual(inline.results[0]!.perFrame.vmaf);
      expect(r.perFrame.psnrY).toEqual(inline.results[0]!.perFrame.psnrY);
    });
  }
});
