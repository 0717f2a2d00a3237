/**
 * Encoding ladders: a named list of rungs, each one rendition of a source (size × encoder × rate
 * control). The zod schemas validate ladder files, the API and the editor alike.
 */
import { z } from 'zod';

/** The presets x264 and x265 share, fastest first. */
const X26X_PRESETS = [
  'ultrafast',
  'superfast',
  'veryfast',
  'faster',
  'fast',
  'medium',
  'slow',
  'slower',
  'veryslow',
  'placebo',
] as const;

/**
 * Software encoders the presets use, with what each supports. `hdr`: it carries HDR here (10-bit,
 * BT.2020 and PQ/HLG colour tags that players honour); H.264 HDR is not what players expect.
 */
export const ENCODERS = {
  libx264: {
    label: 'x264 (H.264/AVC)',
    codec: 'h264',
    presets: X26X_PRESETS,
    defaultPreset: 'medium',
    crf: { min: 0, max: 51, default: 23 },
    twoPass: true,
    cbr: true,
    tenBit: true,
    hdr: false,
    containers: ['mp4', 'mkv'],
  },
  libx265: {
    label: 'x265 (H.265/HEVC)',
    codec: 'hevc',
    presets: X26X_PRESETS,
    defaultPreset: 'medium',
    crf: { min: 0, max: 51, default: 28 },
    twoPass: true,
    cbr: false,
    tenBit: true,
    hdr: true,
    containers: ['mp4', 'mkv'],
  },
  libsvtav1: {
    label: 'SVT-AV1 (AV1)',
    codec: 'av1',
    presets: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12', '13'],
    defaultPreset: '8',
    crf: { min: 1, max: 63, default: 35 },
    twoPass: false,
    cbr: false,
    tenBit: true,
    hdr: true,
    containers: ['mp4', 'mkv', 'webm'],
  },
  'libaom-av1': {
    label: 'libaom (AV1)',
    codec: 'av1',
    presets: ['0', '1', '2', '3', '4', '5', '6', '7', '8'],
    defaultPreset: '6',
    crf: { min: 0, max: 63, default: 32 },
    twoPass: true,
    cbr: true,
    tenBit: true,
    hdr: true,
    containers: ['mp4', 'mkv', 'webm'],
  },
  'libvpx-vp9': {
    label: 'libvpx (VP9)',
    codec: 'vp9',
    presets: ['0', '1', '2', '3', '4', '5', '6', '7', '8'],
    defaultPreset: '4',
    crf: { min: 0, max: 63, default: 32 },
    twoPass: true,
    cbr: true,
    tenBit: true,
    hdr: true,
    containers: ['webm', 'mkv', 'mp4'],
  },
} as const;

/** A software encoder VQ Studio knows how to drive. */
export type SoftwareEncoder = keyof typeof ENCODERS;

/** Hardware encoders are used when the toolchain finds them; only bitrate modes apply to them. */
export const HARDWARE_ENCODERS = [
  'h264_nvenc',
  'hevc_nvenc',
  'av1_nvenc',
  'h264_qsv',
  'hevc_qsv',
  'h264_vaapi',
  'hevc_vaapi',
  'h264_videotoolbox',
  'hevc_videotoolbox',
] as const;

/** Any encoder a rung may name. */
export const EncoderSchema = z.enum([
  ...(Object.keys(ENCODERS) as SoftwareEncoder[]),
  ...HARDWARE_ENCODERS,
]);

/** An encoder name. */
export type Encoder = z.infer<typeof EncoderSchema>;

/** True for the encoders in {@link ENCODERS}. */
export function isSoftwareEncoder(e: string): e is SoftwareEncoder {
  return Object.prototype.hasOwnProperty.call(ENCODERS, e);
}

const Kbps = z.number().positive().max(1_000_000);

