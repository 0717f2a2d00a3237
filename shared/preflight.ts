/**
 * Pre-flight check of a (reference, distorted) pair before scoring: everything that would make the
 * numbers wrong or hard to read (peers.md §12 pain points 2–5 and 8), each as a finding a person
 * understands, with the fixes the app can apply. Blocking findings stop scoring until one of their
 * fixes is chosen; the chosen fixes are recorded with the result. Pure: MediaInfo in, findings out.
 */
import type { MediaInfo, VideoStreamInfo } from './media';
import { bitDepthOf, chromaOf } from './pixfmt';
import { parseRate } from './rawSpec';

/** Fixes the app can apply to a pair. */
export const FIX_IDS = [
  'align-frames',
  'convert-fps',
  'trim-to-shortest',
  'convert-range',
  'force-range',
  'convert-matrix',
  'ignore-transfer',
  'crop-distorted',
  'crop-reference',
  'shift-distorted',
] as const;

/** One of {@link FIX_IDS}. */
export type FixId = (typeof FIX_IDS)[number];

/** What each fix does, in the words the UI and CLI show. */
export const FIX_DESCRIPTIONS: Readonly<Record<FixId, string>> = {
  'align-frames':
    'Pair the frames by their pictures: each distorted frame is compared with the reference ' +
    'frame it shows (start offset, dropped and repeated frames and the rate found by the ' +
    'alignment assistant).',
  'convert-fps':
    "Convert the distorted video (and a variable-rate reference) to the reference's constant " +
    'frame rate with the fps filter, pairing frames by time.',
  'trim-to-shortest': 'Score only the frames both videos have (the overlap from the first frame).',
  'convert-range':
    "Convert the distorted video's colour range to the reference's (trust both range tags).",
  'force-range':
    "Read the distorted video's samples as if they were in the reference's range (its range tag " +
    'is wrong).',
  'convert-matrix':
    "Convert the distorted video's YUV colour matrix to the reference's (colorspace filter).",
  'ignore-transfer':
    'Compare the samples as stored although one video is HDR and the other SDR; the numbers will ' +
    'not reflect what people see.',
  'crop-distorted':
    "Crop the black bars away from the distorted video and scale its picture to the reference's " +
    'size: the whole reference against the picture alone.',
  'crop-reference':
    'Crop the reference the same way (to the part the distorted picture shows, or to its own ' +
    'picture when it has the bars) and compare the pictures alone at that size.',
  'shift-distorted':
    'Move the distorted picture back by the shift found and compare the two where they overlap ' +
    '(the compared picture is that many pixels narrower or shorter).',
};

/** How serious a finding is: block stops scoring until a fix is chosen. */
export type Severity = 'block' | 'warn' | 'info';

/** Identifiers of the checks. */
export type FindingId =
  | 'fps-mismatch'
  | 'frames-misaligned'
  | 'fps-unknown'
  | 'vfr'
  | 'upscale'
  | 'downscale'
  | 'aspect-mismatch'
  | 'rotation-mismatch'
  | 'frames-mismatch'
  | 'range-too-long'
  | 'start-offset'
  | 'range-mismatch'
  | 'matrix-mismatch'
  | 'hdr-no-model'
  | 'hdr-sdr-mismatch'
  | 'bit-depth-mismatch'
  | 'libvmaf-10bit'
  | 'interlaced'
  | 'maybe-swapped'
  | 'picture-area'
  | 'picture-shift';

/** One finding of the pre-flight check. */
export interface PreflightFinding {
  id: FindingId;
  severity: Severity;
  /** What is wrong and what it does to the numbers, in plain words. */
  message: string;
  /** Fixes the app can apply (any one resolves a blocking finding). */
  fixes: FixId[];
}

/** What the check needs to know beyond the two files. */
export interface PreflightContext {
  /** VMAF is among the requested metrics (default true). */
  vmaf?: boolean;
  /** Defect ids of the ffmpeg build that will score (from the toolchain report). */
  defects?: readonly string[];
  /** First frame to score (default 0). */
  startFrame?: number;
  /** Frames to score (default: to the end). */
  frames?: number | null;
}

/** Relative difference below which two frame rates are the same (29.97 vs 30000/1001). */
const RATE_TOLERANCE = 1e-4;
/** Relative difference above which two display aspect ratios differ (1 %: 854x480 vs 16:9). */
const ASPECT_TOLERANCE = 0.01;

