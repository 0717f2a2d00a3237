/**
 * The alignment of a distorted video to its reference, as `vq align` reports it: both decoded
 * once into frame signatures (at the same time; kept in the cache for the next time), the frames mapped from the pictures
 * (alignFrames.ts) along the diagonal the two frame rates lead to expect, and what scoring on that
 * mapping has to do, in words.
 */
import { VqError } from '../../../shared/errors';
import { FrameMatchSchema, type DroppedFrames, type FrameMatch } from '../../../shared/frameMatch';
import type { MediaInfo, RawVideoSpec } from '../../../shared/media';
import { frameRateOf, ratesDiffer, type PreflightFinding } from '../../../shared/preflight';
import { alignFrames, type FrameMapping, type MappingRun } from './alignFrames';
import type { Box } from './pictureArea';
import { findShift, type PictureShift } from './pictureShift';
import { SIGNATURE_DIMS } from './signatures';
import { loadPictureSignatures } from './signatureStore';

/** One video to align: its path (absolute), its probe, and raw geometry when headerless. */
export interface AlignInput {
  path: string;
  media: MediaInfo;
  raw?: RawVideoSpec | null;
}

/** What `vq align --json` prints. */
export interface AlignmentReport {
  /** Distorted frame i shows reference frame i + offsetFrames at the start (its first match). */
  offsetFrames: number;
  /** Reference frames the distorted video lacks beyond the offset (and the rate conversion). */
  dropped: number[];
  /** Distorted frames that repeat their predecessor (beyond the rate conversion). */
  repeated: number[];
  frameRate: { reference: number | null; distorted: number | null };
  /** True when the rates differ but the frames were kept one for one (a film sped up to 25 fps). */
  speedChange: boolean;
  /** The picture area inside the distorted frame when it has black bars, else null. */
  crop: Box | null;
  /** The picture area inside the reference frame when it has black bars, else null. */
  referenceCrop: Box | null;
  /**
   * How far the distorted picture is moved against the reference's, in reference pixels (it
   * shows reference pixel (u, v) at (u + x, v + y)); null when none was found or not looked for.
   */
  shift: PictureShift | null;
  /** True when a shift was looked for (`findShift`). */
  shiftChecked: boolean;
  /** 0–1: how surely the pictures say this. */
  confidence: number;
  /** Matched distorted frames, as runs of consecutive reference frames. */
  mapping: MappingRun[];
  /** Distorted frames at the start and end that show no reference frame. */
  unmatched: { leading: number; trailing: number };
  /** Mean signature distance of the matched frames (0: the same pictures). */
  meanDistance: number;
  /** True when nothing needs changing. */
  aligned: boolean;
  /** What scoring on this mapping does, in words (none when aligned). */
  fixes: string[];
  /** The evidence: mean distance at each start offset tried. */
  offsetCosts: { offset: number; cost: number }[];
  frames: { reference: number; distorted: number };
}

/** Options of {@link alignVideos}. */
export interface AlignVideosOptions {
  ffmpeg: string;
  signal?: AbortSignal;
  /** Largest start offset looked for, in frames. */
  maxOffset?: number;
  /** The data dir's cache: signatures are kept there (signatureStore.ts); none when absent. */
  cacheDir?: string | null;
  /** Look for a small shift of the picture too (pictureShift.ts: a decode more of each). */
  findShift?: boolean;
}

