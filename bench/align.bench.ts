/**
 * Alignment benchmarks (issue 15):
 * 1. signatures: one decode of a 1080p25 10 s x264 title into frame signatures, in times real
 *    time (goal ≥ 10×), alone and with black bars looked for in the same decode;
 * 2. the alignment of two 2-hour signature sets (180,000 frames at 25 fps, a start offset and
 *    drops) in seconds (goal < 5 s);
 * 3. the whole alignment of a 1080p 10 s pair (alignVideos: both decoded at once, then mapped)
 *    against decoding both files once by hand, at once (goal ≤ 1.2×), and `vq align` end to end;
 * 4. `vq align` end to end on a 1080p 60 s pair, where its fixed start-up weighs less.
 * Medians of VQ_BENCH_ENCODE_RUNS runs (default 3).
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { seededRandom } from '../shared/seededRandom';
import { alignFrames } from '../electron/core/align/alignFrames';
import { alignVideos } from '../electron/core/align/alignVideos';
import {
  SIGNATURE_DIMS,
  computeSignatures,
  decodeLevels,
  normalise,
} from '../electron/core/align/signatures';
import { probeFile } from '../electron/core/probe';
import { VQ_BIN } from '../electron/testing/vqProcess';
import { compare, fmt } from './encode';

/** Decodes `file` to nothing, as a hand-written command would. */
function decode(file: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('ffmpeg', ['-v', 'error', '-i', file, '-map', '0:v:0', '-f', 'null', '-'], {
      stdio: 'ignore',
    });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg ${code}`))));
  });
}

export async function runAlignBenchmarks(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vq-bench-align-'));
  try {
    const ref = path.join(dir, 'ref-1080p25.mp4');
    const dist = path.join(dir, 'dist-720p.mp4');
    execFileSync('ffmpeg', [
      ...['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=s=1920x1080:r=25:d=10'],
      ...['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '18', '-pix_fmt', 'yuv420p', ref],
    ]);
    execFileSync('ffmpeg', [
      ...[
        '-v',
        'error',
        '-y',
        '-i',
        ref,
        '-vf',
        'trim=start_frame=5,setpts=PTS-STARTPTS,scale=1280:720',
      ],
      ...['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '30', dist],
    ]);

    console.log('align 1: signatures of a 1080p25 10 s title (one decode)');
    const sig = await compare({
      signatures: () =>
        computeSignatures({ ffmpeg: 'ffmpeg', input: ref, pixFmt: 'yuv420p' }).then(() => {}),
      withBars: () =>
        decodeLevels({
          ffmpeg: 'ffmpeg',
          input: ref,
          pixFmt: 'yuv420p',
          findBars: { width: 1920, height: 1080 },
        }).then(() => {}),
    });
    console.log(
      `  ${fmt(sig.signatures)}: ×${(10 / sig.signatures.median).toFixed(1)} real time (goal ≥ 10×)`,
    );
    console.log(
      `  with black bars looked for in the same decode (what vq align runs): ${fmt(sig.withBars)}, ×${(10 / sig.withBars.median).toFixed(1)} real time`,
    );

    console.log('align 2: two 2-hour signature sets (180,000 frames each; offset 37, 3 drops)');
    const n = 180_000;
    const rnd = seededRandom(5);
    const levels = new Uint8Array(n * SIGNATURE_DIMS);
    // A slowly changing picture (a drift per frame), so neighbours look alike as in real video.
    for (let k = 0; k < SIGNATURE_DIMS; k++) levels[k] = Math.floor(rnd() * 256);
    for (let i = 1; i < n; i++)
      for (let k = 0; k < SIGNATURE_DIMS; k++) {
        const v = levels[(i - 1) * SIGNATURE_DIMS + k]! + (rnd() - 0.5) * 40;
        levels[i * SIGNATURE_DIMS + k] = Math.max(0, Math.min(255, Math.round(v)));
      }
    const refSig = { count: n, data: normalise(levels, n) };
    const keep = Array.from({ length: n }, (_, i) => i).filter(
      (i) => i >= 37 && i !== 50_000 && i !== 50_001 && i !== 120_000,
    );
    const distLevels = new Uint8Array(keep.length * SIGNATURE_DIMS);
    keep.forEach((i, j) =>
      distLevels.set(
        levels.subarray(i * SIGNATURE_DIMS, (i + 1) * SIGNATURE_DIMS),
        j * SIGNATURE_DIMS,
      ),
    );
    const distSig = { count: keep.length, data: normalise(distLevels, keep.length) };
    let found = '';
    const two = await compare({
      align: () => {
        const m = alignFrames(refSig, distSig);
        found = `offset ${m.offsetFrames}, dropped ${m.dropped.join(', ')}`;
      },
    });
    console.log(`  ${fmt(two.align)} (goal < 5 s); found ${found}`);

    console.log(
      'align 3: aligning a 1080p 10 s pair vs decoding both files once (by hand, at once)',
    );
    const probe = (f: string) => probeFile(f, { ffprobe: 'ffprobe' });
    const [refMedia, distMedia] = await Promise.all([probe(ref), probe(dist)]);
    // The CLI's data folder, its toolchain probed once beforehand (`vq doctor`).
    const data = path.join(dir, 'data');
    spawnSync(process.execPath, [VQ_BIN, 'doctor'], {
      env: { ...process.env, VQ_DATA_DIR: data },
      stdio: 'ignore',
    });
    const whole = await compare({
      vq: () =>
        alignVideos(
          { path: ref, media: refMedia },
          { path: dist, media: distMedia },
          { ffmpeg: 'ffmpeg' },
        ).then(() => {}),
      hand: () => Promise.all([decode(ref), decode(dist)]).then(() => {}),
      cli: () => {
        // As a person runs it again on new files: the toolchain known, no signatures kept.
        fs.rmSync(path.join(data, 'cache', 'signatures'), { recursive: true, force: true });
        const r = spawnSync(
          process.execPath,
          [VQ_BIN, 'align', '--ref', ref, '--dist', dist, '--json'],
          {
            env: { ...process.env, VQ_DATA_DIR: data },
            encoding: 'utf8',
          },
        );
        if (r.status !== 0) throw new Error(`vq align failed: ${r.stderr}`);
      },
    });
    console.log(`  alignVideos      ${fmt(whole.vq)}`);
    console.log(`  decode both      ${fmt(whole.hand)}`);
    console.log(`  vq align (CLI)   ${fmt(whole.cli)}`);
    console.log(
      `  ratio ${(whole.vq.median / whole.hand.median).toFixed(2)}× (goal ≤ 1.2×); the CLI, start-up included, ${(whole.cli.median / whole.hand.median).toFixed(2)}×`,
    );

    // The CLI's start-up (node, tsx, the library, the probes) is the same for any length.
    console.log('align 4: vq align (CLI) on a 1080p 60 s pair vs decoding both files once');
    const longRef = path.join(dir, 'ref-60s.mp4');
    const longDist = path.join(dir, 'dist-60s.mp4');
    execFileSync('ffmpeg', [
      ...['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=s=1920x1080:r=25:d=60'],
      ...['-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '18', '-pix_fmt', 'yuv420p', longRef],
    ]);
    execFileSync('ffmpeg', [
      ...[
        '-v',
        'error',
        '-y',
        '-i',
        longRef,
        '-vf',
        'trim=start_frame=5,setpts=PTS-STARTPTS,scale=1280:720',
      ],
      ...['-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '30', longDist],
    ]);
    const long = await compare({
      cli: () => {
        fs.rmSync(path.join(data, 'cache', 'signatures'), { recursive: true, force: true });
        const r = spawnSync(
          process.execPath,
          [VQ_BIN, 'align', '--ref', longRef, '--dist', longDist, '--json'],
          { env: { ...process.env, VQ_DATA_DIR: data }, encoding: 'utf8' },
        );
        if (r.status !== 0) throw new Error(`vq align failed: ${r.stderr}`);
      },
      hand: () => Promise.all([decode(longRef), decode(longDist)]).then(() => {}),
    });
    console.log(`  vq align (CLI)   ${fmt(long.cli)}`);
    console.log(`  decode both      ${fmt(long.hand)}`);
    console.log(`  ratio ${(long.cli.median / long.hand.median).toFixed(2)}× (goal ≤ 1.2×)`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
