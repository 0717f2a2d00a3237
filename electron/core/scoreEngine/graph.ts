/**
 * The one ffmpeg command of a scoring run, built as pure text: inputs `[dist0 … distN-1, ref]`,
 * one filtergraph per distorted video (the reference decoded once by ffmpeg, aligned in each graph
 * and split to its metrics), and each leg aligned the way Netflix documents it (methods.md
 * §3.1–3.2):
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
 * A VMAF v1 model's legs are scaled straight into 10 bits (models_v1.md), from the decoded picture
 * and not from the 8-bit legs of the other metrics, which stay as they are; where the decoded
 * picture already has the compared size and format, converting the common leg gives the same
 * frames and saves the second scale (see {@link conversionIsExact}).
 *
 * libvmaf's input 0 is the distorted video, input 1 the reference (vf_libvmaf.c "main",
 * "reference"). The psnr/ssim filters take the same order and write per-frame stats files.
 * The xpsnr filter takes the OTHER order: its first input is the reference ("the first input is
 * considered a (usually not distorted) reference source", ffmpeg-filters(1) xpsnr), and it weights
 * the error by the activity of that first input, so swapping them changes the number.
 */
import { fileInputArgs } from '../../../shared/ffmpegInput';
import { VqError } from '../../../shared/errors';
import { framePatterns, type FramePairs, type FramePattern } from '../../../shared/frameMatch';
import type { RawVideoSpec } from '../../../shared/media';
import { bitDepthOf, chromaOf } from '../../../shared/pixfmt';
import type { ModelUsed, PictureBox } from '../../../shared/score';
import {
  escapeGraphLevel,
  filterValue,
  hasUnescapablePipe,
  libvmafDictValue,
} from '../ffmpeg/escape';

/** How libvmaf is configured in the graph. */
export interface VmafFilterSpec {
  /** Filter API generation: 1 = `model_path=` (libvmaf 1.x), 2 = `model=` (libvmaf 2+). */
  api: 1 | 2;
  model: ModelUsed;
  /**
   * libvmaf's `n_threads`. 0 is libvmaf 2+'s synchronous mode: the frames are scored in the
   * graph's own thread as they arrive (libvmaf 1.x takes 0 as "all cores").
   */
  threads: number;
  /** Ask libvmaf for MS-SSIM too. */
  msSsim: boolean;
  /** Ask libvmaf for CAMBI too (libvmaf 2+ only). */
  cambi?: boolean;
}

/**
 * Frame timing of one leg: forced constant rate, converted with the fps filter, as stored, or
 * read from a seek and stamped by frame count at the reference's rate (what 'index' is after a
 * seek: a forced rate cannot be used there, as it stamps frames from the keyframe seeked to).
 * A pair matched by its pictures (`PairGraphSpec.matched`) picks its frames by number instead.
 */
export type LegTiming = 'index' | 'convert' | 'timestamps' | 'seeked';

/**
 * Most patterns one leg's select may list (a decoded frame evaluates one of them, down a tree;
 * the bound keeps the graph to a few megabytes). A graph too long for the command line goes in a
 * file (see {@link ScoreGraphFile}).
 */
export const MAX_SELECT_TERMS = 50_000;
/** Most places a leg may hold a frame (its `setpts` adds a step for each). */
export const MAX_HOLDS = 2000;

/** The picture a video decodes to, as its probe says. */
export interface DecodedPicture {
  width: number;
  height: number;
  pixFmt: string;
}

