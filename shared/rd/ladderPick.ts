/**
 * Per-title ladder picking from a convex hull (../shared/reference/methods.md §1.3), and the picks
 * as a ladder in the app's format (shared/ladder.ts).
 *
 * The rules, every number an option:
 * 1. Top rung: the first hull point (lowest bitrate) whose quality reaches `targetQuality`; when no
 *    point reaches it, the highest hull point.
 * 2. Walking down from rung k at rate R_k, rung k+1 lies in [R_k / maxStepRatio, R_k / minStepRatio]
 *    (Apple TN2224: adjacent rates 1.5–2× apart), and as low as the rules allow so few rungs cover
 *    the range: the lowest rate in that window whose quality is at most `maxQualityGap` (one JND =
 *    6 VMAF) below rung k, never below `floorBitrate` nor below the lowest hull point (no
 *    extrapolation).
 * 3. When even the smallest step (R_k / minStepRatio) drops more than one JND, the step ratio wins
 *    (rungs closer than 1.5× waste bits and multiply rungs at the steep low end) and the rung's
 *    `why` says the gap is larger than asked.
 * 4. Stop at the floor, at the lowest hull point, or at `maxRungs`.
 *
 * Below the top rung the bitrate is interpolated along the hull, which is piecewise linear in
 * (rate, quality): `bitrate` and `quality` are the interpolated values, and `point` is the hull
 * point nearer in log-rate, whose resolution the rung takes.
 *
 * The figure must be one where higher is better (VMAF, PSNR, SSIM, XPSNR). A lower-is-better figure
 * such as CAMBI is never a target here: CAMBI rates one artefact (banding) of the encode alone,
 * with no reference, so a blurred rung can score 0 — a ladder picked on it would avoid
 * banding, not look like the source — and it has no target or just-noticeable step like VMAF's
 * 95 and 6. It is a check to read beside a VMAF ladder (shared/analysis.ts `ladderQualityProblem`).
 */
import { VqError } from '../errors';
import { formatBitsPerSecond } from '../format';
import { EncoderSchema, ENCODERS, isSoftwareEncoder, LadderSchema, type Ladder, type Rung } from '../ladder';
import type { HullInput } from './hull';

/** The numbers the ladder picker works with. */
export interface LadderPickOptions {
  /** Quality the top rung should reach (VMAF 95: above it bandwidth is wasted). */
  targetQuality: number;
  /** Smallest bitrate ratio between neighbouring rungs. */
  minStepRatio: number;
  /** Largest bitrate ratio between neighbouring rungs. */
  maxStepRatio: number;
  /** Largest quality drop between neighbouring rungs (6 VMAF = one JND). */
  maxQualityGap: number;
  /** No rung below this bitrate, bits/s. */
  floorBitrate: number;
  /** At most this many rungs. */
  maxRungs: number;
}

/** Defaults from methods.md §1.3: VMAF 95 top, 1.5–2× steps, one JND, 150 kb/s floor, 8 rungs. */
export const DEFAULT_LADDER_PICK: LadderPickOptions = {
  targetQuality: 95,
  minStepRatio: 1.5,
  maxStepRatio: 2,
  maxQualityGap: 6,
  floorBitrate: 150_000,
  maxRungs: 8,
};

/** One recommended rung: the hull point it stands on, its bitrate and quality, and why it was chosen. */
export interface PickedRung<P> {
  point: P;
  bitrate: number;
  quality: number;
  why: string;
}

function q(v: number): string {
  return v.toFixed(1);
}

/**
 * The options in force (defaults filled in), checked; a VqError('INVALID_ARGS') names the bad one.
 * Callers that act on the options much later (the per-title flow picks after a whole grid has
 * been encoded) call this up front so a bad option fails before any work is done.
 */