/** Decodes both videos once and maps the distorted one onto the reference. */
export async function alignVideos(
  reference: AlignInput,
  distorted: AlignInput,
  o: AlignVideosOptions,
): Promise<AlignmentReport> {
  // Each video's bars and the signatures of its picture alone.
  const [refPic, distPic] = await Promise.all(
    [reference, distorted].map((v) =>
      loadPictureSignatures({
        ffmpeg: o.ffmpeg,
        input: v.path,
        raw: v.raw,
        pixFmt: v.raw?.pixFmt ?? v.media.video.pixFmt,
        size: decodedSize(v.media),
        signal: o.signal,
        cacheDir: o.cacheDir,
      }),
    ),
  );
  const refSig = refPic!.signatures;
  const distSig = distPic!.signatures;
  const refArea = refPic!.bars;
  const distArea = distPic!.bars;
  const refRate = frameRateOf(reference.media)?.value ?? null;
  const distRate = frameRateOf(distorted.media)?.value ?? null;
  const sameRate = refRate === null || distRate === null || !ratesDiffer(refRate, distRate);
  const slope = sameRate ? 1 : refRate! / distRate!;
  const m = alignFrames(refSig, distSig, {
    slope: slope > 0.1 && slope < 8 ? slope : 1,
    maxOffset: o.maxOffset,
  });
  const shiftChecked = o.findShift === true && m.mapping.length > 0;
  const shift = shiftChecked
    ? await findShift({
        ffmpeg: o.ffmpeg,
        reference: { path: reference.path, raw: reference.raw, area: refArea },
        distorted: { path: distorted.path, raw: distorted.raw, area: distArea },
        refPicture: refArea ?? decodedSize(reference.media),
        pairs: samplePairs(m.mapping, distSig),
        signal: o.signal,
      })
    : null;
  return {
    offsetFrames: m.offsetFrames,
    dropped: m.dropped,
    repeated: m.repeated,
    frameRate: { reference: refRate, distorted: distRate },
    speedChange: !sameRate && m.slope === 1,
    crop: distArea ?? null,
    referenceCrop: refArea ?? null,
    shift,
    shiftChecked,
    confidence: m.confidence,
    mapping: m.mapping,
    unmatched: m.unmatched,
    meanDistance: Math.round(m.meanDistance * 1e4) / 1e4,
    aligned: m.aligned && sameRate,
    fixes: fixesOf(m, sameRate ? null : { refRate: refRate!, distRate: distRate! }),
    offsetCosts: m.offsetCosts.map((c) => ({
      offset: c.offset,
      cost: Math.round(c.cost * 1e4) / 1e4,
    })),
    frames: { reference: refSig.count, distorted: distSig.count },
  };
}

/** Matched pairs a shift is looked for in: this many, spread over the match. */
const SHIFT_SAMPLES = 4;

/**
 * Matched (reference, distorted) frame pairs spread over the mapping, none of them flat (a flat
 * picture cannot show a shift): at 1/5, 2/5, … of the matched frames, or the next one with detail.
 */
function samplePairs(
  mapping: readonly MappingRun[],
  dist: { count: number; data: Float32Array },
): { ref: number; dist: number }[] {
  const all: { ref: number; dist: number }[] = [];
  for (const run of mapping)
    for (let k = 0; k < run.length; k++)
      all.push({ dist: run.distStart + k, ref: run.refStart + k * (run.refStep ?? 1) });
  const flat = (j: number): boolean => {
    for (let k = j * SIGNATURE_DIMS; k < (j + 1) * SIGNATURE_DIMS; k++)
      if (dist.data[k] !== 0) return false;
    return true;
  };
  const out: { ref: number; dist: number }[] = [];
  for (let s = 1; s <= SHIFT_SAMPLES; s++) {
    let i = Math.floor((s * all.length) / (SHIFT_SAMPLES + 1));
    while (i < all.length && flat(all[i]!.dist)) i++;
    const p = all[i];
    if (p && !out.some((q) => q.dist === p.dist)) out.push(p);
  }
  return out;
}

/** The size a video decodes to: ffmpeg turns a picture on its side upright. */
export function decodedSize(media: MediaInfo): { width: number; height: number } {
  const v = media.video;
  return Math.abs(v.rotation % 180) === 90
    ? { width: v.height, height: v.width }
    : { width: v.width, height: v.height };
}