/** Pixel formats libvmaf's ffmpeg filter accepts; every pair is compared in one of them. */
const SCORING_FORMATS = new Set([
  'yuv420p',
  'yuv422p',
  'yuv444p',
  'yuv420p10le',
  'yuv422p10le',
  'yuv444p10le',
]);

/**
 * The pixel format a pair is compared in, from the reference's: kept when libvmaf accepts it,
 * else the nearest of yuv420p/422p/444p at 8 or 10 bits (yuvj → yuv, RGB → 4:4:4, > 10 bits → 10).
 * It depends on the reference only, so PSNR/SSIM mean the same with or without VMAF.
 */
export function scoringPixFmt(referencePixFmt: string): string {
  const f = referencePixFmt.toLowerCase();
  if (SCORING_FORMATS.has(f)) return f;
  const chroma = chromaOf(f);
  const layout = chroma === '4:2:2' ? '422' : chroma === '4:4:4' || chroma === null ? '444' : '420';
  // Gray and 4:1:1-like layouts have no accepted twin; 4:2:0 is the safe common ground.
  const base = /^(gray|yuv411|yuv410|nv)/.test(f) ? '420' : layout;
  return bitDepthOf(f) > 8 ? `yuv${base}p10le` : `yuv${base}p`;
}

/** The 8-bit format with the same chroma layout (the libvmaf 10-bit workaround). */
export function eightBitTwin(pixFmt: string): string {
  return pixFmt.replace(/p1[026](le|be)$/, 'p');
}

/** A frame rate to pass to ffmpeg (`-r`), as ffprobe's "N/D" text, and its value. */
export interface RateOf {
  text: string;
  value: number;
}

/**
 * The rate a stream is read at: raw video's given rate; otherwise r_frame_rate when it agrees with
 * avg_frame_rate (exact rational), else avg_frame_rate (r is a field rate for interlaced H.264).
 */
export function frameRateOf(media: MediaInfo): RateOf | null {
  if (media.raw) return { text: String(media.raw.fps), value: media.raw.fps };
  const v = media.video;
  const r = parseRate(v.rFrameRate);
  const avg = parseRate(v.avgFrameRate);
  if (r !== null && (avg === null || Math.abs(r - avg) / avg < 1e-3))
    return { text: v.rFrameRate!, value: r };
  if (avg !== null) return { text: v.avgFrameRate!, value: avg };
  return v.frameRate ? { text: String(v.frameRate), value: v.frameRate } : null;
}

/** True when two rates differ by more than the tolerance. */
export function ratesDiffer(a: number, b: number): boolean {
  return Math.abs(a - b) / Math.max(a, b) > RATE_TOLERANCE;
}

/** Colour range as stored: pc (full) for yuvj formats or a pc tag, tv for a tv tag, else null. */
export function rangeOf(v: Pick<VideoStreamInfo, 'pixFmt' | 'colorRange'>): 'tv' | 'pc' | null {
  if (/^yuvj/.test(v.pixFmt) || v.colorRange === 'pc') return 'pc';
  if (v.colorRange === 'tv') return 'tv';
  return null;
}

/** The YUV matrix family: BT.601 (smpte170m and bt470bg share coefficients), BT.709, BT.2020. */
export function matrixFamily(matrix: string | null): string | null {
  if (!matrix || matrix === 'unknown' || matrix === 'reserved') return null;
  if (matrix === 'smpte170m' || matrix === 'bt470bg') return 'bt601';
  if (matrix === 'bt2020nc' || matrix === 'bt2020c') return 'bt2020';
  return matrix;
}

/** Display aspect ratio (width / height after the sample aspect ratio). */
export function displayAspect(v: Pick<VideoStreamInfo, 'width' | 'height' | 'sar'>): number {
  const m = v.sar ? /^(\d+):(\d+)$/.exec(v.sar) : null;
  const sar = m ? Number(m[1]) / Number(m[2]) : 1;
  return (v.width * (Number.isFinite(sar) && sar > 0 ? sar : 1)) / v.height;
}

/** Frames of a stream as counted or stated, else duration × rate, else null. */
export function frameCountOf(
  media: MediaInfo,
  atRate?: number,
): { frames: number; exact: boolean } | null {
  const v = media.video;
  const own = frameRateOf(media);
  const rate = atRate ?? own?.value;
  // A count is exact only at the stream's own rate; at another rate it is derived from duration.
  if (v.frameCount !== null && (atRate === undefined || (own && !ratesDiffer(own.value, atRate))))
    return { frames: v.frameCount, exact: v.frameCountSource !== 'computed' || media.raw !== null };
  const dur = v.durationSeconds ?? media.durationSeconds;
  if (dur !== null && rate) return { frames: Math.round(dur * rate), exact: false };
  return null;
}

