/**
 * Quality scoring types: what a person asks for (metrics, model, alignment options, pre-flight
 * fixes) and what a scoring run returns (per-frame series, pooled statistics, the exact command,
 * the ffmpeg/libvmaf build, the model and the alignment used). Shared by the engine
 * (electron/core/score), the API, the CLI and the UI.
 *
 * Metric definitions (the same whichever ffmpeg build scores, so a number means one thing):
 * - `vmaf`: libvmaf's per-frame VMAF with the model in {@link ModelUsed}.
 * - `psnrY`: luma PSNR from ffmpeg's `psnr` filter (`psnr_y` of its stats file).
 * - `psnr`: ffmpeg's `psnr` filter `psnr_avg`: the PSNR of the plane-size-weighted mean of the
 *   per-plane MSEs (NOT the mean of the per-plane PSNRs), as that filter defines it.
 * - `ssimY`: luma SSIM from ffmpeg's `ssim` filter (`Y:`), as x264 and libvmaf report SSIM.
 * - `ssim`: ffmpeg's `ssim` filter `All:` (plane-size-weighted mean of the plane SSIMs): the
 *   headline number of that filter, as `psnr` is for the psnr filter.
 * - `msSsim`: libvmaf's MS-SSIM (luma; `ms_ssim=1` on libvmaf 1.x, `float_ms_ssim` on 2.x).
 * - `cambi`: libvmaf's CAMBI banding index of the distorted video (feature `cambi`, libvmaf ≥ 2):
 *   0 = no visible banding, up to 24; LOWER IS BETTER.
 * - `xpsnr`, `xpsnrU`, `xpsnrV`: FFmpeg's `xpsnr` filter (FFmpeg ≥ 7.1), the perceptually
 *   weighted PSNR of the luma, Cb and Cr planes in dB (ITU-T P.1401 / JVET-H0047's XPSNR).
 * Pooled means are means of per-frame values (see shared/pooling.ts).
 */
import { z } from 'zod';
import type { PooledStats } from './pooling';
import { FIX_IDS, type FixId, type PreflightFinding } from './preflight';
import { DROPPED_FRAMES, type FrameMatch } from './frameMatch';

/** Metrics a person can ask for (`vq score --metrics`). */
export const SCORE_METRICS = ['vmaf', 'psnr', 'ssim', 'ms_ssim', 'cambi', 'xpsnr'] as const;

/** One of {@link SCORE_METRICS}. */
export type ScoreMetric = (typeof SCORE_METRICS)[number];

/**
 * Metrics computed when a request names none: the four every build with libvmaf computes.
 * CAMBI and XPSNR are asked for by name (they need libvmaf ≥ 2 and FFmpeg ≥ 7.1).
 */
export const DEFAULT_SCORE_METRICS: readonly ScoreMetric[] = ['vmaf', 'psnr', 'ssim', 'ms_ssim'];

/** Per-frame series a run can return, in display order. */
export const SCORE_SERIES = [
  'vmaf',
  'psnrY',
  'psnr',
  'ssimY',
  'ssim',
  'msSsim',
  'xpsnr',
  'xpsnrU',
  'xpsnrV',
  'cambi',
] as const;

/** One of {@link SCORE_SERIES}. */
export type ScoreSeries = (typeof SCORE_SERIES)[number];

/** The series each requested metric yields. */
export const SERIES_OF_METRIC: Readonly<Record<ScoreMetric, readonly ScoreSeries[]>> = {
  vmaf: ['vmaf'],
  psnr: ['psnrY', 'psnr'],
  ssim: ['ssimY', 'ssim'],
  ms_ssim: ['msSsim'],
  cambi: ['cambi'],
  xpsnr: ['xpsnr', 'xpsnrU', 'xpsnrV'],
};

/** The name of each series in tables, charts and messages: "PSNR-Y", "XPSNR-Y", "CAMBI". */
export const SERIES_LABELS: Readonly<Record<ScoreSeries, string>> = {
  vmaf: 'VMAF',
  psnrY: 'PSNR-Y',
  psnr: 'PSNR',
  ssimY: 'SSIM-Y',
  ssim: 'SSIM',
  msSsim: 'MS-SSIM',
  xpsnr: 'XPSNR-Y',
  xpsnrU: 'XPSNR-U',
  xpsnrV: 'XPSNR-V',
  cambi: 'CAMBI',
};

