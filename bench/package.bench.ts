/**
 * Packaging (`VQ_BENCH_ONLY=package`): a 7-rung, 10 s H.264 ladder (1080p to 234p, fixed 2 s GOPs,
 * AAC on every rung, as the built-in HLS ladder makes it) packaged as HLS + DASH in 4 s segments,
 * against the hand-written ffmpeg commands that mux the same segments: one `-c copy -f hls
 * -hls_segment_type fmp4` per rung and one for the audio, run one after another.
 *
 * - `vq package` in process (packageLadder): reading the renditions' keyframes, the muxes, the
 *   segment measures and the playlists. Goal: ≤ 1.1× the hand-written commands.
 * - `vq package` as a command (node starting, the data folder opened, the toolchain checked).
 *
 * Medians of VQ_BENCH_PACKAGE_RUNS runs (default 5), the two ways taking turns.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageLadder } from '../electron/core/package/packager';

const RUNGS: [string, number, number][] = [
  ['1080p', 1080, 6000],
  ['720p', 720, 3000],
  ['540p', 540, 2000],
  ['432p', 432, 1100],
  ['360p', 360, 730],
  ['270p', 270, 365],
  ['234p', 234, 145],
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Runs the packaging benchmark and prints its table. */
export async function runPackageBenchmarks(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vq-bench-package-'));
  try {
    const renditions = RUNGS.map(([id, height, kbps]) => {
      const file = path.join(dir, `${id}.mp4`);
      execFileSync('ffmpeg', [
        ...[
          '-hide_banner',
          '-loglevel',
          'error',
          '-f',
          'lavfi',
          '-i',
          'testsrc2=s=1920x1080:r=25:d=10',
        ],
        ...['-f', 'lavfi', '-i', 'sine=f=440:d=10', '-vf', `scale=-2:${height}`],
        ...[
          '-c:v',
          'libx264',
          '-preset',
          'ultrafast',
          '-b:v',
          `${kbps}k`,
          '-g',
          '50',
          '-keyint_min',
          '50',
        ],
        ...['-sc_threshold', '0', '-c:a', 'aac', '-b:a', '128k', '-movflags', '+faststart', file],
      ]);
      return { rungId: id, path: file };
    });
    const manifest = path.join(dir, 'manifest.json');
    fs.writeFileSync(manifest, JSON.stringify({ renditions }));
    const runs = Number(process.env.VQ_BENCH_PACKAGE_RUNS ?? 5);
    const hand: number[] = [];
    const core: number[] = [];
    const cli: number[] = [];
    for (let k = 0; k < runs; k++) {
      // By hand: the same muxes, one command per rung and one for the audio.
      const handDir = path.join(dir, `hand-${k}`);
      let t0 = performance.now();
      const mux = (input: string, out: string, map: string[]): void => {
        fs.mkdirSync(out, { recursive: true });
        execFileSync('ffmpeg', [
          ...['-hide_banner', '-nostats', '-loglevel', 'error', '-i', input, ...map, '-c', 'copy'],
          ...[
            '-f',
            'hls',
            '-hls_time',
            '4',
            '-hls_playlist_type',
            'vod',
            '-hls_segment_type',
            'fmp4',
          ],
          ...[
            '-hls_fmp4_init_filename',
            'init.mp4',
            '-hls_segment_filename',
            path.join(out, 'seg-%05d.m4s'),
          ],
          ...['-hls_flags', 'independent_segments', path.join(out, 'index.m3u8')],
        ]);
      };
      renditions.forEach((r, i) => mux(r.path, path.join(handDir, `v${i}`), ['-map', '0:v:0']));
      mux(renditions[0]!.path, path.join(handDir, 'audio'), ['-map', '0:a:0']);
      hand.push(performance.now() - t0);

      t0 = performance.now();
      await packageLadder({
        ffmpeg: 'ffmpeg',
        ffprobe: 'ffprobe',
        renditions,
        outDir: path.join(dir, `core-${k}`),
        hls: true,
        dash: true,
        segmentSeconds: 4,
      });
      core.push(performance.now() - t0);

      t0 = performance.now();
      const r = spawnSync(
        process.execPath,
        [
          path.resolve('bin/vq.mjs'),
          'package',
          manifest,
          '--out',
          path.join(dir, `cli-${k}`),
          '--segment-seconds',
          '4',
        ],
        { env: { ...process.env, VQ_DATA_DIR: path.join(dir, 'data') }, encoding: 'utf8' },
      );
      if (r.status !== 0) throw new Error(`vq package failed: ${r.stderr}`);
      cli.push(performance.now() - t0);
    }
    const h = median(hand);
    console.log(
      `package: 7-rung 10 s 1080p–234p H.264 ladder with AAC, 4 s segments, HLS + DASH; medians of ${runs} runs`,
    );
    console.log(`  hand-written ffmpeg (7 rungs + audio)   ${h.toFixed(0).padStart(6)} ms`);
    console.log(
      `  packageLadder (in process)              ${median(core).toFixed(0).padStart(6)} ms  ${(median(core) / h).toFixed(2)}× (goal ≤ 1.1×)`,
    );
    console.log(
      `  vq package (the command)               ${median(cli).toFixed(0).padStart(6)} ms  ${(median(cli) / h).toFixed(2)}×`,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  runPackageBenchmarks().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