/** One distorted video of the graph. */
export interface PairGraphSpec {
  /** Index of the video stream in its file (`[i:<index>]`, skips cover art). */
  streamIndex: number;
  /** The decoded picture, when known (lets a 10-bit VMAF leg share the common scale). */
  decoded?: DecodedPicture;
  /** Entries added to this pair's libvmaf model dict, e.g. `cambi.enc_width=320`. */
  modelOptions?: readonly string[];
  /** Options of this pair's CAMBI feature, e.g. `enc_bitdepth=8`. */
  cambiOptions?: readonly string[];
  timing: LegTiming;
  /**
   * The frames compared when they were matched by their pictures (shared/frameMatch.ts): both
   * legs pick them by number and are stamped by position, so timing, the start frame and the
   * trims do not apply to this pair (its pairs are already cut to the range).
   */
  matched?: FramePairs | null;
  /**
   * Black bars cropped away (a crop fix): the part of each picture compared (null: the whole
   * picture) and the size this pair is compared at instead of the run's.
   */
  crop?: {
    distorted: PictureBox | null;
    reference: PictureBox | null;
    width: number;
    height: number;
  } | null;
  /**
   * The distorted picture moved back by this much, in compared pixels (it shows the reference's
   * (u, v) at (u + x, v + y)): after the scale both legs are cropped to where they overlap.
   */
  shift?: { x: number; y: number } | null;
  /** Frames of this pair after the start frame (the overlap), or null for the run's range. */
  trimFrames: number | null;
  rangeConversion: { from: 'tv' | 'pc'; to: 'tv' | 'pc' } | null;
  forceRange: 'tv' | 'pc' | null;
  matrixConversion: { from: string; to: string } | null;
  /** Log files of this pair; null leaves that metric out. */
  logs: PairLogPaths;
}

/** The log file of each filter of one pair; null leaves that filter out. */
export interface PairLogPaths {
  vmaf: string | null;
  psnr: string | null;
  ssim: string | null;
  xpsnr: string | null;
}

/** The filters of a pair and the letter of the leg each takes from the split legs. */
const LEGS = [
  ['vmaf', 'v'],
  ['psnr', 'p'],
  ['ssim', 's'],
  ['xpsnr', 'x'],
] as const;

/** Everything the graph is built from. */
export interface ScoreGraphSpec {
  width: number;
  height: number;
  pixFmt: string;
  /** Format libvmaf sees when it differs from pixFmt (10-bit workaround, VMAF v1), else null. */
  vmafPixFmt: string | null;
  /**
   * How the libvmaf legs reach vmafPixFmt: `convert` the legs scaled into pixFmt (the 10-bit
   * workaround, default) or `scale` each decoded video straight into it (the VMAF v1 recipe).
   */
  vmafLegs?: 'convert' | 'scale';
  /** The reference's rate "N/D", for the fps filter of converted legs and of the XPSNR legs. */
  frameRate: string | null;
  reference: { streamIndex: number; timing: LegTiming; decoded?: DecodedPicture };
  /** First frame compared (0-based, at the reference's rate). */
  startFrame: number;
  /** Frames compared from the start frame, or null to the end. */
  frames: number | null;
  /**
   * Every n-th frame (libvmaf n_subsample; select on the psnr/ssim legs). XPSNR sees every frame
   * (its temporal term reads the previous one): the run keeps every n-th line of its stats.
   */
  subsample: number;
  vmaf: VmafFilterSpec | null;
  pairs: PairGraphSpec[];
}

/** One filtergraph of the command and the labels of its outputs (each mapped to the null muxer). */
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

/** The fps filter at a rate "N/D" or "N" (refused otherwise: it is written into the graph). */
function fpsFilter(rate: string): string {
  if (!/^\d+(\.\d+)?(\/\d+)?$/.test(rate))
    throw new Error(`not a frame rate: ${JSON.stringify(rate)}`);
  return `fps=${escapeGraphLevel(rate)}`;
}

function timingFilters(timing: LegTiming, rate: string | null): string[] {
  if (timing === 'seeked') {
    if (!rate) throw new Error('a seeked leg needs the frame rate');
    fpsFilter(rate); // refuses a rate that is not a number
    return ['settb=AVTB', `setpts=N/(${rate})/TB`];
  }
  const out = ['settb=AVTB', 'setpts=PTS-STARTPTS'];
  if (timing === 'convert' && rate) out.push(fpsFilter(rate));
  return out;
}

