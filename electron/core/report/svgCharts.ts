/**
 * The report's charts as inline SVG strings (no script needed to view them; each mark carries a
 * `<title>` so hovering shows its numbers). Pure.
 *
 * - {@link rdChartSvg}: quality against bitrate on a log axis, every point per encoder, the convex
 *   hull as a line, and the crossover bitrates as dashed verticals.
 * - {@link perFrameChartSvg}: one series per frame (and optionally a few more on the same axis).
 *   Long files are decimated per pixel column to the column's minimum and maximum (in the order
 *   they occur), so a dip of one frame still shows and the path has at most two points per column
 *   however many frames there are.
 */
import { formatBitsPerSecond } from '../../../shared/format';
import type { Crossover } from '../../../shared/rd';
import { coord, esc } from './html';

/** One encoder's points and hull on the RD chart. */
export interface RdSeries {
  name: string;
  color: string;
  points: { bitrate: number; quality: number; label: string }[];
  hull: { bitrate: number; quality: number }[];
  crossovers: Crossover[];
}

/** Colours for series, distinguishable in print. */
export const SERIES_COLORS = [
  '#1f5fbf',
  '#c0392b',
  '#218c4a',
  '#8e44ad',
  '#d68910',
  '#117a8b',
  '#6d4c41',
  '#555555',
];

const W = 760;
const H = 380;
const M = { left: 56, right: 16, top: 16, bottom: 44 };

/** Log-axis ticks: 1, 2, 5 × 10^k inside [lo, hi]. */
export function logTicks(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** e;
      if (v >= lo * 0.999 && v <= hi * 1.001) out.push(v);
    }
  }
  return out;
}

/** Linear-axis ticks at a round step, about `count` of them. */
export function linearTicks(lo: number, hi: number, count = 6): number[] {
  const span = hi - lo || 1;
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  // The round step whose tick count is nearest the wish.
  const step = [1, 2, 2.5, 5, 10]
    .map((m) => m * mag)
    .reduce((best, s) => (Math.abs(span / s - count) < Math.abs(span / best - count) ? s : best));
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step)
    out.push(Math.round(v / step) * step);
  return out;
}

function tickLabel(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toFixed(3)));
}

