/**
 * The per-title flow's inputs: the options of `pertitle.start` (zod, every field optional), their
 * defaults, and the CRF grid ladder encoded on the source (heights × CRF values, one encoder).
 * Pure: the analysis service resolves and runs it, tests check it.
 */
import { z } from 'zod';
import { displaySize, widthAtHeight, type SourceGeometry } from './encodePlan';
import { VqError } from './errors';
import {
  ENCODERS,
  HdrHandlingSchema,
  type HdrHandling,
  type Ladder,
  type Rung,
  type SoftwareEncoder,
} from './ladder';
import type { HdrKind } from './media';
import { checkedLadderPickOptions, type LadderPickOptions, type RdQuality } from './rd';
import type { ScoreMetric } from './score';

/** Standard ladder heights the default grid picks from, highest first. */
export const PER_TITLE_HEIGHTS = [2160, 1440, 1080, 720, 540, 432, 360, 240] as const;

/** Most heights in the default grid (the grid is heights × CRF values encodes). */
export const MAX_DEFAULT_HEIGHTS = 5;

/**
 * Default CRF values per encoder: six values 4 (x264/x265) or 6–8 (AV1/VP9, whose scale is
 * wider) apart, spanning roughly VMAF 95+ down to the low 60s on typical content.
 */
export const PER_TITLE_CRFS: Readonly<Record<SoftwareEncoder, readonly number[]>> = {
  libx264: [18, 22, 26, 30, 34, 38],
  libx265: [20, 24, 28, 32, 36, 40],
  libsvtav1: [23, 29, 35, 41, 47, 53],
  'libaom-av1': [20, 28, 36, 44, 52, 60],
  'libvpx-vp9': [20, 28, 36, 44, 52, 60],
};

/** Keyframe interval of the grid and of the recommended ladder (fixed GOP, as segmenters want). */
export const PER_TITLE_GOP_SECONDS = 2;

/**
 * The figures a per-title run can pick its ladder on: those its grid is scored for
 * ({@link PER_TITLE_SCORE_METRICS}). Not MS-SSIM (slow, and it cannot be computed below 176 px,
 * which small grid rungs reach), not XPSNR (FFmpeg 7.1 or later only), and never CAMBI, which
 * rates banding of the encode alone and is no ladder target (shared/rd/ladderPick.ts).
 */
export const PER_TITLE_QUALITIES = [
  'vmafMean',
  'vmafHmean',
  'vmafP5',
  'psnrY',
  'psnr',
  'ssim',
] as const satisfies readonly RdQuality[];

/** One of {@link PER_TITLE_QUALITIES}. */
export type PerTitleQuality = (typeof PER_TITLE_QUALITIES)[number];

/** What the grid's score jobs measure: VMAF (model from the source size), PSNR and SSIM. */
export const PER_TITLE_SCORE_METRICS: readonly ScoreMetric[] = ['vmaf', 'psnr', 'ssim'];

/** `LadderPickOptions` of shared/rd, every field optional (defaults: `DEFAULT_LADDER_PICK`). */
export const LadderPickOptionsSchema = z
  .object({
    targetQuality: z.number().min(0).max(100),
    minStepRatio: z.number().gt(1).max(10),
    maxStepRatio: z.number().min(1).max(10),
    maxQualityGap: z.number().positive().max(100),
    floorBitrate: z.number().min(0).max(1e9),
    maxRungs: z.number().int().min(1).max(20),
  })
  .partial()
  .strict()
  .refine(
    (o) =>
      o.minStepRatio === undefined ||
      o.maxStepRatio === undefined ||
      o.minStepRatio <= o.maxStepRatio,
    {
      message: 'minStepRatio must not exceed maxStepRatio',
      path: ['minStepRatio'],
    },
  );

/** `pertitle.start` options; every field is optional (see {@link resolvePerTitleOptions}). */
export const PerTitleOptionsSchema = z
  .object({
    /** Software encoder of the grid and of the recommended ladder (default libx264). */
    encoder: z.enum(Object.keys(ENCODERS) as [SoftwareEncoder, ...SoftwareEncoder[]]).optional(),
    /** Encoder preset (default: the encoder's own default, e.g. x264 medium). */
    preset: z.string().min(1).max(16).optional(),
    /** Output heights (default: the standard heights up to the source's, at most 5). */
    heights: z
      .array(
        z
          .number()
          .int()
          .min(16)
          .max(8192)
          .refine((h) => h % 2 === 0, 'heights must be even for 4:2:0 video'),
      )
      .min(1)
      .max(8)
      .optional(),
    /** CRF values of the grid (default per encoder: {@link PER_TITLE_CRFS}). */
    crfs: z.array(z.number().min(0).max(63)).min(2).max(12).optional(),
    /** The quality figure the hull and ladder are computed on (default VMAF mean). */
    quality: z.enum(PER_TITLE_QUALITIES).optional(),
    /** Ladder pick options (targetQuality, step ratios, quality gap, floor bitrate, max rungs). */
    pick: LadderPickOptionsSchema.optional(),
    /**
     * An HDR source: keep the grid HDR (needs an encoder that carries HDR: x265, SVT-AV1, libaom,
     * VP9; the default for those) or tone-map it to SDR. Required for an HDR source with x264.
     * Ignored for an SDR source.
     */
    hdr: HdrHandlingSchema.optional(),
    /**
     * Folder the run's grid folder is made in: each run encodes into a new `<outDir>/<grid ladder
     * id>/` (default `<dataDir>/renditions/<sourceId>/`), so a run never replaces another's files.
     */
    outDir: z
      .string()
      .min(1)
      .max(4096)
      .refine((p) => !p.includes('\0'), 'path contains a NUL byte')
      .optional(),
  })
  .strict();