/** A list of frame numbers in words: "40–42, 97". */
export function frameList(frames: readonly number[], most = 12): string {
  const runs: string[] = [];
  let i = 0;
  while (i < frames.length) {
    let k = i;
    while (k + 1 < frames.length && frames[k + 1] === frames[k]! + 1) k++;
    runs.push(k === i ? String(frames[i]) : `${frames[i]}–${frames[k]}`);
    i = k + 1;
  }
  const shown = runs.slice(0, most).join(', ');
  return runs.length > most ? `${shown} and ${runs.length - most} more` : shown;
}

/** What scoring on the mapping does, in words. */
function fixesOf(m: FrameMapping, rates: { refRate: number; distRate: number } | null): string[] {
  const fixes: string[] = [];
  if (rates && m.slope === 1) {
    fixes.push(
      `Compare frame for frame: the distorted video shows the reference's frames one for one at ${fps(rates.distRate)} instead of ${fps(rates.refRate)} (a speed change).`,
    );
  } else if (rates) {
    fixes.push(
      `Compare at the distorted video's ${fps(rates.distRate)}: each of its frames against the reference frame it shows (the reference runs at ${fps(rates.refRate)}).`,
    );
  }
  const first = m.mapping[0];
  if (first && first.refStart > 0) {
    fixes.push(
      `Skip the first ${first.refStart} reference frame(s): the distorted video's frame ${first.distStart} shows reference frame ${first.refStart}.`,
    );
  }
  if (m.unmatched.leading > 0 || m.unmatched.trailing > 0) {
    fixes.push(
      `Leave out the distorted video's ${m.unmatched.leading} first and ${m.unmatched.trailing} last frame(s), which show no reference frame.`,
    );
  }
  if (m.dropped.length > 0) {
    fixes.push(
      `Leave out reference frame(s) ${frameList(m.dropped)}, which the distorted video lacks.`,
    );
  }
  if (m.repeated.length > 0) {
    fixes.push(
      `Distorted frame(s) ${frameList(m.repeated)} repeat the frame before: score each against the reference frame it shows, or leave it out.`,
    );
  }
  return fixes;
}

/**
 * The least confidence at which scoring applies a match on its own (`align` auto or on). Below
 * it the finding only warns, and the align-frames fix must be chosen to score on the match.
 */
export const APPLY_CONFIDENCE = 0.4;

/** True when scoring applies this match without being asked (a mismatch, surely found). */
export function appliesItself(r: AlignmentReport): boolean {
  return !r.aligned && r.confidence >= APPLY_CONFIDENCE;
}

/** What the pictures show, in words: "distorted frame 0 shows reference frame 7; …". */
function whatThePicturesShow(r: AlignmentReport): string {
  const parts: string[] = [];
  const { reference, distorted } = r.frameRate;
  if (r.speedChange)
    parts.push(
      `the distorted video plays the reference's frames one for one at ${fps(distorted!)} instead of ${fps(reference!)}`,
    );
  else if (reference !== null && distorted !== null && reference !== distorted && !r.aligned)
    parts.push(`the distorted video runs at ${fps(distorted)} against ${fps(reference)}`);
  const first = r.mapping[0];
  if (first && (first.refStart !== 0 || first.distStart !== 0))
    parts.push(`distorted frame ${first.distStart} shows reference frame ${first.refStart}`);
  if (r.dropped.length > 0)
    parts.push(`it lacks reference frame(s) ${frameList(r.dropped)} (${r.dropped.length})`);
  if (r.repeated.length > 0)
    parts.push(`its frame(s) ${frameList(r.repeated)} repeat the one before`);
  const { leading, trailing } = r.unmatched;
  if (leading > 0 || trailing > 0)
    parts.push(
      `${leading} frame(s) at its start and ${trailing} at its end show no reference frame`,
    );
  return parts.join('; ');
}

