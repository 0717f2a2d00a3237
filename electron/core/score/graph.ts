/**
 * The one ffmpeg command of a scoring run, built as pure text: inputs `[dist0 … distN-1, ref]`,
 * the reference decoded once and split to every metric of every distorted video, and each leg
 * aligned the way Netflix documents it (methods.md §3.1–3.2):
 *
 *   -r <ref rate> before every -i   frames get constant-rate timestamps (frame n ↔ frame n)
 *   settb=AVTB,setpts=PTS-STARTPTS  both legs start at 0 in the same time base
 *   fps=<ref rate>                  only for a leg whose rate was converted (a chosen fix)
 *   trim=start_frame:end_frame      the frame range, and the overlap when chosen
 *   scale=W:H:flags=bicubic         distorted upscaled to the reference (or both to a size)
 *   format=<pix_fmt>                both in one pixel format (libvmaf needs equal formats)
 *
 * Why `-r` and not only timestamps: ffmpeg's framesync pairs each distorted frame with the
 * latest reference frame whose timestamp is not after it. Matroska stores milliseconds, so at
 * 24 fps frame 10 of an MKV is at 0.417 s while the same frame from MP4 is at 0.41667 s, and
 * framesync pairs it with reference frame 9 (score.equivalence.test.ts shows it). Forcing both
 * inputs to the reference's constant rate, as Netflix recommends ("-r 24 … needs to be before
 * -i", https://github.com/Netflix/vmaf/blob/master/resource/doc/ffmpeg.md) and ab-av1 does,
 * pairs frames by position, which is what scoring means. Pain point:
 * https://github.com/fifonik/FFMetrics/issues/8.
 *
 * libvmaf's input 0 is the distorted video, input 1 the reference (vf_libvmaf.c "main",
 * "reference"). The psnr/ssim filters take the same order and write per-frame stats files.
 */
import type { RawVideoSpec } from '../../../shared/media';
import type { ModelUsed } from '../../../shared/score';
import { rawInputArgs } from '../probe';
import { escapeGraphLevel, filterValue, libvmafDictValue } from './escape';

/** How libvmaf is configured in the graph. */
export interface VmafFilterSpec {
  /** Filter API generation: 1 = `model_path=` (libvmaf 1.x), 2 = `model=` (libvmaf 2+). */
  api: 1 | 2;
  model: ModelUsed;
  /** libvmaf's `n_threads`. */
  threads: number;
  /** Ask libvmaf for MS-SSIM too. */
  msSsim: boolean;
}

/** Frame timing of one leg: forced constant rate, converted with the fps filter, or as stored. */
export type LegTiming = 'index' | 'convert' | 'timestamps';

/** One distorted video of the graph. */
export interface PairGraphSpec {
  /** Index of the video stream in its file (`[i:<index>]`, skips cover art). */
  streamIndex: number;
  timing: LegTiming;
  /** Frames of this pair after the start frame (the overlap), or null for the run's range. */
  trimFrames: number | null;
  rangeConversion: { from: 'tv' | 'pc'; to: 'tv' | 'pc' } | null;
  forceRange: 'tv' | 'pc' | null;
  matrixConversion: { from: string; to: string } | null;
  /** Log files of this pair; null leaves that metric out. */
  logs: { vmaf: string | null; psnr: string | null; ssim: string | null };
}

/** Everything the graph is built from. */
export interface ScoreGraphSpec {
  width: number;
  height: number;
  pixFmt: string;
  /** Format libvmaf sees when it differs from pixFmt (the 10-bit workaround), else null. */
  vmafPixFmt: string | null;
  /** The reference's rate "N/D", for the fps filter of converted legs. */
  frameRate: string | null;
  reference: { streamIndex: number; timing: LegTiming };
  /** First frame compared (0-based, at the reference's rate). */
  startFrame: number;
  /** Frames compared from the start frame, or null to the end. */
  frames: number | null;
  /** Every n-th frame (libvmaf n_subsample; select on the psnr/ssim legs). */
  subsample: number;
  vmaf: VmafFilterSpec | null;
  pairs: PairGraphSpec[];
}

/** The filtergraph and the labels of its outputs (each mapped to the null muxer). */
export interface BuiltGraph {
  graph: string;
  outputs: string[];
}

/** colorspace filter presets for ffprobe's matrix names (fast=1 converts the matrix only). */
const COLORSPACE_PRESET: Readonly<Record<string, string>> = {
  bt709: 'bt709',
  smpte170m: 'smpte170m',
  bt470bg: 'bt470bg',
  bt2020nc: 'bt2020',
  bt2020c: 'bt2020',
  smpte240m: 'smpte240m',
  fcc: 'bt470m',
};