/** Rate control: constant quality (optionally capped), average bitrate (1 or 2 pass), or CBR. */
export const RateControlSchema = z.discriminatedUnion('mode', [
  z
    .object({
      mode: z.literal('crf'),
      crf: z.number().min(0).max(63),
      /** With maxrate (and bufsize) this is capped CRF. */
      maxrateKbps: Kbps.optional(),
      bufsizeKbps: Kbps.optional(),
    })
    .strict(),
  z
    .object({
      mode: z.literal('abr'),
      bitrateKbps: Kbps,
      maxrateKbps: Kbps.optional(),
      bufsizeKbps: Kbps.optional(),
      twoPass: z.boolean().optional(),
    })
    .strict(),
  z
    .object({
      mode: z.literal('cbr'),
      bitrateKbps: Kbps,
      bufsizeKbps: Kbps.optional(),
    })
    .strict(),
]);

/** Rate control settings of a rung. */
export type RateControl = z.infer<typeof RateControlSchema>;

/** Audio in the rendition. */
export const AudioSchema = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('none') }).strict(),
  z.object({ mode: z.literal('copy') }).strict(),
  z.object({ mode: z.literal('aac'), bitrateKbps: z.number().int().min(16).max(512) }).strict(),
]);

/** One rendition of the ladder. */
export const RungSchema = z
  .object({
    /** Unique within the ladder; used in file names: letters, digits, `-`, `_`. */
    id: z
      .string()
      .min(1)
      .max(48)
      .regex(/^[A-Za-z0-9_-]+$/, 'use letters, digits, - and _ only'),
    /** Output width; null derives it from height and the source's display aspect. */
    width: z.number().int().min(16).max(8192).nullable(),
    /** Output height; null derives it from width. */
    height: z.number().int().min(16).max(8192).nullable(),
    encoder: EncoderSchema,
    rateControl: RateControlSchema,
    /** Encoder preset (x264/x265 names, SVT-AV1 0–13, libaom/VP9 cpu-used); null = encoder default. */
    preset: z.string().max(16).nullable(),
    /** Keyframe interval in seconds (keyint = fps × seconds); null = encoder default. */
    gopSeconds: z.number().positive().max(60).nullable(),
    /** Fixed GOP: no extra keyframes at scene cuts, and closed GOPs (what segmented streaming wants). */
    fixedGop: z.boolean(),
    pixFmt: z.enum(['yuv420p', 'yuv420p10le']),
    /** Frame-rate cap, e.g. 30: a 60 fps source is halved; null keeps the source rate. */
    fpsCap: z.number().positive().max(240).nullable(),
    audio: AudioSchema,
    container: z.enum(['mp4', 'mkv', 'webm']),
  })
  .strict()
  .superRefine((r, ctx) => {
    if (r.width === null && r.height === null) {
      ctx.addIssue({
        code: 'custom',
        path: ['height'],
        message: 'give a width, a height, or both',
      });
    }
    for (const key of ['width', 'height'] as const) {
      const v = r[key];
      if (v !== null && v % 2 !== 0)
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `${key} must be even for 4:2:0 video`,
        });
    }
    const info = isSoftwareEncoder(r.encoder) ? ENCODERS[r.encoder] : null;
    if (info) {
      if (!(info.containers as readonly string[]).includes(r.container)) {
        ctx.addIssue({
          code: 'custom',
          path: ['container'],
          message: `${info.label} cannot go in ${r.container}; use ${info.containers.join(' or ')}`,
        });
      }
      if (r.preset !== null && !(info.presets as readonly string[]).includes(r.preset)) {
        ctx.addIssue({
          code: 'custom',
          path: ['preset'],
          message: `${info.label} presets are ${info.presets.join(', ')}`,
        });
      }
      const rc = r.rateControl;
      if (rc.mode === 'crf' && (rc.crf < info.crf.min || rc.crf > info.crf.max)) {
        ctx.addIssue({
          code: 'custom',
          path: ['rateControl', 'crf'],
          message: `${info.label} CRF runs from ${info.crf.min} to ${info.crf.max}`,
        });
      }
      if (rc.mode === 'abr' && rc.twoPass && !info.twoPass) {
        ctx.addIssue({
          code: 'custom',
          path: ['rateControl', 'twoPass'],
          message: `${info.label} has no two-pass mode here`,
        });
      }
      if (rc.mode === 'cbr' && !info.cbr) {
        ctx.addIssue({
          code: 'custom',
          path: ['rateControl', 'mode'],
          message: `${info.label} has no CBR mode; use abr with maxrate and bufsize`,
        });
      }
      if (rc.mode === 'crf' && rc.maxrateKbps !== undefined && r.encoder === 'libsvtav1') {
        ctx.addIssue({
          code: 'custom',
          path: ['rateControl', 'maxrateKbps'],
          message:
            'capped CRF needs a newer SVT-AV1 than ffmpeg 5.1 has; use x264, x265, VP9 or libaom',
        });
      }
    } else if (r.rateControl.mode === 'crf') {
      ctx.addIssue({
        code: 'custom',
        path: ['rateControl', 'mode'],
        message: 'hardware encoders take abr or cbr here',
      });
    }
    const rc = r.rateControl;
    if (
      (rc.mode === 'crf' || rc.mode === 'abr') &&
      rc.bufsizeKbps !== undefined &&
      rc.maxrateKbps === undefined
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['rateControl', 'maxrateKbps'],
        message: 'bufsize needs a maxrate',
      });
    }
    if (rc.mode === 'abr' && rc.maxrateKbps !== undefined && rc.maxrateKbps < rc.bitrateKbps) {
      ctx.addIssue({
        code: 'custom',
        path: ['rateControl', 'maxrateKbps'],
        message: 'maxrate must be at least the bitrate',
      });
    }
    if (r.container === 'webm' && r.audio.mode === 'aac') {
      ctx.addIssue({
        code: 'custom',
        path: ['audio'],
        message: 'WebM cannot carry AAC; use mkv/mp4 or no audio',
      });
    }
  });