/** The pre-flight finding of a picture check, with its evidence in words. */
export function alignmentFinding(r: AlignmentReport): PreflightFinding {
  const sure = `confidence ${r.confidence.toFixed(2)}`;
  if (r.aligned) {
    return {
      id: 'frames-misaligned',
      severity: 'info',
      message: `The pictures match frame for frame (${sure}, mean distance ${r.meanDistance}): nothing to change.`,
      fixes: [],
    };
  }
  if (!appliesItself(r)) {
    return {
      id: 'frames-misaligned',
      severity: 'warn',
      message:
        `The pictures suggest that ${whatThePicturesShow(r)}, but not surely (${sure}). ` +
        'Choose "align-frames" to score on this match anyway, or check the pair with `vq align`.',
      fixes: ['align-frames'],
    };
  }
  return {
    id: 'frames-misaligned',
    severity: 'block',
    message:
      `The pictures show that ${whatThePicturesShow(r)} (${sure}). Compared by position, the ` +
      'scores would compare different pictures.',
    fixes: ['align-frames'],
  };
}

/** What a result records of the match it was scored on. */
export function frameMatchOf(r: AlignmentReport, droppedFrames: DroppedFrames): FrameMatch {
  const match = {
    confidence: r.confidence,
    offsetFrames: r.offsetFrames,
    mapping: r.mapping,
    dropped: r.dropped,
    repeated: r.repeated,
    droppedFrames,
  };
  // What a result records is what an imported project is checked against: the same rules.
  const checked = FrameMatchSchema.safeParse(match);
  if (!checked.success) {
    throw new VqError(
      'UNSUPPORTED',
      `The frames matched by their pictures cannot be recorded (${checked.error.issues[0]?.message ?? 'invalid'}; ${r.mapping.length} runs).`,
      'Pair the frames by time instead (--align off --fix convert-fps), or score a shorter range.',
    );
  }
  return checked.data;
}

/** A frame rate in words: "25 fps", "29.97 fps", "24.038 fps". */
function fps(rate: number): string {
  return `${Number.isInteger(rate) ? rate : Number(rate.toFixed(3))} fps`;
}

/**
 * Mean signature distance at or below which a picture inside bars shows the whole reference
 * picture (matched re-encodes measure about 0.0001–0.01; a different framing far more).
 */
const WHOLE_PICTURE_DISTANCE = 0.05;

/** Two boxes of frames of different sizes show the same part when they agree within this share. */
const SAME_PART = 0.02;

/** A box as a share of its frame: where it starts and ends across and down (0–1). */
function shareOf(b: Box, size: { width: number; height: number }): number[] {
  return [
    b.x / size.width,
    (b.x + b.width) / size.width,
    b.y / size.height,
    (b.y + b.height) / size.height,
  ];
}

/** "1920×800 at (0, 140) of its 1920×1080 frame". */
function boxText(b: Box, size: { width: number; height: number }): string {
  return `${b.width}×${b.height} at (${b.x}, ${b.y}) of its ${size.width}×${size.height} frame`;
}

/**
 * The pre-flight finding of the bars the picture check found, or null when neither video has
 * any: the distorted video's bars (crop them away, or crop the reference the same way), the
 * reference's own (crop it to its picture), or the same bars in both (cropping both scores the
 * pictures alone).
 */