export function checkedLadderPickOptions(opts: Partial<LadderPickOptions> | undefined): LadderPickOptions {
  const o = { ...DEFAULT_LADDER_PICK, ...opts };
  const bad = (name: string, why: string): never => {
    throw new VqError('INVALID_ARGS', `Ladder option ${name} ${why}.`, 'Change the option and try again.');
  };
  if (!Number.isFinite(o.targetQuality)) bad('targetQuality', 'must be a number');
  if (!(o.minStepRatio > 1)) bad('minStepRatio', `must be above 1 (got ${o.minStepRatio})`);
  if (!(o.maxStepRatio >= o.minStepRatio)) bad('maxStepRatio', `must be at least minStepRatio ${o.minStepRatio} (got ${o.maxStepRatio})`);
  if (!(o.maxQualityGap > 0)) bad('maxQualityGap', `must be above 0 (got ${o.maxQualityGap})`);
  if (!(o.floorBitrate >= 0)) bad('floorBitrate', `must be 0 or more (got ${o.floorBitrate})`);
  if (!Number.isInteger(o.maxRungs) || o.maxRungs < 1) bad('maxRungs', `must be a whole number ≥ 1 (got ${o.maxRungs})`);
  return o;
}

/** Quality along the hull at rate r (linear between hull points; r inside the hull's range). */
function qualityAt(hull: readonly HullInput[], r: number): number {
  for (let i = 1; i < hull.length; i++) {
    const a = hull[i - 1]!;
    const b = hull[i]!;
    if (r <= b.bitrate) return a.quality + ((b.quality - a.quality) * (r - a.bitrate)) / (b.bitrate - a.bitrate);
  }
  return hull[hull.length - 1]!.quality;
}

/** Lowest rate on the hull whose quality is at least q (the lowest hull rate when all are). */
function rateFor(hull: readonly HullInput[], quality: number): number {
  if (hull[0]!.quality >= quality) return hull[0]!.bitrate;
  for (let i = 1; i < hull.length; i++) {
    const a = hull[i - 1]!;
    const b = hull[i]!;
    if (b.quality >= quality) return a.bitrate + ((b.bitrate - a.bitrate) * (quality - a.quality)) / (b.quality - a.quality);
  }
  return hull[hull.length - 1]!.bitrate;
}

/** The hull point nearest to rate r in log-rate (ties: the higher one). */
function nearestPoint<P extends HullInput>(hull: readonly P[], r: number): P {
  let best = hull[0]!;
  for (const p of hull) if (Math.abs(Math.log(p.bitrate / r)) <= Math.abs(Math.log(best.bitrate / r))) best = p;
  return best;
}

/**
 * Recommended rungs from a hull (pass {@link convexHull}'s output), top first; see the module comment
 * for the rules. An empty hull gives no rungs.
 */
export function recommendLadder<P extends HullInput>(hull: readonly P[], opts?: Partial<LadderPickOptions>): PickedRung<P>[] {
  const o = checkedLadderPickOptions(opts);
  const h = [...hull].sort((a, b) => a.bitrate - b.bitrate);
  if (h.length === 0) return [];
  const topIndex = h.findIndex((p) => p.quality >= o.targetQuality);
  const top = topIndex >= 0 ? h[topIndex]! : h[h.length - 1]!;
  const picks: PickedRung<P>[] = [
    {
      point: top,
      bitrate: top.bitrate,
      quality: top.quality,
      why:
        topIndex >= 0
          ? `top: first hull point reaching quality ${o.targetQuality} (${q(top.quality)} at ${formatBitsPerSecond(top.bitrate)})`
          : `top: quality ${o.targetQuality} is never reached; highest hull point (${q(top.quality)} at ${formatBitsPerSecond(top.bitrate)})`,
    },
  ];
  const lowest = h[0]!.bitrate;
  const minRate = Math.max(o.floorBitrate, lowest);
  while (picks.length < o.maxRungs) {
    const cur = picks[picks.length - 1]!;
    const hi = cur.bitrate / o.minStepRatio;
    if (hi < minRate) break;
    const lo = cur.bitrate / o.maxStepRatio;
    const jnd = rateFor(h, cur.quality - o.maxQualityGap);
    const r = Math.max(lo, minRate, jnd);
    const reasons: string[] = [];
    let rate = r;
    if (r > hi) {
      rate = hi;
      reasons.push(`smallest step ${o.minStepRatio}×; the quality gap exceeds ${o.maxQualityGap} here`);
    } else if (r === jnd && jnd > lo && jnd > minRate) {
      reasons.push(`quality gap ${o.maxQualityGap} limits the step to ${(cur.bitrate / r).toFixed(2)}×`);
    } else if (r === lo && lo >= minRate) {
      reasons.push(`largest step ${o.maxStepRatio}×`);
    } else if (r === o.floorBitrate && o.floorBitrate >= lowest) {
      reasons.push(`floor ${formatBitsPerSecond(o.floorBitrate)}`);
    } else {
      reasons.push('lowest hull point');
    }
    const quality = qualityAt(h, rate);
    picks.push({
      point: nearestPoint(h, rate),
      bitrate: rate,
      quality,
      why: `${reasons.join('; ')} (${q(quality)} at ${formatBitsPerSecond(rate)}, ${(cur.bitrate / rate).toFixed(2)}× and ${q(cur.quality - quality)} below the rung above)`,
    });
  }
  return picks;
}