function fmtRate(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(3).replace(/0+$/, '');
}

function fmtSize(v: VideoStreamInfo): string {
  return `${v.width}x${v.height}`;
}

function kbps(m: MediaInfo): number | null {
  return m.video.bitrateKbps ?? m.bitrateKbps;
}

/** Runs every check on one pair. Findings come most serious first. */
export function preflight(
  ref: MediaInfo,
  dist: MediaInfo,
  ctx: PreflightContext = {},
): PreflightFinding[] {
  const out: PreflightFinding[] = [];
  const r = ref.video;
  const d = dist.video;
  const vmaf = ctx.vmaf !== false;
  const refRate = frameRateOf(ref);
  const distRate = frameRateOf(dist);

  // Frame rate and timing.
  const ratesMismatch =
    refRate !== null && distRate !== null && ratesDiffer(refRate.value, distRate.value);
  if (ratesMismatch) {
    out.push({
      id: 'fps-mismatch',
      severity: 'block',
      message:
        `The distorted video runs at ${fmtRate(distRate.value)} fps and the reference at ` +
        `${fmtRate(refRate.value)} fps. Compared frame by frame they drift apart, and every score ` +
        'after the first few frames would compare different pictures.',
      fixes: ['align-frames', 'convert-fps'],
    });
  } else if (refRate === null || distRate === null) {
    out.push({
      id: 'fps-unknown',
      severity: 'warn',
      message:
        `The frame rate of the ${refRate === null ? 'reference' : 'distorted video'} is unknown, ` +
        'so frames are paired by their timestamps instead of by position.',
      fixes: [],
    });
  }
  if (r.vfr || d.vfr) {
    const which =
      r.vfr && d.vfr ? 'Both videos have' : r.vfr ? 'The reference has' : 'The distorted video has';
    out.push({
      id: 'vfr',
      severity: 'warn',
      message:
        `${which} a variable frame rate. Without a fix frames are paired by position (the n-th ` +
        'with the n-th), which is right only if no frame was dropped or repeated; converting to ' +
        "the reference's constant rate pairs them by time instead.",
      fixes: ['align-frames', 'convert-fps'],
    });
  }

  // Size, aspect and orientation.
  const refPixels = r.width * r.height;
  const distPixels = d.width * d.height;
  const swappedBySize = distPixels > refPixels;
  if (distPixels < refPixels) {
    out.push({
      id: 'upscale',
      severity: 'info',
      message:
        `The distorted video (${fmtSize(d)}) is upscaled to the reference size (${fmtSize(r)}) ` +
        "with bicubic scaling before comparing, as Netflix recommends: VMAF's models assume the " +
        "picture is seen at the reference's size.",
      fixes: [],
    });
  }
  const refDar = displayAspect(r);
  const distDar = displayAspect(d);
  if (Math.abs(refDar - distDar) / refDar > ASPECT_TOLERANCE) {
    out.push({
      id: 'aspect-mismatch',
      severity: 'warn',
      message:
        `The display aspect ratios differ (reference ${refDar.toFixed(3)}, distorted ` +
        `${distDar.toFixed(3)}). Scaling to the reference size stretches the picture, so scores ` +
        'will be low for a reason other than compression (crop or letterbox?).',
      fixes: [],
    });
  }
  if ((((r.rotation - d.rotation) % 360) + 360) % 360 !== 0) {
    out.push({
      id: 'rotation-mismatch',
      severity: 'warn',
      message:
        `The videos are shown with different rotations (reference ${r.rotation}°, distorted ` +
        `${d.rotation}°). Scoring compares the stored pictures, which are not the same way up.`,
      fixes: [],
    });
  }

  // Length.
  const start = ctx.startFrame ?? 0;
  const wanted = ctx.frames ?? null;
  const refCount = frameCountOf(ref);
  const distCount = refRate ? frameCountOf(dist, refRate.value) : frameCountOf(dist);
  if (refCount && distCount) {
    const refLeft = refCount.frames - start;
    const distLeft = distCount.frames - start;
    // Counts derived from a duration can be a frame off; only a real difference blocks then.
    const slack = refCount.exact && distCount.exact ? 0 : 1;
    const differ = Math.abs(refCount.frames - distCount.frames) > slack;
    const needed = wanted ?? null;
    const shortOfRange = needed !== null && Math.min(refLeft, distLeft) < needed;
    if (needed === null ? differ : shortOfRange) {
      const shorter = distCount.frames < refCount.frames ? 'distorted video' : 'reference';
      const diff = Math.abs(refCount.frames - distCount.frames);
      const overlap = Math.max(0, Math.min(refLeft, distLeft, needed ?? Infinity));
      out.push({
        id: needed !== null && !differ ? 'range-too-long' : 'frames-mismatch',
        severity: 'block',
        message:
          needed !== null && !differ
            ? `${needed} frames from frame ${start} were asked for, but the videos have only ` +
              `${Math.max(0, Math.min(refLeft, distLeft))} frames there.`
            : `The ${shorter} is shorter: the reference has ${refCount.frames} frames, the ` +
              `distorted video ${distCount.frames} (${diff} ${diff === 1 ? 'frame' : 'frames'} ` +
              'apart). ffmpeg would repeat the last frame of the shorter one and score it against ' +
              `the rest. Scoring the overlap covers ${overlap} frames.`,
        fixes: ['align-frames', 'trim-to-shortest'],
      });
    }
  }

  const refStart = ref.startTimeSeconds ?? 0;
  const distStart = dist.startTimeSeconds ?? 0;
  const frameTime = 1 / (refRate?.value ?? 25);
  if (Math.abs(refStart - distStart) > frameTime / 2) {
    out.push({
      id: 'start-offset',
      severity: 'info',
      message:
        `The videos start at different times (reference ${refStart.toFixed(3)} s, distorted ` +
        `${distStart.toFixed(3)} s). Both are re-based to start at 0 (setpts=PTS-STARTPTS), so ` +
        'their first frames are compared with each other.',
      fixes: ['align-frames'],
    });
  }

  // Colour.
  const refRange = rangeOf(r);
  const distRange = rangeOf(d);
  if (refRange !== null && distRange !== null && refRange !== distRange) {
    const name = (x: string): string =>
      x === 'pc' ? 'full range (0–255)' : 'limited range (16–235)';
    out.push({
      id: 'range-mismatch',
      severity: 'block',
      message:
        `The reference is ${name(refRange)} and the distorted video ${name(distRange)}. ` +
        'Compared as stored, every pixel differs by the range mapping and the scores drop for a ' +
        'reason that is not compression.',
      fixes: ['convert-range', 'force-range'],
    });
  }
  const refMatrix = matrixFamily(r.colorMatrix);
  const distMatrix = matrixFamily(d.colorMatrix);
  if (refMatrix !== null && distMatrix !== null && refMatrix !== distMatrix) {
    out.push({
      id: 'matrix-mismatch',
      severity: 'warn',
      message:
        `The colour matrices differ (reference ${r.colorMatrix}, distorted ${d.colorMatrix}). If ` +
        'the distorted video was converted, its YUV values differ from the reference for the same ' +
        'picture and PSNR/SSIM of the chroma planes drop; if only the tag differs, ignore this.',
      fixes: ['convert-matrix'],
    });
  }
  if (r.hdr !== null && d.hdr !== null) {
    if (vmaf) {
      out.push({
        id: 'hdr-no-model',
        severity: 'warn',
        message:
          `Both videos are HDR (${r.hdr.toUpperCase()}). VMAF v0.6.1 has no HDR model ` +
          '(Netflix/vmaf#645): its score on HDR video is not calibrated to what people see. ' +
          'PSNR and SSIM compare the samples and are fine for comparing encodes.',
        fixes: [],
      });
    }
  } else if (r.hdr !== null || d.hdr !== null) {
    out.push({
      id: 'hdr-sdr-mismatch',
      severity: 'block',
      message:
        `The ${r.hdr !== null ? 'reference' : 'distorted video'} is HDR ` +
        `(${(r.hdr ?? d.hdr)!.toUpperCase()}) and the other is SDR. Their samples encode light ` +
        'differently, so comparing them needs tone mapping, which VQ Studio does not do.',
      fixes: ['ignore-transfer'],
    });
  }

  // Bit depth and known build defects.
  const target = scoringPixFmt(r.pixFmt);
  if (d.bitDepth !== r.bitDepth) {
    out.push({
      id: 'bit-depth-mismatch',
      severity: 'info',
      message:
        `The reference is ${r.bitDepth}-bit and the distorted video ${d.bitDepth}-bit; both are ` +
        `compared as ${target}.`,
      fixes: [],
    });
  }
  if (vmaf && bitDepthOf(target) > 8 && (ctx.defects ?? []).includes('libvmaf-10bit')) {
    out.push({
      id: 'libvmaf-10bit',
      severity: 'warn',
      message:
        "This ffmpeg's libvmaf filter (ffmpeg 4.x) computes VMAF wrongly on 10-bit input " +
        '(Netflix/vmaf#211). VMAF is therefore computed on 8-bit conversions of both videos ' +
        `(${eightBitTwin(target)}) and flagged; PSNR and SSIM use the 10-bit samples. Use ffmpeg ` +
        '5.1 or later with libvmaf 2 for 10-bit VMAF.',
      fixes: [],
    });
  }

  if (isInterlaced(r) || isInterlaced(d)) {
    out.push({
      id: 'interlaced',
      severity: 'warn',
      message:
        'A video is interlaced. Both fields of a frame are compared woven together, as stored; ' +
        'VMAF was trained on progressive video.',
      fixes: [],
    });
  }

  // Roles swapped by mistake: VMAF is not symmetric, so a swapped pair gives a wrong number.
  const refKbps = kbps(ref);
  const distKbps = kbps(dist);
  const swappedByRate =
    refPixels === distPixels && refKbps !== null && distKbps !== null && refKbps < 0.9 * distKbps;
  if (swappedBySize || swappedByRate) {
    out.push({
      id: 'maybe-swapped',
      severity: 'warn',
      message: swappedBySize
        ? `The "reference" (${fmtSize(r)}) is smaller than the "distorted" video (${fmtSize(d)}), ` +
          'which is then scaled down to it. Were reference and distorted swapped? VMAF is not ' +
          'symmetric: swapped, the number is wrong.'
        : `The "reference" has a lower bit rate (${Math.round(refKbps!)} kb/s) than the ` +
          `"distorted" video (${Math.round(distKbps!)} kb/s). Were reference and distorted ` +
          'swapped? VMAF is not symmetric: swapped, the number is wrong.',
      fixes: [],
    });
  }
  if (swappedBySize) {
    out.push({
      id: 'downscale',
      severity: 'warn',
      message:
        `The distorted video (${fmtSize(d)}) is larger than the reference (${fmtSize(r)}) and is ` +
        'scaled down to it before comparing.',
      fixes: [],
    });
  }

  const rank: Record<Severity, number> = { block: 0, warn: 1, info: 2 };
  return out.sort((a, b) => rank[a.severity] - rank[b.severity]);
}

