/**
 * What the VMAF v1 models need (the `vmaf_v1.0.16_*` built-ins of libvmaf 3.2.0): their score
 * range and display, from Netflix/vmaf resource/doc/models_v1.md and the model files
 * (model/vmaf_v1.0.16*), and the smallest picture each runs on, measured on libvmaf 3.2.0.
 * Pure: the planner asks before ffmpeg runs, so a request libvmaf would crash on is refused with
 * the reason and a size that works.
 *
 * Why there is a smallest picture. Every v1 model computes CAMBI, and libvmaf 3.2.0 refuses CAMBI
 * when both sides are below 216 pixels (cambi.c `CAMBI_MIN_WIDTH_HEIGHT`): the run then ends with
 * exit 0 and no log ("problem getting pooled vmaf score"); CAMBI's window must also fit very wide
 * or tall pictures (cambiSize.ts). Every v1 model also computes SpEED on the chroma planes
 * (speed_chroma_uv): each plane is shrunk by the model's `speed_prescale` and then 16 times, and
 * needs a 5×5 block left (speed.c `speed_init_dimensions`: "SpEED: image too small"); libvmaf
 * 3.2.0's `init_chroma` ignores that error and ffmpeg dies of SIGSEGV
 * (https://github.com/Netflix/vmaf/blob/v3.2.0/libvmaf/src/feature/speed.c, `init_chroma`).
 * Measured with FFmpeg 7.1.5 + libvmaf 3.2.0 by bisection on each side, for 4:2:0, 4:2:2, 4:4:4
 * and 8/10 bits (score.v1.test.ts checks the edges): 4:2:0 needs 160 (3d0h, 1d5h_2160), 266
 * (5d0h, prescale 0.6) or 318 (3d0h_2160, prescale 0.5) pixels on both sides; the `_hfr_` twins
 * the same.
 */
import { bitDepthOf, chromaOf } from '../../../shared/pixfmt';
import { isVmafV1Model, VMAF_V1_MODELS, type ScoreWarning } from '../../../shared/score';
import { CAMBI_MIN_SIZE, cambiSizeProblem } from './cambiSize';

/** One of the VMAF v1 built-in model names. */
export type VmafV1Model = (typeof VMAF_V1_MODELS)[number];

/** The libvmaf release that built the v1 models in (Netflix/vmaf tag v3.2.0, 2026-06). */
export const V1_MIN_LIBVMAF: readonly [number, number] = [3, 2];

/** `cambi_high_res_speedup` of every v1 model file (CAMBI works at half size from 1080p on). */
export const V1_CAMBI_HIGH_RES_SPEEDUP = 1080;

/** SpEED needs 5 pixels after four halvings: 80 pixels of a prescaled chroma plane. */
const SPEED_MIN_PLANE = 80;

/** Frame rate from which the `_hfr_` models fit ("calibrated for the ~50/60 fps regime"). */
export const HFR_MIN_FPS = 40;

/** What one v1 model is for, from its model file and models_v1.md. */
export interface VmafV1Facts {
  /** Display the model is calibrated for: 1080p or 2160p. */
  displayHeight: 1080 | 2160;
  /** Viewing distance in display heights (3, 5 or 1.5). */
  viewingDistance: number;
  /** True for the `_hfr_` variants (about 50/60 fps content). */
  hfr: boolean;
  /** Top of the score range (`score_clip`): 110 for the 4K-at-3H models, 100 for the others. */
  maxScore: 100 | 110;
  /** The chroma SpEED feature's `speed_prescale` (1 = none). */
  chromaPrescale: number;
}

/** Facts of the four base models; each `_hfr_` twin has the same ones and `hfr: true`. */
const BASE: Readonly<Record<string, Omit<VmafV1Facts, 'hfr'>>> = {
  '3d0h': { displayHeight: 1080, viewingDistance: 3, maxScore: 100, chromaPrescale: 1 },
  '5d0h': { displayHeight: 1080, viewingDistance: 5, maxScore: 100, chromaPrescale: 0.6 },
  '3d0h_2160': { displayHeight: 2160, viewingDistance: 3, maxScore: 110, chromaPrescale: 0.5 },
  '1d5h_2160': { displayHeight: 2160, viewingDistance: 1.5, maxScore: 100, chromaPrescale: 1 },
};

/** True for one of {@link VMAF_V1_MODELS}. */
export { isVmafV1Model };

/** The facts of a v1 model by name, or null for any other name. */
export function vmafV1Facts(name: string): VmafV1Facts | null {
  if (!isVmafV1Model(name)) return null;
  const hfr = name.includes('_hfr_');
  const base = BASE[name.replace(/^vmaf_v1\.0\.16_(hfr_)?/, '')];
  return base ? { ...base, hfr } : null;
}