/** How {@link ladderFromPicks} builds the ladder. */
export interface LadderFromPicksOptions {
  /** Ladder id: lower-case letters, digits and `-`. */
  id: string;
  name: string;
  /** One encoder for every rung (e.g. `libx264`). */
  encoder: string;
  /** Frame-rate cap of every rung; null keeps the source rate. */
  fps?: number | null;
  /** Encoder preset; default: the encoder's default preset. */
  preset?: string | null;
  /** Keyframe interval in seconds; default 2 (segmented streaming). */
  gopSeconds?: number | null;
  container?: Rung['container'];
  pixFmt?: Rung['pixFmt'];
  description?: string;
  /** maxrate = bitrate × this; default 1.5 (as the built-in ABR presets). */
  maxrateRatio?: number;
  /** bufsize = bitrate × this; default 2. */
  bufsizeRatio?: number;
}

/**
 * The recommendation as a ladder in the app's format (shared/ladder.ts): fixed-bitrate rungs (ABR at
 * the picked bitrate, with maxrate and bufsize), one encoder, at each pick's resolution, top first.
 * Throws VqError('INVALID_ARGS') when a pick has no resolution or the result is not a valid ladder.
 */
export function ladderFromPicks(picks: readonly PickedRung<HullInput>[], o: LadderFromPicksOptions): Ladder {
  const enc = EncoderSchema.safeParse(o.encoder);
  if (!enc.success) throw new VqError('INVALID_ARGS', `Unknown encoder "${o.encoder}".`, `Use one of ${EncoderSchema.options.join(', ')}.`);
  const encoder = enc.data;
  const info = isSoftwareEncoder(encoder) ? ENCODERS[encoder] : null;
  if (picks.length === 0) throw new VqError('INVALID_ARGS', 'No rungs were picked, so there is no ladder to make.', 'Score more renditions of the source, or lower the floor bitrate.');
  const used = new Set<string>();
  const rungs: Rung[] = picks.map((p, i) => {
    const { width, height } = p.point;
    if (width === undefined && height === undefined) {
      throw new VqError('INVALID_ARGS', `Rung ${i + 1} (${formatBitsPerSecond(p.bitrate)}) has no resolution: its hull point "${p.point.id}" carries neither width nor height.`, 'Give the points a width and height.');
    }
    const even = (v: number | undefined): number | null => (v === undefined ? null : Math.max(16, Math.round(v / 2) * 2));
    const k = Math.max(1, Math.round(p.bitrate / 1000));
    let id = `${height ?? width}${height !== undefined ? 'p' : 'w'}-${k}k`;
    for (let n = 2; used.has(id); n++) id = `${height ?? width}${height !== undefined ? 'p' : 'w'}-${k}k-${n}`;
    used.add(id);
    return {
      id,
      width: even(width),
      height: even(height),
      encoder,
      rateControl: {
        mode: 'abr',
        bitrateKbps: k,
        maxrateKbps: Math.round(k * (o.maxrateRatio ?? 1.5)),
        bufsizeKbps: Math.round(k * (o.bufsizeRatio ?? 2)),
      },
      preset: o.preset === undefined ? (info?.defaultPreset ?? null) : o.preset,
      gopSeconds: o.gopSeconds === undefined ? 2 : o.gopSeconds,
      fixedGop: true,
      pixFmt: o.pixFmt ?? 'yuv420p',
      fpsCap: o.fps ?? null,
      audio: { mode: 'none' },
      container: o.container ?? ((info?.containers[0] as Rung['container'] | undefined) ?? 'mp4'),
    };
  });
  const ladder = { id: o.id, name: o.name, ...(o.description !== undefined ? { description: o.description } : {}), rungs };
  const parsed = LadderSchema.safeParse(ladder);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new VqError('INVALID_ARGS', `The recommended ladder is not valid: ${problems}.`, 'Change the ladder id, name or encoder options.');
  }
  return parsed.data;
}