/** The select term of one pattern: its span, and the residues it keeps (or those it skips). */
function patternTerm(p: FramePattern): string {
  if (p.from === p.to) return `eq(n,${p.from})`;
  const inside = `between(n,${p.from},${p.to})`;
  if (p.offsets.length === p.period) return inside;
  const residue = `mod(n-${p.from},${p.period})`;
  const skipped = [...Array(p.period).keys()].filter((o) => !p.offsets.includes(o));
  const test = (os: readonly number[]): string =>
    os.map((o) => (o === 0 ? `not(${residue})` : `eq(${residue},${o})`)).join('+');
  return skipped.length < p.offsets.length
    ? `${inside}*not(${test(skipped)})`
    : `${inside}*(${test(p.offsets)})`;
}

/**
 * `select` keeping frames (ascending, distinct) by their number in the leg: the patterns as a
 * balanced tree of `if(lt(n,…),…,…)`, so each decoded frame evaluates one pattern and a few
 * comparisons (ffmpeg's `if` evaluates only the branch taken), however many there are.
 */
export function selectFrames(frames: readonly number[]): string {
  const patterns = framePatterns(frames);
  if (patterns.length > MAX_SELECT_TERMS) throw tooManyMatched(`${patterns.length} patterns`);
  const tree = (lo: number, hi: number): string => {
    if (lo === hi) return patternTerm(patterns[lo]!);
    const mid = (lo + hi + 1) >> 1;
    return `if(lt(n,${patterns[mid]!.from}),${tree(lo, mid - 1)},${tree(mid, hi)})`;
  };
  return `select=${escapeGraphLevel(patterns.length > 0 ? tree(0, patterns.length - 1) : '0')}`;
}

/** The refusal of a match too irregular to be written into one graph. */
function tooManyMatched(what: string): VqError {
  return new VqError(
    'UNSUPPORTED',
    `The frames matched by their pictures are too irregular to score in one ffmpeg graph (${what}).`,
    'Score a shorter range (--start/--frames), or pair the frames by time instead (--align off --fix convert-fps).',
  );
}

/**
 * One leg of a matched pair: its frames `frames` (ascending; a frame listed again is repeated)
 * picked by number, then stamped by position at `rate`. A repeated frame leaves a gap the fps
 * filter fills with it: the first position of each picked frame is its index among them plus the
 * repeats before it, written as steps (`N+gte(N,k)*c…`).
 */
function matchedLeg(frames: readonly number[], rate: string): string[] {
  const distinct: number[] = [];
  const steps: string[] = [];
  let repeats = 0;
  let written = 0;
  for (const f of frames) {
    if (distinct.length > 0 && f === distinct.at(-1)) {
      repeats++;
      continue;
    }
    if (repeats > written) {
      steps.push(`gte(N,${distinct.length})*${repeats - written}`);
      written = repeats;
    }
    distinct.push(f);
  }
  // Each place a frame is held is a step every frame evaluates: a few thousand at most.
  if (steps.length > MAX_HOLDS) throw tooManyMatched(`${steps.length} places a frame is held`);
  fpsFilter(rate); // refuses a rate that is not a number
  const position = ['N', ...steps].join('+');
  const out = [
    selectFrames(distinct),
    'settb=AVTB',
    `setpts=${escapeGraphLevel(`(${position})/(${rate})/TB`)}`,
  ];
  // FFmpeg 4's fps filter loses the last frame here (it ends at the end-of-stream timestamp setpts
  // left as the decoder gave it: 199 of 200 frames measured on 4.1): plan.ts refuses it there.
  if (repeats > 0) out.push(fpsFilter(rate));
  // Repeats at the very end (a range that ends among held frames) have no later frame for fps
  // to fill up to: the last frame is cloned that many times.
  if (repeats > written) out.push(`tpad=stop_mode=clone:stop=${repeats - written}`);
  return out;
}

/**
 * The crops after the scale that compare a shifted pair where it overlaps: the distorted picture
 * shows the reference's (u, v) at (u + x, v + y), so both lose |x| columns and |y| rows, the
 * distorted on the side it moved to.
 */