/** The twin of a v1 model for the other frame-rate regime (`_hfr_` added or removed). */
export function hfrTwin(name: VmafV1Model): VmafV1Model {
  return (
    name.includes('_hfr_') ? name.replace('_hfr_', '_') : name.replace('v1.0.16_', 'v1.0.16_hfr_')
  ) as VmafV1Model;
}

/** The smallest picture a v1 model runs on: both sides at least width/height, one ≥ longerSide. */
export interface V1MinimumSize {
  width: number;
  height: number;
  longerSide: number;
}

/**
 * The smallest picture `name` runs on in libvmaf 3.2.0 at the chroma layout of `pixFmt` (the
 * format libvmaf sees), or null for a name that is not a v1 model. Bit depth does not matter.
 */
export function v1MinimumSize(name: string, pixFmt: string): V1MinimumSize | null {
  const facts = vmafV1Facts(name);
  if (!facts) return null;
  const chroma = chromaOf(pixFmt) ?? '4:2:0';
  const across = chroma === '4:4:4' ? 1 : 2;
  const down = chroma === '4:2:0' ? 2 : 1;
  return {
    width: smallestSide(across, facts.chromaPrescale),
    height: smallestSide(down, facts.chromaPrescale),
    longerSide: CAMBI_MIN_SIZE,
  };
}

/** The smallest side whose chroma plane (side / sub, floored) keeps 80 pixels after prescaling. */
function smallestSide(sub: number, prescale: number): number {
  // speed.c: scaled = (int)(plane * prescale + 0.5), then scaled >> 4 must hold a 5-pixel block.
  for (let side = 1; ; side++) {
    const plane = Math.floor(side / sub);
    if (Math.floor(plane * prescale + 0.5) >= SPEED_MIN_PLANE) return side;
  }
}

/** True when a picture of `size` is at least `min`. */
export function fitsV1MinimumSize(
  size: { width: number; height: number },
  min: V1MinimumSize,
): boolean {
  return (
    size.width >= min.width &&
    size.height >= min.height &&
    Math.max(size.width, size.height) >= min.longerSide
  );
}

/**
 * The smallest even size with the aspect ratio of `size` that fits `min`: what to suggest for
 * `--scale` when the videos are compared at a size the model cannot run on.
 */
export function v1SizeThatFits(
  size: { width: number; height: number },
  min: V1MinimumSize,
): { width: number; height: number } {
  const factor = Math.max(
    1,
    min.width / size.width,
    min.height / size.height,
    min.longerSide / Math.max(size.width, size.height),
  );
  const even = (x: number): number => 2 * Math.ceil((x * factor) / 2 - 1e-9);
  return { width: even(size.width), height: even(size.height) };
}

/**
 * A note when the content's frame rate is in the other model's regime: the `_hfr_` variants are
 * calibrated for about 50/60 fps and the others for 24/30 fps (models_v1.md, "High-frame-rate
 * (HFR) content"). Null when they fit, the rate is unknown or the model is not v1.
 */
export function v1FrameRateNote(name: string, fps: number | null): ScoreWarning | null {
  const facts = vmafV1Facts(name);
  if (!facts || fps === null || !Number.isFinite(fps) || fps <= 0) return null;
  const high = fps >= HFR_MIN_FPS;
  if (high === facts.hfr) return null;
  const twin = hfrTwin(name as VmafV1Model);
  const rate = Math.round(fps * 100) / 100;
  return {
    id: 'vmaf-v1-frame-rate',
    message: facts.hfr
      ? `${name} is calibrated for high-frame-rate content (about 50/60 fps), but the reference ` +
        `is ${rate} fps; ${twin} is the model for 24/30 fps content.`
      : `The reference is ${rate} fps, high-frame-rate content; ${twin} is the VMAF v1 model ` +
        `calibrated for it (about 50/60 fps), ${name} for 24/30 fps.`,
    reference: 'https://github.com/Netflix/vmaf/blob/master/resource/doc/models_v1.md',
  };
}

/** How libvmaf should see one pair for a v1 model (models_v1.md). */
export interface V1PairSetup {
  /** Format the VMAF leg is scaled INTO (scaled in 10 bits, not converted after an 8-bit scale). */
  vmafPixFmt: string;
  /** Entries for the pair's libvmaf model dict, e.g. `cambi.enc_width=1280`; may be empty. */
  modelOptions: string[];
  /**
   * Options of the CAMBI metric (`feature=name=cambi`) in the same libvmaf: the bit depth of the
   * compared format when libvmaf sees more bits, so that a pair compared at its own size gets the
   * same CAMBI whatever the model (measured: exactly equal). A rendition SCALED UP for the
   * comparison does not: with a v1 model CAMBI sees the 10-bit upscale (Netflix's recipe), with
   * the others the 8-bit one, which adds contours of its own (measured: 0.67 against 1.30 for a
   * 320x180 rendition of a 640x360 reference). The result's note says which; may be empty.
   */
  cambiOptions: string[];
}