/** True when the colorspace filter can convert from/to this matrix. */
export function canConvertMatrix(matrix: string): boolean {
  return matrix in COLORSPACE_PRESET;
}

function chain(input: string, filters: readonly string[], outputs: readonly string[]): string {
  const body = [...filters];
  if (outputs.length > 1) body.push(`split=${outputs.length}`);
  // A chain needs at least one filter; "null" passes frames through unchanged.
  if (body.length === 0) body.push('null');
  return `[${input}]${body.join(',')}${outputs.map((o) => `[${o}]`).join('')}`;
}

function trimFilters(start: number, frames: number | null): string[] {
  if (start <= 0 && frames === null) return [];
  const opts = [`start_frame=${start}`];
  if (frames !== null) opts.push(`end_frame=${start + frames}`);
  return [`trim=${opts.join(':')}`, 'setpts=PTS-STARTPTS'];
}

function timingFilters(timing: LegTiming, rate: string | null): string[] {
  const out = ['settb=AVTB', 'setpts=PTS-STARTPTS'];
  if (timing === 'convert' && rate) out.push(`fps=${escapeGraphLevel(rate)}`);
  return out;
}

function minOrNull(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.min(a, b);
}

/** The libvmaf filter with its options, for the API generation of the build. */
export function libvmafFilter(v: VmafFilterSpec, logPath: string, subsample: number): string {
  const opts: string[] = [];
  if (v.api === 1) {
    if (!v.model.path) throw new Error('libvmaf 1.x needs a model file');
    opts.push(`model_path=${filterValue(v.model.path)}`);
    opts.push('log_fmt=json', `log_path=${filterValue(logPath)}`);
    if (v.msSsim) opts.push('ms_ssim=1');
    if (v.model.transform) opts.push('phone_model=1');
  } else {
    const dict = [
      v.model.path
        ? `path=${libvmafDictValue(v.model.path)}`
        : `version=${libvmafDictValue(v.model.name)}`,
      'name=vmaf',
    ];
    if (v.model.transform) dict.push('enable_transform=true');
    opts.push(`model=${filterValue(dict.join(':'))}`);
    if (v.msSsim) opts.push(`feature=${filterValue('name=float_ms_ssim')}`);
    opts.push('log_fmt=json', `log_path=${filterValue(logPath)}`);
  }
  // Numbers go into the graph as numbers: anything else could smuggle in filter options.
  if (!Number.isInteger(v.threads) || v.threads < 1) throw new Error(`libvmaf threads must be a whole number ≥ 1, not ${JSON.stringify(v.threads)}`);
  if (!Number.isInteger(subsample) || subsample < 1) throw new Error(`subsample must be a whole number ≥ 1, not ${JSON.stringify(subsample)}`);
  opts.push(`n_threads=${v.threads}`);
  if (subsample > 1) opts.push(`n_subsample=${subsample}`);
  // End with the shorter input instead of repeating its last frame against the rest
  // (https://github.com/slhck/ffmpeg-quality-metrics/pull/88); the run checks the frame count.
  opts.push('shortest=1');
  return `libvmaf=${opts.join(':')}`;
}

/** Refuses a count that is not a whole number ≥ 0 (it is written into the graph as text). */
function wholeNumbers(values: Record<string, number>): void {
  for (const [name, v] of Object.entries(values)) {
    if (!Number.isSafeInteger(v) || v < 0) throw new Error(`${name} must be a whole number, not ${JSON.stringify(v)}`);
  }
}