function overlapCrops(
  shift: { x: number; y: number } | null,
  width: number,
  height: number,
): { reference: string[]; distorted: string[] } {
  if (!shift || (shift.x === 0 && shift.y === 0)) return { reference: [], distorted: [] };
  if (!Number.isSafeInteger(shift.x) || !Number.isSafeInteger(shift.y))
    throw new Error('a shift must be whole pixels');
  const w = width - Math.abs(shift.x);
  const h = height - Math.abs(shift.y);
  if (w < 16 || h < 16) throw new Error(`a shift of ${shift.x}, ${shift.y} leaves no picture`);
  return {
    reference: [`crop=${w}:${h}:${Math.max(0, -shift.x)}:${Math.max(0, -shift.y)}`],
    distorted: [`crop=${w}:${h}:${Math.max(0, shift.x)}:${Math.max(0, shift.y)}`],
  };
}

/** `crop` to a box of the picture (whole numbers only: it is written into the graph), or none. */
function cropFilter(box: PictureBox | null): string[] {
  if (!box) return [];
  wholeNumbers({ x: box.x, y: box.y, width: box.width, height: box.height });
  if (box.width < 1 || box.height < 1) throw new Error('an empty crop');
  return [`crop=${box.width}:${box.height}:${box.x}:${box.y}`];
}

/** Refuses pairs that are not positions of two legs: equal lengths, whole frames, in order. */
function checkPairs(p: FramePairs): void {
  const n = p.ref.length;
  if (n === 0 || p.dist.length !== n)
    throw new Error('matched pairs must be two lists of one length');
  for (let i = 0; i < n; i++) {
    const r = p.ref[i]!;
    const d = p.dist[i]!;
    if (!Number.isSafeInteger(r) || !Number.isSafeInteger(d) || r < 0 || d < 0)
      throw new Error(`matched pair ${i} is not two frame numbers`);
    if (i > 0 && (r <= p.ref[i - 1]! || d < p.dist[i - 1]!))
      throw new Error(`matched pair ${i} goes back`);
  }
}

/**
 * What an XPSNR leg needs before the filter so it knows the frame rate: xpsnr divides by it
 * (vf_xpsnr.c `frame_rate.num / frame_rate.den`, and picks its temporal filter by it), while
 * setpts marks a link's rate unknown (1/0), so without this ffmpeg dies of SIGFPE. A converted
 * leg whose fps filter no setpts follows (no trim) already carries the rate.
 */
function xpsnrRateFilters(timing: LegTiming, trimmed: boolean, rate: string | null): string[] {
  if (!rate) throw new Error('XPSNR needs the frame rate');
  if (timing === 'convert' && !trimmed) return [];
  return [fpsFilter(rate)];
}

function minOrNull(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.min(a, b);
}

/** What one pair adds to the libvmaf filter (libvmaf 2+): model dict entries, CAMBI options. */
export interface PairVmafOptions {
  modelOptions?: readonly string[];
  cambiOptions?: readonly string[];
}

/**
 * One `key=value` entry of a libvmaf dictionary, each side escaped for the dictionary level. The
 * key is a (feature.)option name; a `|` cannot be expressed (see escape.ts), so it is refused.
 */
function dictEntry(entry: string): string {
  const eq = entry.indexOf('=');
  const key = entry.slice(0, eq);
  if (eq < 1 || !/^[A-Za-z0-9_.]+$/.test(key) || hasUnescapablePipe(entry)) {
    throw new Error(`not a libvmaf option: ${JSON.stringify(entry)}`);
  }
  return `${key}=${libvmafDictValue(entry.slice(eq + 1))}`;
}