/**
 * Netflix's recipe for a v1 model (models_v1.md): measure at 10 bits, and tell CAMBI the size
 * and bit depth the distorted video was encoded at when it is shown larger or deeper. `compared`
 * is the size and format both videos are compared at; `encoded` the distorted video as encoded.
 * Null for a model that is not v1.
 *
 * Measured on libvmaf 3.2.0: an 8-bit pair compared at its own size scores the same either way
 * (10 bits with `cambi.enc_bitdepth=8` equals 8 bits exactly), so only renditions scaled up for
 * the comparison score differently (about +0.5 VMAF on a 320x180 rendition shown at 640x360).
 * CAMBI works at the encode size it is told (cambi.c sizes its window from it), so an encode size
 * is left out when CAMBI would refuse it (both sides below 216, one larger than compared while the
 * other is smaller) or its window would not fit it (cambiSize.ts).
 */
export function v1PairSetup(
  name: string,
  compared: { width: number; height: number; pixFmt: string },
  encoded: { width: number; height: number; bitDepth: number },
): V1PairSetup | null {
  if (!isVmafV1Model(name)) return null;
  const depth = bitDepthOf(compared.pixFmt);
  const vmafPixFmt = depth >= 10 ? compared.pixFmt : tenBitTwin(compared.pixFmt);
  const modelOptions: string[] = [];
  const smaller =
    encoded.width <= compared.width &&
    encoded.height <= compared.height &&
    (encoded.width < compared.width || encoded.height < compared.height);
  if (
    smaller &&
    cambiSizeProblem(encoded.width, encoded.height, V1_CAMBI_HIGH_RES_SPEEDUP) === null
  ) {
    modelOptions.push(`cambi.enc_width=${encoded.width}`, `cambi.enc_height=${encoded.height}`);
  }
  if (encoded.bitDepth < Math.max(depth, 10)) {
    modelOptions.push(`cambi.enc_bitdepth=${encoded.bitDepth}`);
  }
  const cambiOptions = depth < 10 ? [`enc_bitdepth=${depth}`] : [];
  return { vmafPixFmt, modelOptions, cambiOptions };
}

/**
 * A note for the result of a pair scored with the v1 recipe: what libvmaf saw and what CAMBI was
 * told, in words. `computed` says which other libvmaf metrics saw the same 10-bit frames.
 */
export function v1RecipeNote(
  name: string,
  setup: V1PairSetup,
  encoded: { width: number; height: number; bitDepth: number },
  computed: { msSsim: boolean; cambi: boolean },
): ScoreWarning {
  const told: string[] = [];
  if (setup.modelOptions.some((o) => o.startsWith('cambi.enc_width='))) {
    told.push(`the encode size ${encoded.width}x${encoded.height}`);
  }
  if (setup.modelOptions.some((o) => o.startsWith('cambi.enc_bitdepth='))) {
    told.push(`its bit depth (${encoded.bitDepth})`);
  }
  const also = [computed.msSsim ? 'MS-SSIM' : null, computed.cambi ? 'CAMBI' : null].filter(
    (m): m is string => m !== null,
  );
  const depth = /^enc_bitdepth=(\d+)$/.exec(setup.cambiOptions[0] ?? '')?.[1];
  return {
    id: 'vmaf-v1-recipe',
    message:
      `VMAF v1 (${name}) was measured at 10 bits (${setup.vmafPixFmt}, each video scaled ` +
      'straight into it) as Netflix recommends' +
      (told.length > 0 ? `; its CAMBI was told ${told.join(' and ')}.` : '.') +
      (also.length > 0
        ? ` ${also.join(' and ')} came from the same 10-bit frames` +
          (computed.cambi && depth ? ` (CAMBI told they hold ${depth}-bit video).` : '.')
        : ''),
    reference: 'https://github.com/Netflix/vmaf/blob/master/resource/doc/models_v1.md',
  };
}

/**
 * The 10-bit format with the same chroma layout. ffmpeg's swscale converts limited-range 8-bit
 * samples to 10 bits as `x << 2`, and full-range luma as `x << 2 | x >> 6` (measured on FFmpeg
 * 7.1.5), either way without loss.
 */
function tenBitTwin(pixFmt: string): string {
  return `${pixFmt.replace(/p(\d{2})(le|be)$/, 'p')}10le`;
}