/** One rendition's settings. */
export type Rung = z.infer<typeof RungSchema>;

/**
 * What a ladder does with an HDR (PQ or HLG) source: keep it HDR (10-bit, BT.2020, the source's
 * transfer; needs an encoder that carries HDR) or tone-map it to SDR BT.709. Never flattened
 * silently: absent means keep.
 */
export const HdrHandlingSchema = z.enum(['keep', 'tonemap']);

/** A {@link HdrHandlingSchema} value. */
export type HdrHandling = z.infer<typeof HdrHandlingSchema>;

/** A named ladder. */
export const LadderSchema = z
  .object({
    id: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and - only'),
    name: z.string().min(1).max(120),
    description: z.string().max(2000).optional(),
    rungs: z.array(RungSchema).min(1, 'a ladder needs at least one rung').max(200),
    /** HDR sources: keep HDR (default) or tone-map to SDR; an encode may choose for its batch. */
    hdr: HdrHandlingSchema.optional(),
  })
  .strict()
  .superRefine((l, ctx) => {
    const seen = new Set<string>();
    l.rungs.forEach((r, i) => {
      if (seen.has(r.id))
        ctx.addIssue({
          code: 'custom',
          path: ['rungs', i, 'id'],
          message: `rung id "${r.id}" is used twice`,
        });
      seen.add(r.id);
    });
  });

/** A ladder: a name and its rungs. */
export type Ladder = z.infer<typeof LadderSchema>;

/** A ladder as listed: built-in presets are read-only. */
export interface LadderEntry {
  ladder: Ladder;
  builtIn: boolean;
  /** Where the numbers come from (presets). */
  source?: string;
}

/** Validation messages for a ladder, one line each ("rungs.2.height: height must be even …"). */
export function ladderProblems(input: unknown): string[] {
  const r = LadderSchema.safeParse(input);
  if (r.success) return [];
  return r.error.issues.map((i) => `${i.path.join('.')}${i.path.length ? ': ' : ''}${i.message}`);
}