/**
 * The column name of each series wherever series are columns: the per-frame CSV export, the
 * pooled CSV (shared/analysis.ts), the `score_results` table and the project file's rows
 * (snake_case, as ffmpeg-quality-metrics names its CSV columns). A plane suffix names the plane:
 * `psnr_y` is the luma PSNR and `psnr` the all-planes one; XPSNR has no all-planes figure, so its
 * luma series is `xpsnr_y`, beside `xpsnr_u` and `xpsnr_v`. The database's columns carry these
 * names (electron/core/store/db.ts): renaming one needs a migration.
 */
export const SERIES_COLUMNS: Readonly<Record<ScoreSeries, string>> = {
  vmaf: 'vmaf',
  psnrY: 'psnr_y',
  psnr: 'psnr',
  ssimY: 'ssim_y',
  ssim: 'ssim',
  msSsim: 'ms_ssim',
  xpsnr: 'xpsnr_y',
  xpsnrU: 'xpsnr_u',
  xpsnrV: 'xpsnr_v',
  cambi: 'cambi',
};

/** Series where a lower value is better (CAMBI: less banding). Every other series: higher. */
export const LOWER_IS_BETTER: ReadonlySet<ScoreSeries> = new Set<ScoreSeries>(['cambi']);

/** VMAF model variants: the regular model, NEG (no enhancement gain) and phone (transform). */
export const MODEL_VARIANTS = ['default', 'neg', 'phone'] as const;

/**
 * VMAF v1 models built into libvmaf 3.2 and later (Netflix/vmaf resource/doc/models_v1.md): `3d0h`
 * and `5d0h` are viewing distances in picture heights on a 1080p display, `_2160` the 4K display
 * versions, and `_hfr_` their high-frame-rate twins. `3d0h_2160` (and its hfr twin) score from 0 to
 * 110; the others from 0 to 100 ({@link ModelUsed.maxScore}).
 */
export const VMAF_V1_MODELS = [
  'vmaf_v1.0.16_3d0h',
  'vmaf_v1.0.16_5d0h',
  'vmaf_v1.0.16_3d0h_2160',
  'vmaf_v1.0.16_1d5h_2160',
  'vmaf_v1.0.16_hfr_3d0h',
  'vmaf_v1.0.16_hfr_5d0h',
  'vmaf_v1.0.16_hfr_3d0h_2160',
  'vmaf_v1.0.16_hfr_1d5h_2160',
] as const;

/** True for one of the {@link VMAF_V1_MODELS} names. */
export function isVmafV1Model(name: string): name is (typeof VMAF_V1_MODELS)[number] {
  return (VMAF_V1_MODELS as readonly string[]).includes(name);
}

/** Which VMAF model to use. `size: 'auto'` picks 4K for references above 2560×1440. */
export const ModelRequestSchema = z.union([
  z
    .object({
      variant: z.enum(MODEL_VARIANTS),
      size: z.enum(['auto', '1080p', '4k']),
    })
    .strict(),
  z
    .object({
      /**
       * A model by the name libvmaf knows it (a libvmaf ≥ 2 built-in such as the VMAF v1 models,
       * or a `.json` file of that name in a model folder).
       */
      name: z
        .string()
        .min(1)
        .max(100)
        .regex(/^[A-Za-z0-9_.-]+$/, 'a model name has only letters, digits, "_", "." and "-"'),
    })
    .strict(),
  z
    .object({
      /** A model file: `.pkl` (libvmaf 1.x, with its `.pkl.model` beside it) or `.json` (2+). */
      path: z.string().min(1).max(4096),
      /** Apply the model's score transform (the phone model). */
      transform: z.boolean().optional(),
    })
    .strict(),
]);

/** A {@link ModelRequestSchema} value. */
export type ModelRequest = z.infer<typeof ModelRequestSchema>;

/** Scoring size: the reference's own size (`auto`) or both videos scaled to a display size. */
export const ScaleRequestSchema = z.union([
  z.literal('auto'),
  z
    .object({
      width: z.number().int().min(16).max(16384),
      height: z.number().int().min(16).max(16384),
    })
    .strict(),
]);