function isInterlaced(v: VideoStreamInfo): boolean {
  return v.fieldOrder !== null && v.fieldOrder !== 'progressive' && v.fieldOrder !== 'unknown';
}

/**
 * Findings that say a pair's frames may not line up in time or in the frame (bars change the
 * aspect): what makes `align: auto` look at the pictures.
 */
export const PICTURE_CHECK_FINDINGS: readonly FindingId[] = [
  'fps-mismatch',
  'frames-mismatch',
  'vfr',
  'start-offset',
  'aspect-mismatch',
];

/** Fixes that need the pictures looked at (the match, the bars). */
export const PICTURE_FIXES: readonly FixId[] = [
  'align-frames',
  'crop-distorted',
  'crop-reference',
  'shift-distorted',
];

/** Fixes that pair frames by time or position: chosen, they say how the person wants it done. */
const TIMING_FIXES: readonly FixId[] = ['convert-fps', 'trim-to-shortest'];

/** True when a fix that pairs frames by time or position was chosen (not by the pictures). */
export function choosesTiming(chosen: readonly FixId[]): boolean {
  return chosen.some((f) => TIMING_FIXES.includes(f));
}

/**
 * True when a pair's pictures are looked at before scoring (frames matched, bars found): always
 * with `on` or a fix that needs them chosen; with `auto` (the default) when a finding says the
 * timing or the frame is off and no other timing fix was chosen for it.
 */