/** The libvmaf filter with its options, for the API generation of the build. */
export function libvmafFilter(
  v: VmafFilterSpec,
  logPath: string,
  subsample: number,
  pair: PairVmafOptions = {},
): string {
  const opts: string[] = [];
  if (v.api === 1) {
    if (!v.model.path) throw new Error('libvmaf 1.x needs a model file');
    if (v.cambi) throw new Error('libvmaf 1.x has no CAMBI');
    opts.push(`model_path=${filterValue(v.model.path)}`);
    opts.push('log_fmt=json', `log_path=${filterValue(logPath)}`);
    if (v.msSsim) opts.push('ms_ssim=1');
    if (v.model.transform) opts.push('phone_model=1');
    if (pair.modelOptions?.length || pair.cambiOptions?.length) {
      throw new Error('libvmaf 1.x takes no model or feature options');
    }
  } else {
    const dict = [
      v.model.path
        ? `path=${libvmafDictValue(v.model.path)}`
        : `version=${libvmafDictValue(v.model.name)}`,
      'name=vmaf',
    ];
    if (v.model.transform) dict.push('enable_transform=true');
    // `feature.option=value` entries overload an option of one of the model's features.
    dict.push(...(pair.modelOptions ?? []).map(dictEntry));
    opts.push(`model=${filterValue(dict.join(':'))}`);
    // Several features are one option, `|`-separated (vf_libvmaf.c splits it with av_strtok).
    const cambi = ['name=cambi', ...(pair.cambiOptions ?? []).map(dictEntry)].join(':');
    const features = [v.msSsim ? 'name=float_ms_ssim' : null, v.cambi ? cambi : null];
    const named = features.filter((f): f is string => f !== null);
    if (named.length > 0) opts.push(`feature=${filterValue(named.join('|'))}`);
    opts.push('log_fmt=json', `log_path=${filterValue(logPath)}`);
  }
  // Numbers go into the graph as numbers: anything else could smuggle in filter options.
  if (!Number.isInteger(v.threads) || v.threads < 0)
    throw new Error(`libvmaf threads must be a whole number ≥ 0, not ${JSON.stringify(v.threads)}`);
  if (!Number.isInteger(subsample) || subsample < 1)
    throw new Error(`subsample must be a whole number ≥ 1, not ${JSON.stringify(subsample)}`);
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
    if (!Number.isSafeInteger(v) || v < 0)
      throw new Error(`${name} must be a whole number, not ${JSON.stringify(v)}`);
  }
}

/**
 * True when scaling a decoded video straight into `to` gives exactly its leg scaled into
 * `spec.pixFmt` and then converted to `to`, so a VMAF leg can share the common scale: the video
 * already decodes at the compared size in pixFmt (the common scale changes nothing) and nothing
 * changes range or matrix on the way (that would happen at the leg's depth). swscale then does
 * the same lossless conversion both ways (8→10 bits: `x << 2`, full-range luma `x << 2 | x >> 6`;
 * frame checksums equal on FFmpeg 7.1.5 in both ranges).
 */
export function conversionIsExact(
  decoded: DecodedPicture | undefined,
  spec: Pick<ScoreGraphSpec, 'width' | 'height' | 'pixFmt'>,
  to: string,
  pair?: Pick<PairGraphSpec, 'rangeConversion' | 'forceRange' | 'matrixConversion'>,
): boolean {
  return (
    decoded !== undefined &&
    decoded.width === spec.width &&
    decoded.height === spec.height &&
    decoded.pixFmt === spec.pixFmt &&
    bitDepthOf(to) >= bitDepthOf(spec.pixFmt) &&
    chromaOf(to) === chromaOf(spec.pixFmt) &&
    !pair?.rangeConversion &&
    !pair?.forceRange &&
    !pair?.matrixConversion
  );
}

/**
 * Adds the chains that bring one decoded video to the compared size in each format its legs
 * need: one chain when every leg takes the same format, else a split before the scale (labels
 * `<splitLabel>a`, `<splitLabel>b`). A group without outputs is left out.
 */