/** Builds the filtergraph of one run. */
export function buildScoreGraph(spec: ScoreGraphSpec): BuiltGraph {
  const n = spec.pairs.length;
  if (n === 0) throw new Error('a score graph needs at least one distorted video');
  wholeNumbers({ width: spec.width, height: spec.height, startFrame: spec.startFrame, subsample: spec.subsample });
  if (spec.frames !== null) wholeNumbers({ frames: spec.frames });
  for (const p of spec.pairs) if (p.trimFrames !== null) wholeNumbers({ trimFrames: p.trimFrames });
  const parts: string[] = [];
  const outputs: string[] = [];
  const size = `${spec.width}:${spec.height}`;
  const select =
    spec.subsample > 1 ? [`select=${escapeGraphLevel(`not(mod(n,${spec.subsample}))`)}`] : [];

  // Reference: decoded once, aligned once, then split to every pair.
  parts.push(
    chain(
      `${n}:${spec.reference.streamIndex}`,
      [
        ...timingFilters(spec.reference.timing, spec.frameRate),
        ...trimFilters(spec.startFrame, spec.frames),
        `scale=${size}:flags=bicubic`,
        `format=${spec.pixFmt}`,
      ],
      spec.pairs.map((_, i) => `r${i}`),
    ),
  );

  spec.pairs.forEach((p, i) => {
    const metrics = (['vmaf', 'psnr', 'ssim'] as const).filter((m) => p.logs[m] !== null);
    if (metrics.length === 0) throw new Error(`pair ${i} computes no metric`);
    const legs = metrics.map((m) => m[0]!);
    const pairFrames = minOrNull(p.trimFrames, spec.frames);

    // The pair's share of the reference: trimmed further only when its overlap is shorter.
    const refTrim =
      p.trimFrames !== null && (spec.frames === null || p.trimFrames < spec.frames)
        ? [`trim=end_frame=${p.trimFrames}`]
        : [];
    parts.push(
      chain(
        `r${i}`,
        refTrim,
        legs.map((l) => `r${i}${l}`),
      ),
    );

    const scaleOpts = [size, 'flags=bicubic'];
    if (p.rangeConversion) {
      scaleOpts.push(`in_range=${p.rangeConversion.from}`, `out_range=${p.rangeConversion.to}`);
    } else if (p.forceRange) {
      // Same range in and out: swscale keeps the samples, whatever the stream's tag says.
      scaleOpts.push(`in_range=${p.forceRange}`, `out_range=${p.forceRange}`);
    }
    const distFilters = [
      ...timingFilters(p.timing, spec.frameRate),
      ...trimFilters(spec.startFrame, pairFrames),
      `scale=${scaleOpts.join(':')}`,
      `format=${spec.pixFmt}`,
    ];
    if (p.matrixConversion) {
      const from = COLORSPACE_PRESET[p.matrixConversion.from];
      const to = COLORSPACE_PRESET[p.matrixConversion.to];
      if (!from || !to) throw new Error(`cannot convert matrix ${p.matrixConversion.from}`);
      distFilters.push(`colorspace=iall=${from}:all=${to}:fast=1`);
    }
    parts.push(
      chain(
        `${i}:${p.streamIndex}`,
        distFilters,
        legs.map((l) => `d${i}${l}`),
      ),
    );

    for (const m of metrics) {
      const l = m[0]!;
      const out = `o${i}${l}`;
      const log = p.logs[m]!;
      if (m === 'vmaf') {
        if (!spec.vmaf) throw new Error('vmaf log without a vmaf spec');
        let d = `d${i}${l}`;
        let r = `r${i}${l}`;
        if (spec.vmafPixFmt && spec.vmafPixFmt !== spec.pixFmt) {
          parts.push(
            `[${d}]format=${spec.vmafPixFmt}[${d}8]`,
            `[${r}]format=${spec.vmafPixFmt}[${r}8]`,
          );
          d += '8';
          r += '8';
        }
        parts.push(`[${d}][${r}]${libvmafFilter(spec.vmaf, log, spec.subsample)}[${out}]`);
      } else {
        let d = `d${i}${l}`;
        let r = `r${i}${l}`;
        if (select.length > 0) {
          parts.push(`[${d}]${select[0]}[${d}n]`, `[${r}]${select[0]}[${r}n]`);
          d += 'n';
          r += 'n';
        }
        parts.push(`[${d}][${r}]${m}=stats_file=${filterValue(log)}:shortest=1[${out}]`);
      }
      outputs.push(out);
    }
  });

  return { graph: parts.join(';'), outputs };
}

/** One input of the command. */
export interface ScoreInputArgs {
  /** What follows -i (see probe's ffmpegInputUrl). */
  url: string;
  /** Geometry of headerless raw video. */
  raw: RawVideoSpec | null;
  /** Constant rate to read the input at (`-r` before `-i`), or null to keep its timestamps. */
  rate: string | null;
}

/**
 * The ffmpeg arguments (without the binary): inputs `[dist…, ref]`, the graph, every output to
 * the null muxer, progress as key=value blocks on stdout, only errors on stderr.
 */
export function buildScoreArgs(inputs: readonly ScoreInputArgs[], built: BuiltGraph): string[] {
  const args = [
    '-hide_banner',
    '-nostdin',
    '-nostats',
    '-loglevel',
    'error',
    '-progress',
    'pipe:1',
  ];
  for (const inp of inputs) {
    if (inp.raw) args.push(...rawInputArgs(inp.raw));
    if (inp.rate) args.push('-r', inp.rate);
    args.push('-i', inp.url);
  }
  args.push('-filter_complex', built.graph);
  for (const o of built.outputs) args.push('-map', `[${o}]`);
  args.push('-f', 'null', '-');
  return args;
}