export function looksAtPictures(
  mode: 'auto' | 'on' | 'off' | undefined,
  findings: readonly PreflightFinding[],
  chosen: readonly FixId[],
): boolean {
  if (mode === 'on' || chosen.some((f) => PICTURE_FIXES.includes(f))) return true;
  if (mode === 'off' || choosesTiming(chosen)) return false;
  return findings.some((f) => PICTURE_CHECK_FINDINGS.includes(f.id));
}

/** How a pair is aligned once fixes are chosen; the engine turns this into filters. */
export interface PairResolution {
  /** Fixes chosen that apply to a finding of this pair (recorded with the result). */
  applied: FixId[];
  /** Blocking findings that no chosen fix resolves: scoring must not start. */
  unresolved: PreflightFinding[];
  /** The reference's rate as "N/D" (read with `-r`), or null when unknown. */
  frameRate: string | null;
  /** index: forced constant rate (`-r`); convert: fps filter; timestamps: neither. */
  referenceTiming: 'index' | 'convert' | 'timestamps';
  /** …and matched: frames paired by their pictures (the align-frames fix). */
  distortedTiming: 'index' | 'convert' | 'timestamps' | 'matched';
  /** Frames to keep from the start frame (trim), or null to run to the end. */
  trimFrames: number | null;
  /** Frames expected to be compared (before subsampling), when known. */
  expectedFrames: number | null;
  rangeConversion: { from: 'tv' | 'pc'; to: 'tv' | 'pc' } | null;
  /** Keep the distorted samples as they are, reading them in the reference's range. */
  forceRange: 'tv' | 'pc' | null;
  matrixConversion: { from: string; to: string } | null;
  /** Which picture is cropped to the part both show (black bars), or null. */
  crop: 'distorted' | 'reference' | null;
  /** True when the distorted picture is moved back by the shift found (shift-distorted). */
  shift: boolean;
}