/** `pertitle.start` options as the caller writes them. */
export type PerTitleOptions = z.input<typeof PerTitleOptionsSchema>;

/** The options in force for one run: defaults filled in (the output folder by the service). */
export interface PerTitleSettings {
  encoder: SoftwareEncoder;
  preset: string;
  /** Highest first, none above the source. */
  heights: number[];
  /** Ascending. */
  crfs: number[];
  quality: PerTitleQuality;
  /** As given; `recommendLadder` fills the rest from `DEFAULT_LADDER_PICK`. */
  pick: Partial<LadderPickOptions>;
  /** What the grid (and the recommended ladder) does with an HDR source; null for SDR (and runs stored before it). */
  hdr?: HdrHandling | null;
  outDir: string | null;
}

/**
 * The default heights for a source of this display height: the {@link PER_TITLE_HEIGHTS} at or
 * below it (never upscaling). When more than {@link MAX_DEFAULT_HEIGHTS} fit, the in-between
 * steps 432 and 1440 go first (unless 1440 is the top), then the lowest ones, so the top rung
 * stays at the largest standard size.
 */
export function defaultPerTitleHeights(displayHeight: number): number[] {
  let heights: number[] = PER_TITLE_HEIGHTS.filter((h) => h <= displayHeight);
  for (const dropFirst of [432, 1440]) {
    if (heights.length > MAX_DEFAULT_HEIGHTS && heights[0] !== dropFirst)
      heights = heights.filter((h) => h !== dropFirst);
  }
  return heights.slice(0, MAX_DEFAULT_HEIGHTS);
}

/**
 * Fills in the defaults and checks the options against the source. The preset defaults to the
 * encoder's own default (x264/x265 medium): the recommended ladder's bitrates are only right for
 * the preset they were measured with, and its rungs carry that preset, so a faster grid would
 * recommend bitrates that a real encode at the usual preset overshoots. Pass a faster preset for
 * a quick look. Throws INVALID_ARGS naming the bad value.
 */
export function resolvePerTitleOptions(
  opts: PerTitleOptions,
  src: SourceGeometry,
): PerTitleSettings {
  const o = PerTitleOptionsSchema.parse(opts);
  const encoder = o.encoder ?? 'libx264';
  const info = ENCODERS[encoder];
  const preset = o.preset ?? info.defaultPreset;
  if (!(info.presets as readonly string[]).includes(preset)) {
    throw new VqError(
      'INVALID_ARGS',
      `"${preset}" is not a ${info.label} preset.`,
      `Use one of ${info.presets.join(', ')}.`,
    );
  }
  const display = displaySize(src);
  let heights: number[];
  if (o.heights) {
    const above = o.heights.filter((h) => h > display.height);
    if (above.length) {
      throw new VqError(
        'INVALID_ARGS',
        `Height${above.length > 1 ? 's' : ''} ${above.join(', ')} ${above.length > 1 ? 'are' : 'is'} above the source (${display.width}x${display.height}).`,
        'VQ Studio never upscales; leave heights out to use the standard heights that fit.',
      );
    }
    heights = [...new Set(o.heights)].sort((a, b) => b - a);
  } else {
    heights = defaultPerTitleHeights(display.height);
    if (heights.length === 0) {
      throw new VqError(
        'INVALID_ARGS',
        `The source is ${display.height} lines high, below the smallest standard height (${PER_TITLE_HEIGHTS.at(-1)}).`,
        'Give the heights to encode explicitly (even numbers up to the source height).',
      );
    }
  }
  const crfs = [...new Set(o.crfs ?? PER_TITLE_CRFS[encoder])].sort((a, b) => a - b);
  const out = crfs.filter((c) => c < info.crf.min || c > info.crf.max);
  if (out.length) {
    throw new VqError(
      'INVALID_ARGS',
      `CRF ${out.join(', ')} is outside ${info.label}'s range ${info.crf.min}–${info.crf.max}.`,
    );
  }
  if (crfs.length < 2) throw new VqError('INVALID_ARGS', 'Give at least two different CRF values.');
  // The picks are made only after the whole grid is encoded and scored: check the pick options
  // with the defaults filled in now (e.g. maxStepRatio below the default minStepRatio), not then.
  checkedLadderPickOptions(o.pick);
  return {
    encoder,
    preset,
    heights,
    crfs,
    quality: o.quality ?? 'vmafMean',
    pick: o.pick ?? {},
    hdr: perTitleHdr(o.hdr, encoder, src.hdr ?? null),
    outDir: o.outDir ?? null,
  };
}