function scaleLegs(
  parts: string[],
  input: string,
  before: readonly string[],
  scaleInto: (pixFmt: string) => string[],
  groups: readonly { pixFmt: string; outputs: readonly string[] }[],
  splitLabel: string,
): void {
  const used = groups.filter((g) => g.outputs.length > 0);
  if (used.length === 1) {
    parts.push(chain(input, [...before, ...scaleInto(used[0]!.pixFmt)], used[0]!.outputs));
    return;
  }
  const labels = used.map((_, k) => `${splitLabel}${String.fromCharCode(97 + k)}`);
  parts.push(chain(input, before, labels));
  used.forEach((g, k) => parts.push(chain(labels[k]!, scaleInto(g.pixFmt), g.outputs)));
}

/**
 * Builds the filtergraphs of one run: one per distorted video, each its own `-filter_complex`
 * reading the reference input `[N:i]` itself and aligning it again (one distorted video: one
 * graph). ffmpeg decodes an input once and feeds every graph that reads it (measured on FFmpeg
 * 7.1.5 and 4.1: "24 frames decoded" for a 24-frame reference read by two graphs; four graphs
 * reading a 10 s 1080p reference cost 0.62 s CPU, one graph 0.61 s, four decodes 2.46 s), and
 * FFmpeg 7 runs each graph in a thread of its own, so the videos are scored side by side: four
 * renditions of a 1 s 1080p reference took 0.77x the wall time of four processes this way, 0.84x
 * as one graph splitting the reference (issue 12). The price is the reference's scale repeated
 * per video when the comparison size or format is not its own.
 */
export function buildScoreGraph(spec: ScoreGraphSpec): BuiltGraph[] {
  if (spec.pairs.length === 0) throw new Error('a score graph needs at least one distorted video');
  wholeNumbers({
    width: spec.width,
    height: spec.height,
    startFrame: spec.startFrame,
    subsample: spec.subsample,
    referenceStream: spec.reference.streamIndex,
  });
  if (spec.frames !== null) wholeNumbers({ frames: spec.frames });
  for (const p of spec.pairs) {
    wholeNumbers({ streamIndex: p.streamIndex });
    if (p.trimFrames !== null) wholeNumbers({ trimFrames: p.trimFrames });
    if (p.matched) checkPairs(p.matched);
    if (p.crop) wholeNumbers({ cropWidth: p.crop.width, cropHeight: p.crop.height });
  }
  return spec.pairs.map((p, i) => pairGraph(spec, p, i));
}