export function pictureAreaFinding(
  r: Pick<AlignmentReport, 'crop' | 'referenceCrop' | 'meanDistance'>,
  sizes: {
    reference: { width: number; height: number };
    distorted: { width: number; height: number };
  },
): PreflightFinding | null {
  const d = r.crop;
  const ref = r.referenceCrop;
  if (!d && !ref) return null;
  if (d && ref) {
    const a = shareOf(d, sizes.distorted);
    const b = shareOf(ref, sizes.reference);
    if (a.every((v, k) => Math.abs(v - b[k]!) <= SAME_PART)) {
      return {
        id: 'picture-area',
        severity: 'warn',
        message:
          `Both videos have black bars in the same place (the reference's picture is ${boxText(ref, sizes.reference)}). ` +
          'The bars compare as equal and lift every score; cropping both scores the pictures alone.',
        fixes: ['crop-reference'],
      };
    }
  }
  if (d) {
    // Its picture was matched with the whole reference picture: close frames say it shows all of
    // it (a letterboxed encode), far ones that the bars hide part of it.
    const whole = r.meanDistance <= WHOLE_PICTURE_DISTANCE;
    return {
      id: 'picture-area',
      severity: 'block',
      message:
        `The distorted video has black bars: its picture is ${boxText(d, sizes.distorted)}` +
        (ref ? `, and the reference's is ${boxText(ref, sizes.reference)}` : '') +
        '. Compared whole, bars are compared with picture and the picture is out of place. ' +
        (whole
          ? `Its picture matches the whole reference picture (mean distance ${r.meanDistance}): crop the bars away from it.`
          : `Its picture does not match the whole reference picture (mean distance ${r.meanDistance}): the bars hide part of it, so crop the reference the same way.`),
      fixes: whole ? ['crop-distorted', 'crop-reference'] : ['crop-reference', 'crop-distorted'],
    };
  }
  return {
    id: 'picture-area',
    severity: 'block',
    message:
      `The reference has black bars the distorted video does not: its picture is ${boxText(ref!, sizes.reference)}. ` +
      'Compared whole, the distorted picture is squeezed into the frame the bars take part of.',
    fixes: ['crop-reference'],
  };
}

/**
 * What each video is cropped to for a crop fix, and the size the pair is then compared at:
 * crop-distorted takes the distorted picture out of its bars and compares it with the whole
 * reference; crop-reference crops the reference to the part the distorted picture shows (its
 * bars' box in the reference's frame) or, when only the reference has bars, to its picture, and
 * compares at that size. Even sizes and offsets (4:2:0 chroma).
 */
export function cropsFor(
  fix: 'distorted' | 'reference',
  r: Pick<AlignmentReport, 'crop' | 'referenceCrop'>,
  sizes: {
    reference: { width: number; height: number };
    distorted: { width: number; height: number };
  },
): { distorted: Box | null; reference: Box | null; width: number; height: number } {
  const full = sizes.reference;
  // Both have bars: each picture alone (their signatures were matched that way), at the
  // reference picture's size, whichever crop was chosen.
  if (r.crop && r.referenceCrop) {
    return {
      distorted: r.crop,
      reference: r.referenceCrop,
      width: r.referenceCrop.width,
      height: r.referenceCrop.height,
    };
  }
  if (fix === 'distorted' || (!r.crop && !r.referenceCrop)) {
    return { distorted: r.crop, reference: null, width: full.width, height: full.height };
  }
  const even = (v: number): number => Math.max(0, 2 * Math.round(v / 2));
  const reference = r.crop
    ? (() => {
        const sx = full.width / sizes.distorted.width;
        const sy = full.height / sizes.distorted.height;
        const x = even(r.crop.x * sx);
        const y = even(r.crop.y * sy);
        return {
          x,
          y,
          width: Math.min(full.width - x, even(r.crop.width * sx)),
          height: Math.min(full.height - y, even(r.crop.height * sy)),
        };
      })()
    : r.referenceCrop!;
  return { distorted: r.crop, reference, width: reference.width, height: reference.height };
}

/**
 * The pre-flight finding of a shift the picture check found, or null: the distorted picture moved
 * by a few pixels, compared where the two overlap once it is moved back.
 */
export function pictureShiftFinding(r: Pick<AlignmentReport, 'shift'>): PreflightFinding | null {
  if (!r.shift) return null;
  const { x, y } = r.shift;
  const way = [
    x ? `${Math.abs(x)} pixel(s) ${x > 0 ? 'right' : 'left'}` : null,
    y ? `${Math.abs(y)} pixel(s) ${y > 0 ? 'down' : 'up'}` : null,
  ]
    .filter((w): w is string => w !== null)
    .join(' and ');
  return {
    id: 'picture-shift',
    severity: 'block',
    message:
      `The distorted picture is moved ${way} (in reference pixels) against the reference's. ` +
      'Compared as they are, every edge is compared with its neighbour and the scores drop for a reason that is not compression.',
    fixes: ['shift-distorted'],
  };
}