/** A {@link ScaleRequestSchema} value. */
export type ScaleRequest = z.infer<typeof ScaleRequestSchema>;

/** When a scoring run matches frames by their pictures (`ScoreOptions.align`). */
export const ALIGN_MODES = ['auto', 'on', 'off'] as const;

/** One of {@link ALIGN_MODES}. */
export type AlignMode = (typeof ALIGN_MODES)[number];

/** Options of one scoring run (API/CLI input; validated with zod at the boundary). */
export const ScoreOptionsSchema = z
  .object({
    /** Metrics to compute (default: {@link DEFAULT_SCORE_METRICS}). */
    metrics: z.array(z.enum(SCORE_METRICS)).min(1).optional(),
    /** VMAF model (default: v0.6.1, 4K for references above 2560×1440). */
    model: ModelRequestSchema.optional(),
    /** Scoring size (default `auto`: the reference's size). */
    scale: ScaleRequestSchema.optional(),
    /** First frame scored, in seconds from the start of the reference (rounded to a frame). */
    startSeconds: z.number().min(0).max(1e7).optional(),
    /** Number of frames scored (default: to the end). */
    frames: z.number().int().min(1).max(1e8).optional(),
    /** Score every n-th frame (libvmaf `n_subsample`; the same frames for PSNR/SSIM). */
    subsample: z.number().int().min(1).max(1000).optional(),
    /** libvmaf threads (default: all cores). */
    threads: z.number().int().min(1).max(1024).optional(),
    /** Pre-flight fixes chosen for every pair they apply to. */
    fixes: z.array(z.enum(FIX_IDS)).optional(),
    /**
     * Look at the pictures before scoring (the alignment assistant: frames matched, black bars
     * found): `auto` (default) when the pre-flight finds a pair's timing or frame off (rates,
     * frame counts, start times, a variable rate, the aspect), and a sure match is then applied
     * by itself unless a fix pairing frames by time was chosen; `on` for every pair; `off` never
     * by itself (a fix that needs the pictures still looks, and only a chosen align-frames
     * applies a match).
     */
    align: z.enum(ALIGN_MODES).optional(),
    /** What matched scoring does with reference frames the distorted video lacks (default exclude). */
    droppedFrames: z.enum(DROPPED_FRAMES).optional(),
    /**
     * "Share of frames below" thresholds per series (default: VMAF 80). None for a lower-is-better
     * series (CAMBI): the frames below a threshold are its good ones.
     */
    thresholds: z
      .partialRecord(z.enum(SCORE_SERIES), z.number())
      .superRefine((t, ctx) => {
        for (const series of LOWER_IS_BETTER) {
          if (t[series] === undefined) continue;
          ctx.addIssue({
            code: 'custom',
            path: [series],
            message: `${SERIES_LABELS[series]} is lower-is-better; a 'share below' threshold would count the good frames. Leave out its threshold.`,
          });
        }
      })
      .optional(),
  })
  .strict();

/** A {@link ScoreOptionsSchema} value. */
export type ScoreOptions = z.infer<typeof ScoreOptionsSchema>;

/** The VMAF model a run used. */
export interface ModelUsed {
  /** Model name as libvmaf knows it, e.g. "vmaf_v0.6.1", "vmaf_4k_v0.6.1". */
  name: string;
  /** The file passed to libvmaf, or null for a libvmaf 2 built-in (`model=version=`). */
  path: string | null;
  format: 'pkl' | 'json' | 'builtin';
  /** True when the score transform (phone model) is on. */
  transform: boolean;
  /** Why this model: "requested", "auto: reference above 2560×1440", … */
  reason: string;
  /** The top of the model's scale: 110 for VMAF v1 `3d0h_2160` (and its hfr twin), else 100. Absent = 100. */
  maxScore?: number;
}