/** The graph of distorted video `i`: its legs and the reference's, aligned, into its metrics. */
function pairGraph(run: ScoreGraphSpec, p: PairGraphSpec, i: number): BuiltGraph {
  const crop = p.crop ?? null;
  // A cropped pair is compared at its own size.
  const spec = crop ? { ...run, width: crop.width, height: crop.height } : run;
  const metrics = LEGS.filter(([m]) => p.logs[m] !== null);
  if (metrics.length === 0) throw new Error(`pair ${i} computes no metric`);
  const parts: string[] = [];
  const outputs: string[] = [];
  const size = `${spec.width}:${spec.height}`;
  const overlap = overlapCrops(p.shift ?? null, spec.width, spec.height);
  const select =
    spec.subsample > 1 ? [`select=${escapeGraphLevel(`not(mod(n,${spec.subsample}))`)}`] : [];
  const vmafFmt = spec.vmafPixFmt && spec.vmafPixFmt !== spec.pixFmt ? spec.vmafPixFmt : null;
  // Which libvmaf legs are scaled on their own (straight into vmafFmt) rather than converted.
  const ownScale = (decoded: DecodedPicture | undefined, pair?: PairGraphSpec): boolean =>
    vmafFmt !== null &&
    spec.vmafLegs === 'scale' &&
    !conversionIsExact(decoded, spec, vmafFmt, pair);
  const refOwn = ownScale(spec.reference.decoded);
  const distOwn = p.logs.vmaf !== null && ownScale(p.decoded, p);
  const matched = p.matched ?? null;
  // Matched legs are stamped at the reference's rate (any would do: both legs share it).
  const matchRate = spec.frameRate ?? '25';
  // The pair's share of the reference: trimmed further only when its overlap is shorter.
  const refTrim =
    !matched && p.trimFrames !== null && (spec.frames === null || p.trimFrames < spec.frames)
      ? [`trim=end_frame=${p.trimFrames}`]
      : [];
  // A reference VMAF leg scaled on its own goes straight to libvmaf unless the pair trims it.
  const refOwnLabel = refTrim.length > 0 ? `rv${i}` : `r${i}v`;

  // Reference: decoded once by ffmpeg, aligned here for this pair (its own VMAF leg apart).
  const refTrimmed = trimFilters(spec.startFrame, spec.frames).length > 0;
  const refBefore = [
    ...(matched
      ? matchedLeg(matched.ref, matchRate)
      : [
          ...timingFilters(spec.reference.timing, spec.frameRate),
          ...trimFilters(spec.startFrame, spec.frames),
        ]),
    ...cropFilter(crop?.reference ?? null),
  ];
  const refLegs = metrics.filter(([m]) => m !== 'vmaf' || !refOwn).map(([, l]) => `r${i}${l}`);
  scaleLegs(
    parts,
    `${spec.pairs.length}:${spec.reference.streamIndex}`,
    refBefore,
    (pixFmt) => [`scale=${size}:flags=bicubic`, `format=${pixFmt}`, ...overlap.reference],
    [
      { pixFmt: spec.pixFmt, outputs: refLegs.length > 0 ? [`r${i}`] : [] },
      { pixFmt: vmafFmt ?? spec.pixFmt, outputs: refOwn && p.logs.vmaf ? [refOwnLabel] : [] },
    ],
    'r',
  );
  if (refLegs.length > 0) parts.push(chain(`r${i}`, refTrim, refLegs));
  if (refOwn && p.logs.vmaf && refTrim.length > 0) {
    parts.push(chain(refOwnLabel, refTrim, [`r${i}v`]));
  }

  const pairFrames = minOrNull(p.trimFrames, spec.frames);
  const distTrim = trimFilters(spec.startFrame, pairFrames);
  const scaleOpts = [size, 'flags=bicubic'];
  if (p.rangeConversion) {
    scaleOpts.push(`in_range=${p.rangeConversion.from}`, `out_range=${p.rangeConversion.to}`);
  } else if (p.forceRange) {
    // Same range in and out: swscale keeps the samples, whatever the stream's tag says.
    scaleOpts.push(`in_range=${p.forceRange}`, `out_range=${p.forceRange}`);
  }
  const scaleInto = (pixFmt: string): string[] => {
    const out = [`scale=${scaleOpts.join(':')}`, `format=${pixFmt}`];
    if (p.matrixConversion) {
      const from = COLORSPACE_PRESET[p.matrixConversion.from];
      const to = COLORSPACE_PRESET[p.matrixConversion.to];
      if (!from || !to) throw new Error(`cannot convert matrix ${p.matrixConversion.from}`);
      out.push(`colorspace=iall=${from}:all=${to}:fast=1`);
    }
    out.push(...overlap.distorted);
    return out;
  };
  scaleLegs(
    parts,
    `${i}:${p.streamIndex}`,
    [
      ...(matched
        ? matchedLeg(matched.dist, matchRate)
        : [...timingFilters(p.timing, spec.frameRate), ...distTrim]),
      ...cropFilter(crop?.distorted ?? null),
    ],
    scaleInto,
    [
      {
        pixFmt: spec.pixFmt,
        outputs: metrics.filter(([m]) => m !== 'vmaf' || !distOwn).map(([, l]) => `d${i}${l}`),
      },
      { pixFmt: vmafFmt ?? spec.pixFmt, outputs: distOwn ? [`d${i}v`] : [] },
    ],
    `d${i}`,
  );

  for (const [m, l] of metrics) {
    const out = `o${i}${l}`;
    const log = p.logs[m]!;
    let d = `d${i}${l}`;
    let r = `r${i}${l}`;
    if (m === 'xpsnr') {
      // Every frame, no select: XPSNR's temporal term reads the previous reference frame.
      // A matched leg's setpts forgets the rate: fps gives it back (its frames are on the ticks).
      const refRate = matched
        ? [fpsFilter(matchRate)]
        : xpsnrRateFilters(spec.reference.timing, refTrimmed, spec.frameRate);
      const distRate = matched
        ? [fpsFilter(matchRate)]
        : xpsnrRateFilters(p.timing, distTrim.length > 0, spec.frameRate);
      if (refRate.length > 0) {
        parts.push(`[${r}]${refRate.join(',')}[${r}f]`);
        r += 'f';
      }
      if (distRate.length > 0) {
        parts.push(`[${d}]${distRate.join(',')}[${d}f]`);
        d += 'f';
      }
      parts.push(`[${r}][${d}]xpsnr=stats_file=${filterValue(log)}:shortest=1[${out}]`);
    } else if (m === 'vmaf') {
      if (!spec.vmaf) throw new Error('vmaf log without a vmaf spec');
      // A leg that shares the common scale is converted to the format libvmaf sees.
      if (vmafFmt && !distOwn) {
        parts.push(`[${d}]format=${vmafFmt}[${d}c]`);
        d += 'c';
      }
      if (vmafFmt && !refOwn) {
        parts.push(`[${r}]format=${vmafFmt}[${r}c]`);
        r += 'c';
      }
      const vmaf = libvmafFilter(spec.vmaf, log, spec.subsample, p);
      parts.push(`[${d}][${r}]${vmaf}[${out}]`);
    } else {
      if (select.length > 0) {
        parts.push(`[${d}]${select[0]}[${d}n]`, `[${r}]${select[0]}[${r}n]`);
        d += 'n';
        r += 'n';
      }
      parts.push(`[${d}][${r}]${m}=stats_file=${filterValue(log)}:shortest=1[${out}]`);
    }
    outputs.push(out);
  }
  return { graph: parts.join(';'), outputs };
}

