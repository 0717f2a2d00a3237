/**
 * The Play view's chart (canvas): the per-frame VMAF of every rung faintly, the VMAF of what was
 * actually shown drawn over it in the shown rung's colour, a lane on top with the rung on screen
 * over media time, the switches as marked lines, and the buffer ahead of the playhead as an area
 * against the right-hand scale.
 */
import { lowerBound } from '../../../../shared/packaging';
import type { VariantSeries } from '../../../../shared/playback';
import type { ShownRange, SwitchEntry } from './playbackLog';

/** Colours of the rungs, lowest first (readable on the dark background). */
export const RUNG_COLORS = [
  '#6ea0ff',
  '#6cc08b',
  '#e0b052',
  '#f07a72',
  '#c792ea',
  '#4fd1c5',
  '#ff9e64',
  '#a0a8b8',
];

export interface PlaybackChartOptions {
  width: number;
  height: number;
  dpr: number;
  durationSeconds: number;
  variants: { label: string; series: VariantSeries | null }[];
  shown: readonly ShownRange[];
  switches: readonly SwitchEntry[];
  buffer: readonly { atMedia: number; seconds: number }[];
  playhead: number | null;
}

const PAD = { left: 40, right: 40, top: 26, bottom: 22 };
const LANE = 10;

/** Draws the chart; returns the VMAF range used (for the axis labels tests read). */
export function drawPlaybackChart(
  ctx: CanvasRenderingContext2D,
  o: PlaybackChartOptions,
): { min: number; max: number } {
  const { width: w, height: h, dpr } = o;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, w, h);
  const plotW = Math.max(1, w - PAD.left - PAD.right);
  const plotH = Math.max(1, h - PAD.top - PAD.bottom);
  const dur = Math.max(0.001, o.durationSeconds);
  const x = (t: number): number => PAD.left + (Math.min(dur, Math.max(0, t)) / dur) * plotW;
  let lo = 100;
  for (const v of o.variants)
    for (const s of v.series?.vmaf ?? []) if (s !== null) lo = Math.min(lo, s);
  const min = Math.max(0, Math.floor((lo - 5) / 10) * 10);
  const max = 100;
  const y = (q: number): number => PAD.top + (1 - (q - min) / (max - min)) * plotH;
  const bufferMax = Math.max(4, ...o.buffer.map((b) => b.seconds)) * 1.1;
  const yb = (s: number): number => PAD.top + (1 - s / bufferMax) * plotH;

  // Axes and grid.
  ctx.font = '11px system-ui, sans-serif';
  ctx.fillStyle = '#9ba2ad';
  ctx.strokeStyle = '#272c35';
  ctx.lineWidth = 1;
  for (let q = min; q <= max; q += 10) {
    ctx.beginPath();
    ctx.moveTo(PAD.left, y(q) + 0.5);
    ctx.lineTo(PAD.left + plotW, y(q) + 0.5);
    ctx.stroke();
    ctx.textAlign = 'right';
    ctx.fillText(String(q), PAD.left - 6, y(q) + 4);
  }
  ctx.textAlign = 'left';
  ctx.fillText(`${bufferMax.toFixed(0)} s`, PAD.left + plotW + 6, PAD.top + 8);
  ctx.fillText('0 s', PAD.left + plotW + 6, PAD.top + plotH);
  const step = niceStep(dur);
  ctx.textAlign = 'center';
  for (let t = 0; t <= dur + 1e-9; t += step) ctx.fillText(`${round(t)} s`, x(t), h - 6);

  // Buffer ahead of the playhead.
  if (o.buffer.length > 1) {
    ctx.beginPath();
    ctx.moveTo(x(o.buffer[0]!.atMedia), yb(0));
    for (const b of o.buffer) ctx.lineTo(x(b.atMedia), yb(b.seconds));
    ctx.lineTo(x(o.buffer[o.buffer.length - 1]!.atMedia), yb(0));
    ctx.closePath();
    ctx.fillStyle = 'rgba(160, 168, 184, 0.16)';
    ctx.fill();
  }

  // Every rung's VMAF, faint.
  o.variants.forEach((v, i) => {
    if (!v.series) return;
    ctx.strokeStyle = withAlpha(RUNG_COLORS[i % RUNG_COLORS.length]!, 0.28);
    ctx.lineWidth = 1;
    strokeSeries(ctx, v.series, 0, dur, x, y);
  });
  // What was shown, in the shown rung's colour.
  for (const r of o.shown) {
    const v = o.variants[r.variant];
    const color = RUNG_COLORS[r.variant % RUNG_COLORS.length]!;
    if (v?.series) {
      ctx.strokeStyle = color;
      ctx.lineWidth = 2;
      strokeSeries(ctx, v.series, r.from, r.to, x, y);
    }
    ctx.fillStyle = color;
    ctx.fillRect(x(r.from), PAD.top - LANE - 4, Math.max(1, x(r.to) - x(r.from)), LANE);
  }
  // Switches.
  ctx.setLineDash([4, 3]);
  ctx.lineWidth = 1;
  ctx.textAlign = 'left';
  for (const s of o.switches) {
    if (s.from === null) continue;
    const sx = Math.round(x(s.atMedia)) + 0.5;
    ctx.strokeStyle = '#e4e6ea';
    ctx.beginPath();
    ctx.moveTo(sx, PAD.top - LANE - 4);
    ctx.lineTo(sx, PAD.top + plotH);
    ctx.stroke();
    ctx.fillStyle = '#e4e6ea';
    ctx.fillText(`→ ${o.variants[s.to]?.label ?? s.to}`, sx + 3, PAD.top + 12);
  }
  ctx.setLineDash([]);
  if (o.playhead !== null) {
    ctx.strokeStyle = '#8ab3ff';
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    ctx.moveTo(x(o.playhead), PAD.top - LANE - 4);
    ctx.lineTo(x(o.playhead), PAD.top + plotH);
    ctx.stroke();
  }
  return { min, max };
}

function strokeSeries(
  ctx: CanvasRenderingContext2D,
  s: VariantSeries,
  from: number,
  to: number,
  x: (t: number) => number,
  y: (q: number) => number,
): void {
  ctx.beginPath();
  let open = false;
  for (let i = lowerBound(s.times, from); i < s.times.length && s.times[i]! < to; i++) {
    const v = s.vmaf[i];
    if (v === null || v === undefined) {
      open = false;
      continue;
    }
    const px = x(s.times[i]!);
    if (open) ctx.lineTo(px, y(v));
    else ctx.moveTo(px, y(v));
    open = true;
  }
  ctx.stroke();
}

function niceStep(seconds: number): number {
  for (const s of [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600])
    if (seconds / s <= 10) return s;
  return 7200;
}

function round(t: number): string {
  return Number.isInteger(t) ? String(t) : t.toFixed(1);
}

function withAlpha(hex: string, a: number): string {
  const n = parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${a})`;
}