/** Applies the chosen fixes to a pair's findings (pure; the engine builds filters from it). */
export function resolvePair(
  ref: MediaInfo,
  dist: MediaInfo,
  findings: readonly PreflightFinding[],
  chosen: readonly FixId[],
  ctx: PreflightContext = {},
): PairResolution {
  const want = new Set(chosen);
  const applied = FIX_IDS.filter((f) => want.has(f) && findings.some((x) => x.fixes.includes(f)));
  const has = (f: FixId): boolean => applied.includes(f);
  const unresolved = findings.filter(
    (f) => f.severity === 'block' && !f.fixes.some((x) => applied.includes(x)),
  );

  const refRate = frameRateOf(ref);
  const distRate = frameRateOf(dist);
  const convert = has('convert-fps');
  const referenceTiming =
    refRate === null ? 'timestamps' : convert && ref.video.vfr ? 'convert' : 'index';
  const distortedTiming = has('align-frames')
    ? 'matched'
    : refRate === null || distRate === null
      ? 'timestamps'
      : convert && (ratesDiffer(refRate.value, distRate.value) || dist.video.vfr)
        ? 'convert'
        : 'index';

  const start = ctx.startFrame ?? 0;
  const wanted = ctx.frames ?? null;
  const refCount = frameCountOf(ref);
  const distCount = refRate ? frameCountOf(dist, refRate.value) : frameCountOf(dist);
  const refLeft = refCount ? Math.max(0, refCount.frames - start) : null;
  const distLeft = distCount ? Math.max(0, distCount.frames - start) : null;
  const known = [refLeft, distLeft, wanted].filter((x): x is number => x !== null);
  const overlap = known.length > 0 ? Math.min(...known) : null;
  const trimFrames = has('trim-to-shortest') ? overlap : wanted;
  const expectedFrames = has('trim-to-shortest')
    ? overlap
    : (wanted ?? (refLeft !== null && distLeft !== null ? Math.min(refLeft, distLeft) : refLeft));

  const refRange = rangeOf(ref.video);
  const distRange = rangeOf(dist.video);
  const rangeFound = findings.some((f) => f.id === 'range-mismatch');
  const rangeConversion =
    rangeFound && has('convert-range') && refRange && distRange
      ? { from: distRange, to: refRange }
      : null;
  const forceRange = rangeFound && has('force-range') && refRange ? refRange : null;

  const matrixConversion =
    has('convert-matrix') && ref.video.colorMatrix && dist.video.colorMatrix
      ? { from: dist.video.colorMatrix, to: ref.video.colorMatrix }
      : null;

  return {
    applied,
    unresolved,
    frameRate: refRate?.text ?? null,
    referenceTiming,
    distortedTiming,
    trimFrames,
    expectedFrames,
    rangeConversion,
    forceRange,
    matrixConversion,
    crop: has('crop-reference') ? 'reference' : has('crop-distorted') ? 'distorted' : null,
    shift: has('shift-distorted'),
  };
}