/** One input of the command. */
export interface ScoreInputArgs {
  /** The file, absolute and resolved (opened as shared/ffmpegInput.ts opens every input). */
  path: string;
  /** Geometry of headerless raw video. */
  raw: RawVideoSpec | null;
  /** Constant rate to read the input at (`-r` before `-i`), or null to keep its timestamps. */
  rate: string | null;
  /** Where a chunk starts reading it (`-ss` before `-i`; its leg is then timed 'seeked'). */
  seekSeconds?: number | null;
}

/**
 * A graph passed in a file instead of on the command line (a long frame match): where it is
 * written when the run starts, and the option that reads it — `-/filter_complex FILE` from FFmpeg
 * 7 (its generic "value from a file"), `-filter_complex_script FILE` before.
 */
export interface ScoreGraphFile {
  path: string;
  option: '-/filter_complex' | '-filter_complex_script';
}

/**
 * Longest graph passed on the command line: Windows takes 32 KiB for a whole command (Linux
 * 128 KiB for one argument); a longer one goes in a file.
 */
export const INLINE_GRAPH_CHARS = 24_000;

/**
 * The ffmpeg arguments (without the binary): inputs `[dist…, ref]`, the graphs (each on the
 * command line, or read from its file when `files` names one), every output to the null muxer,
 * progress as key=value blocks on stdout, only errors on stderr.
 */
export function buildScoreArgs(
  inputs: readonly ScoreInputArgs[],
  graphs: readonly BuiltGraph[],
  files: readonly (ScoreGraphFile | null)[] = [],
): string[] {
  const args = [
    '-hide_banner',
    '-nostdin',
    '-nostats',
    '-loglevel',
    'error',
    '-progress',
    'pipe:1',
  ];
  for (const inp of inputs) args.push(...fileInputArgs(inp.path, inp));
  graphs.forEach((g, i) => {
    const file = files[i];
    args.push(...(file ? [file.option, file.path] : ['-filter_complex', g.graph]));
  });
  for (const o of graphs.flatMap((g) => g.outputs)) args.push('-map', `[${o}]`);
  args.push('-f', 'null', '-');
  return args;
}