/**
 * What a per-title run does with the source's HDR: null for an SDR source; the choice given; else
 * keep, when the encoder carries HDR. An HDR source kept HDR by an encoder that cannot carry it
 * (x264) is refused naming the two ways out a per-title run has: another encoder, or tone-mapping.
 */
function perTitleHdr(
  choice: HdrHandling | undefined,
  encoder: SoftwareEncoder,
  hdr: HdrKind,
): HdrHandling | null {
  if (hdr === null) return null;
  const handling = choice ?? 'keep';
  if (handling === 'keep' && !ENCODERS[encoder].hdr) {
    const carriers = Object.values(ENCODERS)
      .filter((e) => e.hdr)
      .map((e) => e.label);
    throw new VqError(
      'INVALID_ARGS',
      `The source is HDR (${hdr === 'pq' ? 'PQ' : 'HLG'}) and ${ENCODERS[encoder].label} cannot carry HDR, so a per-title grid with it cannot keep the source HDR.`,
      `Choose an encoder that keeps HDR (${carriers.join(', ')}), or tone-map the grid to SDR ("Tone-map to SDR", option hdr: "tonemap").`,
    );
  }
  return handling;
}

/**
 * The CRF grid ladder: every height × every CRF, highest height and lowest CRF first. Widths come
 * from the source's display aspect (SAR and rotation applied), rounded to even numbers and never
 * past the source; fixed {@link PER_TITLE_GOP_SECONDS} GOP (keyint = fps × 2, from the source's
 * frame rate at plan time), 8-bit 4:2:0 (10-bit when an HDR source is kept HDR), no audio; the
 * settings' HDR handling goes with the ladder.
 */
export function perTitleGridLadder(
  src: SourceGeometry,
  s: Pick<PerTitleSettings, 'encoder' | 'preset' | 'heights' | 'crfs' | 'hdr'>,
  o: { id: string; name: string },
): Ladder {
  const display = displaySize(src);
  const short = s.encoder.replace(/^lib/, '');
  const rungs: Rung[] = [];
  for (const height of s.heights) {
    if (height > display.height) {
      throw new VqError(
        'INVALID_ARGS',
        `Height ${height} is above the source (${display.height}); VQ Studio never upscales.`,
      );
    }
    const width = widthAtHeight(height, display);
    for (const crf of s.crfs) {
      rungs.push({
        id: `${short}-${height}p-crf${String(crf).replace('.', '_')}`,
        width,
        height,
        encoder: s.encoder,
        rateControl: { mode: 'crf', crf },
        preset: s.preset,
        gopSeconds: PER_TITLE_GOP_SECONDS,
        fixedGop: true,
        pixFmt: 'yuv420p',
        fpsCap: null,
        audio: { mode: 'none' },
        container: s.encoder === 'libvpx-vp9' ? 'webm' : 'mp4',
      });
    }
  }
  return {
    id: o.id,
    name: o.name,
    description: `Per-title CRF grid: ${s.heights.map((h) => `${h}p`).join(', ')} × CRF ${s.crfs.join(', ')} (${ENCODERS[s.encoder].label}, preset ${s.preset}).`,
    rungs,
    ...(s.hdr ? { hdr: s.hdr } : {}),
  };
}

/** Where a per-title run is: encoding the grid, scoring it, done (ladder ready) or failed. */
export type PerTitleStatus = 'encoding' | 'scoring' | 'done' | 'failed';

/** One point of the grid on the convex hull of a finished per-title run. */
export interface PerTitleHullPoint {
  renditionId: string;
  /** `${height}p`: the hull is grouped by resolution. */
  group: string;
  width: number;
  height: number;
  /** bits/s */
  bitrate: number;
  quality: number;
}

/** One rung of the recommended ladder and why it was chosen. */
export interface PerTitlePick {
  /** The rung id in {@link PerTitleRun.ladder}. */
  rungId: string;
  /** The hull point the rung's resolution comes from. */
  renditionId: string;
  width: number;
  height: number;
  /** bits/s of the rung (may be interpolated along the hull). */
  bitrate: number;
  /** The quality expected at that bitrate on the hull. */
  quality: number;
  why: string;
}

/**
 * A per-title run: a CRF grid encoded and scored on one source, then a recommended ladder. (A type
 * alias, not an interface, so it fits `Record<string, unknown>`-shaped schemas such as project files.)
 */
export type PerTitleRun = {
  id: string;
  sourceId: string;
  /** The encode batch of the grid (its score jobs are in the same batch). */
  batchId: string;
  status: PerTitleStatus;
  /** The options in force, defaults filled in. */
  options: PerTitleSettings;
  /** The recommended ladder (fixed-bitrate rungs, top first) once done; not saved by itself. */
  ladder: Ladder | null;
  /** The hull and the picks behind {@link ladder}, once done. */
  hull: PerTitleHullPoint[] | null;
  picks: PerTitlePick[] | null;
  /** Scored grid points the hull was computed over, once done. */
  scoredPoints: number | null;
  /** Why the run failed, in words a person understands. */
  error: string | null;
  createdAt: string;
  updatedAt: string;
};