/** A rectangle of a frame, in pixels. */
export interface PictureBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** How the two videos of a pair were aligned (stored with every result: reproducible). */
export interface Alignment {
  /** Size both were compared at. */
  width: number;
  height: number;
  /** Scaler for every resize. */
  scaler: 'bicubic';
  /** Pixel format both were converted to for PSNR/SSIM (and VMAF unless `vmafPixFmt` says). */
  pixFmt: string;
  /**
   * Pixel format libvmaf saw; differs from pixFmt for the 10-bit workaround of libvmaf 1.x (8 bits)
   * and for the VMAF v1 models (10 bits, as Netflix recommends).
   */
  vmafPixFmt: string | null;
  /** The frame rate both inputs were read at (`-r` before `-i`), as "N/D". */
  frameRate: string | null;
  /**
   * Per-leg frame-rate handling: index (forced CFR with -r), convert (fps filter), timestamps, or
   * matched: the frames paired by their pictures (`frameMatch`).
   */
  referenceTiming: 'index' | 'convert' | 'timestamps';
  distortedTiming: 'index' | 'convert' | 'timestamps' | 'matched';
  /**
   * The picture match scored on (distortedTiming `matched`): `frameNumbers` are then reference
   * frames, each compared with the distorted frame frameMatch.ts pairs it with. Null otherwise.
   */
  frameMatch?: FrameMatch | null;
  /**
   * The part of each picture compared when black bars were cropped away (a crop fix), in its own
   * pixels; `width`/`height` are then the size the pictures were compared at. Null otherwise.
   */
  crop?: { distorted: PictureBox | null; reference: PictureBox | null } | null;
  /**
   * The distorted picture moved back by this much (shift-distorted), in compared pixels: the
   * pictures were compared where they overlap. Null otherwise.
   */
  shift?: { x: number; y: number } | null;
  /** First frame scored (index in the reference at `frameRate`). */
  startFrame: number;
  /** Frames compared (before subsampling), or null when it runs to the end. */
  frames: number | null;
  subsample: number;
  /** Colour range conversion of the distorted video, when chosen. */
  rangeConversion: { from: string; to: string } | null;
  /** Colour matrix conversion of the distorted video, when chosen. */
  matrixConversion: { from: string; to: string } | null;
}

/** A note attached to a result: a workaround applied, a metric skipped, a count that differs. */
export interface ScoreWarning {
  id: string;
  message: string;
  /** The issue or source that documents the reason, when there is one. */
  reference?: string;
}

/** A requested metric that could not be computed, and why. */
export interface UnavailableMetric {
  metric: ScoreMetric;
  reason: string;
  /** What to do about it (the doctor's advice). */
  hint?: string;
}

/** The ffmpeg build that scored. */
export interface ScoreBuild {
  path: string;
  version: string | null;
  /** libvmaf filter API (1 = model_path, 2 = model=), null without libvmaf. */
  libvmafApi: 1 | 2 | null;
  /** libvmaf version from its log, when it wrote one. */
  libvmafVersion: string | null;
}

/** Scores of one distorted video against the reference. */
export interface DistortedScore {
  /** Path of the distorted video. */
  distorted: string;
  /** Frames scored (after subsampling). */
  frames: number;
  /** Index of each scored frame (0 = first frame after `startFrame`). */
  frameNumbers: number[];
  /** Per-frame values of each computed series, aligned with `frameNumbers`. */
  perFrame: Partial<Record<ScoreSeries, number[]>>;
  /** Pooled statistics of each computed series. */
  metrics: Partial<Record<ScoreSeries, PooledStats>>;
  /** libvmaf's elementary features per frame (adm2, motion2, vif_scale0…), as it logged them. */
  libvmafFeatures: Record<string, number[]>;
  warnings: ScoreWarning[];
  unavailable: UnavailableMetric[];
  /** Pre-flight findings of this pair and the fixes applied to it. */
  preflight: PreflightFinding[];
  fixes: FixId[];
  alignment: Alignment;
  model: ModelUsed | null;
  /** The exact command (shared by every distorted video of the run). */
  command: string[];
  ffmpeg: ScoreBuild;
}

/** The result of one scoring run: one reference, one or more distorted videos, one process. */
export interface ScoreRunResult {
  reference: string;
  results: DistortedScore[];
  command: string[];
  ffmpeg: ScoreBuild;
  model: ModelUsed | null;
  startedAt: string;
  durationMs: number;
}

/** Progress of a running score. */
export interface ScoreProgress {
  /** 0..1, or null when unknown. 1 only after ffmpeg exited 0. */
  fraction: number | null;
  fps: number | null;
  speed: number | null;
}