/** The RD chart of every series, or a note when there are no points. */
export function rdChartSvg(series: readonly RdSeries[], qualityLabel: string): string {
  const all = series.flatMap((s) => s.points);
  if (all.length === 0) return '<p class="muted">No scored renditions to draw.</p>';
  const rates = all.map((p) => p.bitrate);
  const quals = all.map((p) => p.quality);
  let rLo = Math.min(...rates) / 1.15;
  let rHi = Math.max(...rates) * 1.15;
  if (rHi / rLo < 4) {
    const mid = Math.sqrt(rLo * rHi);
    rLo = mid / 2;
    rHi = mid * 2;
  }
  let qLo = Math.min(...quals);
  let qHi = Math.max(...quals);
  const pad = Math.max((qHi - qLo) * 0.08, 0.5);
  qLo -= pad;
  qHi += pad;
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const x = (r: number): number =>
    M.left + ((Math.log(r) - Math.log(rLo)) / (Math.log(rHi) - Math.log(rLo))) * pw;
  const y = (q: number): number => M.top + (1 - (q - qLo) / (qHi - qLo)) * ph;
  const parts: string[] = [];
  parts.push(
    `<svg class="chart rd-chart" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(`${qualityLabel} against bitrate`)}">`,
  );
  parts.push(`<rect x="${M.left}" y="${M.top}" width="${pw}" height="${ph}" class="plot"/>`);
  for (const t of logTicks(rLo, rHi)) {
    parts.push(
      `<line class="grid" x1="${coord(x(t))}" y1="${M.top}" x2="${coord(x(t))}" y2="${M.top + ph}"/>`,
    );
    parts.push(
      `<text class="tick" x="${coord(x(t))}" y="${M.top + ph + 16}" text-anchor="middle">${esc(formatBitsPerSecond(t))}</text>`,
    );
  }
  for (const t of linearTicks(qLo, qHi)) {
    parts.push(
      `<line class="grid" x1="${M.left}" y1="${coord(y(t))}" x2="${M.left + pw}" y2="${coord(y(t))}"/>`,
    );
    parts.push(
      `<text class="tick" x="${M.left - 6}" y="${coord(y(t) + 4)}" text-anchor="end">${esc(tickLabel(t))}</text>`,
    );
  }
  parts.push(
    `<text class="axis" x="${M.left + pw / 2}" y="${H - 6}" text-anchor="middle">bitrate (log scale)</text>`,
  );
  parts.push(
    `<text class="axis" x="14" y="${M.top + ph / 2}" text-anchor="middle" transform="rotate(-90 14 ${M.top + ph / 2})">${esc(qualityLabel)}</text>`,
  );
  for (const s of series) {
    for (const c of s.crossovers) {
      const cx = coord(x(c.bitrate));
      parts.push(
        `<g class="crossover"><line x1="${cx}" y1="${M.top}" x2="${cx}" y2="${M.top + ph}" stroke="${esc(s.color)}"/>` +
          `<text x="${cx}" y="${M.top + 12}" text-anchor="middle" fill="${esc(s.color)}">${esc(`${c.from}→${c.to}`)}</text>` +
          `<title>${esc(`${s.name}: best resolution changes from ${c.from} to ${c.to} at ${formatBitsPerSecond(c.bitrate)}`)}</title></g>`,
      );
    }
  }
  for (const s of series) {
    if (s.hull.length > 1) {
      const d = s.hull
        .map((p, i) => `${i === 0 ? 'M' : 'L'}${coord(x(p.bitrate))},${coord(y(p.quality))}`)
        .join(' ');
      parts.push(
        `<path class="hull" d="${d}" stroke="${esc(s.color)}"><title>${esc(`${s.name}: convex hull`)}</title></path>`,
      );
    }
    for (const p of s.points) {
      parts.push(
        `<circle class="point" cx="${coord(x(p.bitrate))}" cy="${coord(y(p.quality))}" r="4" fill="${esc(s.color)}">` +
          `<title>${esc(`${s.name} ${p.label}: ${formatBitsPerSecond(p.bitrate)}, ${p.quality.toFixed(2)}`)}</title></circle>`,
      );
    }
  }
  const legendY = M.top + ph - 8 - 16 * (series.length - 1);
  series.forEach((s, i) => {
    const ly = legendY + i * 16;
    parts.push(
      `<g class="legend"><line x1="${M.left + pw - 150}" y1="${ly - 4}" x2="${M.left + pw - 130}" y2="${ly - 4}" stroke="${esc(s.color)}"/><circle cx="${M.left + pw - 140}" cy="${ly - 4}" r="3.5" fill="${esc(s.color)}"/><text x="${M.left + pw - 124}" y="${ly}">${esc(s.name)}</text></g>`,
    );
  });
  parts.push('</svg>');
  return parts.join('');
}

/**
 * Min/max decimation: for more than 2 × columns values, each column keeps its lowest and highest
 * value in the order they occur. Returns [index, value] pairs; non-finite values are skipped.
 */
export function decimateMinMax(
  values: readonly (number | null)[],
  columns: number,
): [number, number][] {
  const finite: [number, number][] = [];
  values.forEach((v, i) => {
    if (v !== null && Number.isFinite(v)) finite.push([i, v]);
  });
  if (values.length <= 2 * columns) return finite;
  const out: [number, number][] = [];
  let k = 0;
  for (let c = 0; c < columns; c++) {
    const end = Math.floor(((c + 1) * values.length) / columns);
    let lo: [number, number] | null = null;
    let hi: [number, number] | null = null;
    while (k < finite.length && finite[k]![0] < end) {
      const p = finite[k]!;
      if (!lo || p[1] < lo[1]) lo = p;
      if (!hi || p[1] > hi[1]) hi = p;
      k++;
    }
    if (!lo || !hi) continue;
    if (lo === hi) out.push(lo);
    else out.push(...(lo[0] < hi[0] ? [lo, hi] : [hi, lo]));
  }
  return out;
}

const FW = 760;
const FH = 150;
const FM = { left: 44, right: 12, top: 10, bottom: 26 };

/** A further line on a per-frame chart (XPSNR's chroma planes beside its luma). */
export interface FrameLine {
  label: string;
  values: readonly (number | null)[];
  color: string;
}

/**
 * A per-frame line chart of one series (frame numbers on x), with its mean as a dashed line.
 * `range` fixes the value axis (VMAF v1: 0–110) instead of fitting it to the values; `more` adds
 * lines of other series on the same axis, with a legend.
 */
