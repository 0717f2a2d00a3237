/**
 * The geometry of the rate–quality chart as pure functions: the axis domains, linear and
 * logarithmic scales, ticks (1-2-5 per decade on a log axis, labelled with the app's one bit-rate
 * text, shared/format.ts) and the nearest point to the pointer. The SVG component only draws what
 * these say.
 */
import { formatBitsPerSecond } from '../../../../shared/format';

/** How the bit-rate axis is scaled. */
export type AxisKind = 'linear' | 'log';

/** A value range [lo, hi] with lo < hi. */
export type Domain = readonly [number, number];

/** A mapping from values to pixels and back. */
export interface Scale {
  kind: AxisKind;
  domain: Domain;
  /** Pixel range [start, end]; end may be below start (a y axis grows upwards). */
  range: readonly [number, number];
  toPx(value: number): number;
  fromPx(px: number): number;
}

/** One tick of an axis: where, and what it says. */
export interface Tick {
  value: number;
  label: string;
}

/** Up to three significant digits, no trailing zeros: 2.30 → "2.3", 150 → "150". */
function sig3(v: number): string {
  if (v === 0) return '0';
  const digits = Math.max(0, 2 - Math.floor(Math.log10(Math.abs(v))));
  return String(Number(v.toFixed(Math.min(digits, 6))));
}

/** A scale from `domain` onto the pixels `range`. The log scale needs a positive domain. */
export function makeScale(kind: AxisKind, domain: Domain, range: readonly [number, number]): Scale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const f = kind === 'log' ? Math.log10 : (v: number) => v;
  const fInv = kind === 'log' ? (v: number) => 10 ** v : (v: number) => v;
  const a = f(d0);
  const b = f(d1);
  const span = b - a || 1;
  return {
    kind,
    domain,
    range,
    toPx: (v) => r0 + ((f(v) - a) / span) * (r1 - r0),
    fromPx: (px) => fInv(a + ((px - r0) / (r1 - r0 || 1)) * span),
  };
}

/** A "nice" step (1, 2 or 5 × 10^k) that cuts `span` into about `count` parts. */
export function niceStep(span: number, count: number): number {
  if (!(span > 0) || count < 1) return 1;
  const raw = span / count;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const m = raw / pow;
  const nice = m < 1.5 ? 1 : m < 3 ? 2 : m < 7 ? 5 : 10;
  return nice * pow;
}

/** Ticks of a linear axis at a nice step inside the domain; `format` writes each label. */
export function linearTicks(
  domain: Domain,
  count: number,
  format: (v: number) => string = sig3,
): Tick[] {
  const [lo, hi] = domain;
  const step = niceStep(hi - lo, count);
  const out: Tick[] = [];
  const first = Math.ceil(lo / step - 1e-9);
  for (let i = first; i * step <= hi + step * 1e-9; i++) {
    // Rounded through toPrecision so 0.1 × 3 is 0.3, not 0.30000000000000004.
    const value = Number((i * step).toPrecision(12));
    out.push({ value, label: format(value) });
    if (out.length > 50) break;
  }
  return out;
}

/**
 * Ticks of a log axis: 1, 2 and 5 of every decade inside the domain. A domain narrower than that
 * gives (1…9) × 10^k instead; one spanning many decades keeps only the powers of ten.
 */
export function logTicks(
  domain: Domain,
  format: (v: number) => string = formatBitsPerSecond,
): Tick[] {
  const [lo, hi] = domain;
  if (!(lo > 0) || !(hi > lo)) return [];
  const pick = (mantissas: readonly number[]): number[] => {
    const out: number[] = [];
    for (let k = Math.floor(Math.log10(lo)); k <= Math.ceil(Math.log10(hi)); k++) {
      for (const m of mantissas) {
        const v = Number((m * 10 ** k).toPrecision(12));
        if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) out.push(v);
      }
    }
    return out;
  };
  let values = pick([1, 2, 5]);
  if (values.length < 3) values = pick([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  else if (values.length > 12) values = pick([1]);
  return values.map((value) => ({ value, label: format(value) }));
}

/**
 * The bit-rate domain that shows every value with a margin: on a log axis a factor of 1.15 each
 * side; on a linear axis from 0 (rates are compared with the origin) to 5 % past the highest.
 */
export function bitrateDomain(values: readonly number[], kind: AxisKind): Domain {
  const finite = values.filter((v) => Number.isFinite(v) && v > 0);
  if (finite.length === 0) return kind === 'log' ? [1e5, 1e7] : [0, 1e7];
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  if (kind === 'log') {
    const a = lo / 1.15;
    const b = hi * 1.15;
    return b / a < 2 ? [Math.sqrt(a * b) / Math.SQRT2, Math.sqrt(a * b) * Math.SQRT2] : [a, b];
  }
  return [0, hi * 1.05];
}

/**
 * The quality domain: the values with 5 % of their spread as margin (at least `minSpan` wide),
 * rounded outwards to a nice step and kept inside `bounds` (VMAF 0–100, SSIM ≤ 1).
 */
export function qualityDomain(
  values: readonly number[],
  bounds: { floor?: number; ceiling?: number } = {},
  minSpan = 1,
): Domain {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return [bounds.floor ?? 0, bounds.ceiling ?? 100];
  let lo = Math.min(...finite);
  let hi = Math.max(...finite);
  const pad = Math.max((hi - lo) * 0.05, (minSpan - (hi - lo)) / 2, 0);
  lo -= pad;
  hi += pad;
  const step = niceStep(hi - lo, 5);
  lo = Math.floor(lo / step) * step;
  hi = Math.ceil(hi / step) * step;
  if (bounds.floor !== undefined) lo = Math.max(bounds.floor, lo);
  if (bounds.ceiling !== undefined) hi = Math.min(bounds.ceiling, hi);
  if (!(hi > lo)) hi = lo + minSpan;
  return [lo, hi];
}

/** A point on screen. */
export interface ScreenPoint {
  x: number;
  y: number;
}

/**
 * The index of the point nearest to (x, y) within `maxDistance` pixels, or null when none is that
 * close. Ties keep the first (points drawn later sit on top, so callers pass them in draw order
 * reversed when the top one should win).
 */
export function nearestPoint(
  points: readonly ScreenPoint[],
  x: number,
  y: number,
  maxDistance: number,
): number | null {
  let best: number | null = null;
  let bestD2 = maxDistance * maxDistance;
  points.forEach((p, i) => {
    const d2 = (p.x - x) ** 2 + (p.y - y) ** 2;
    if (d2 <= bestD2 && (best === null || d2 < bestD2)) {
      best = i;
      bestD2 = d2;
    }
  });
  return best;
}

/** The text of a crossover guide: "720p → 1080p at 2,300 kb/s". */
export function crossoverText(c: { bitrate: number; from: string; to: string }): string {
  return `${c.from} → ${c.to} at ${formatBitsPerSecond(c.bitrate)}`;
}

/** The SVG path ("M x y L x y …") through points in order; '' for none. */
export function polylinePath(points: readonly ScreenPoint[]): string {
  return points
    .map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x.toFixed(1)} ${p.y.toFixed(1)}`)
    .join(' ');
}