export function perFrameChartSvg(o: {
  title: string;
  seriesLabel: string;
  frames: readonly number[];
  values: readonly (number | null)[];
  mean: number | null;
  color?: string;
  range?: readonly [number, number];
  more?: readonly FrameLine[];
}): string {
  const pw = FW - FM.left - FM.right;
  const ph = FH - FM.top - FM.bottom;
  const pts = decimateMinMax(o.values, Math.round(pw));
  if (pts.length === 0)
    return `<p class="muted">${esc(o.title)}: no finite ${esc(o.seriesLabel)} values.</p>`;
  const color = o.color ?? SERIES_COLORS[0]!;
  const lines = [
    { label: o.seriesLabel, values: o.values, color, pts },
    ...(o.more ?? []).map((l) => ({ ...l, pts: decimateMinMax(l.values, Math.round(pw)) })),
  ];
  const vs = pts.map((p) => p[1]);
  const vmin = Math.min(...vs);
  const vmax = Math.max(...vs);
  const all = lines.flatMap((l) => l.pts.map((p) => p[1]));
  let lo = o.range ? Math.min(o.range[0], ...all) : Math.min(...all);
  let hi = o.range ? Math.max(o.range[1], ...all) : Math.max(...all);
  if (hi - lo < 1e-9) {
    lo -= 1;
    hi += 1;
  }
  const n = Math.max(o.values.length - 1, 1);
  const x = (i: number): number => FM.left + (i / n) * pw;
  const y = (v: number): number => FM.top + (1 - (v - lo) / (hi - lo)) * ph;
  const parts: string[] = [];
  parts.push(
    `<svg class="chart frame-chart" width="${FW}" height="${FH}" viewBox="0 0 ${FW} ${FH}" role="img" aria-label="${esc(`${o.title}: ${o.seriesLabel} per frame`)}">`,
  );
  parts.push(`<rect x="${FM.left}" y="${FM.top}" width="${pw}" height="${ph}" class="plot"/>`);
  for (const t of linearTicks(lo, hi, 4)) {
    if (t < lo || t > hi) continue;
    parts.push(
      `<line class="grid" x1="${FM.left}" y1="${coord(y(t))}" x2="${FM.left + pw}" y2="${coord(y(t))}"/>`,
    );
    parts.push(
      `<text class="tick" x="${FM.left - 5}" y="${coord(y(t) + 4)}" text-anchor="end">${esc(tickLabel(t))}</text>`,
    );
  }
  const first = o.frames[0] ?? 0;
  const last = o.frames[o.frames.length - 1] ?? o.values.length - 1;
  parts.push(
    `<text class="tick" x="${FM.left}" y="${FH - 8}" text-anchor="start">frame ${esc(first)}</text>`,
  );
  parts.push(
    `<text class="tick" x="${FM.left + pw}" y="${FH - 8}" text-anchor="end">frame ${esc(last)}</text>`,
  );
  parts.push(
    `<text class="axis" x="${FM.left + pw / 2}" y="${FH - 8}" text-anchor="middle">${esc(`${o.title} — ${o.seriesLabel} per frame`)}</text>`,
  );
  if (o.mean !== null && Number.isFinite(o.mean) && o.mean >= lo && o.mean <= hi) {
    parts.push(
      `<line class="mean" x1="${FM.left}" y1="${coord(y(o.mean))}" x2="${FM.left + pw}" y2="${coord(y(o.mean))}"><title>${esc(`mean ${o.mean.toFixed(3)}`)}</title></line>`,
    );
  }
  // The main series last, so it is drawn on top of the others.
  for (const l of [...lines.slice(1), lines[0]!]) {
    if (l.pts.length === 0) continue;
    const d = l.pts
      .map(([i, v], k) => `${k === 0 ? 'M' : 'L'}${coord(x(i))},${coord(y(v))}`)
      .join(' ');
    const lv = l.pts.map((p) => p[1]);
    const facts =
      l === lines[0]
        ? `min ${vmin.toFixed(3)}, max ${vmax.toFixed(3)}`
        : `min ${Math.min(...lv).toFixed(3)}, max ${Math.max(...lv).toFixed(3)}`;
    parts.push(
      `<path class="series" d="${d}" stroke="${esc(l.color)}"><title>${esc(`${o.title}: ${l.label}, ${l.values.length} frames, ${facts}`)}</title></path>`,
    );
  }
  if (lines.length > 1) {
    lines.forEach((l, i) => {
      const lx = FM.left + 8 + i * 90;
      parts.push(
        `<g class="legend"><line x1="${lx}" y1="${FM.top + 10}" x2="${lx + 16}" y2="${FM.top + 10}" stroke="${esc(l.color)}"/><text x="${lx + 20}" y="${FM.top + 14}">${esc(l.label)}</text></g>`,
      );
    });
  }
  parts.push('</svg>');
  return parts.join('');
}
