/**
 * Playing a package (the Play view): the network a playback runs over, what the player reports of
 * it, and the summary made from that report. The network is shaped by the app's own server: every
 * byte the player fetches is paced to the profile's rate at that moment (electron/core/playback).
 * Pure.
 */
import { z } from 'zod';
import { lowerBound, type PackageSummary } from './packaging';

/** One step of a network profile: from `atSeconds` after the playback starts, this rate. */
export const NetworkStepSchema = z
  .object({
    atSeconds: z.number().min(0).max(86_400),
    /** Link rate in kbit/s; null: not limited. */
    kbps: z.number().min(16).max(10_000_000).nullable(),
  })
  .strict();

/**
 * A network: a rate that changes in steps over the playback's wall time. A constant rate is one
 * step; a recorded trace is many (one a second, say).
 */
export const NetworkProfileSchema = z
  .object({
    name: z.string().min(1).max(100),
    steps: z
      .array(NetworkStepSchema)
      .min(1)
      .max(20_000)
      .refine(
        (steps) => steps.every((s, i) => i === 0 || s.atSeconds > steps[i - 1]!.atSeconds),
        'the steps must go up in time',
      ),
    /** Delay before the first byte of each response (a round trip), in ms. */
    latencyMs: z.number().int().min(0).max(5000).optional(),
  })
  .strict();

export type NetworkStep = z.infer<typeof NetworkStepSchema>;
export type NetworkProfile = z.infer<typeof NetworkProfileSchema>;

/** The profiles the Play view offers; a trace file adds more. */
export const BUILT_IN_PROFILES: readonly NetworkProfile[] = [
  { name: 'Unlimited', steps: [{ atSeconds: 0, kbps: null }] },
  { name: 'Constant 6 Mb/s', steps: [{ atSeconds: 0, kbps: 6000 }], latencyMs: 20 },
  { name: 'Constant 1.5 Mb/s', steps: [{ atSeconds: 0, kbps: 1500 }], latencyMs: 40 },
  {
    name: 'Step down: 8 Mb/s, then 0.6 Mb/s from 6 s',
    steps: [
      { atSeconds: 0, kbps: 8000 },
      { atSeconds: 6, kbps: 600 },
    ],
    latencyMs: 20,
  },
  {
    name: 'Step up: 0.6 Mb/s, then 8 Mb/s from 6 s',
    steps: [
      { atSeconds: 0, kbps: 600 },
      { atSeconds: 6, kbps: 8000 },
    ],
    latencyMs: 20,
  },
];

/** The rate (kbit/s, null: unlimited) of `profile` at `seconds` after the start. */
export function rateAt(profile: NetworkProfile, seconds: number): number | null {
  let rate: number | null = profile.steps[0]!.kbps;
  for (const s of profile.steps) {
    if (s.atSeconds <= seconds) rate = s.kbps;
    else break;
  }
  return rate;
}

/**
 * Reads a recorded trace: lines of `seconds,kbps` (or `seconds kbps`; `#` comments and a header
 * line are skipped), seconds from the start of the recording, ascending. Throws a message naming
 * the line that is wrong.
 */
export function parseTrace(name: string, text: string): NetworkProfile {
  const steps: NetworkStep[] = [];
  const lines = text.split(/\r?\n/);
  for (const [i, raw] of lines.entries()) {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) continue;
    const parts = line.split(/[,;\s]+/);
    const t = Number(parts[0]);
    const kbps = Number(parts[1]);
    if (parts.length < 2 || !Number.isFinite(t) || !Number.isFinite(kbps)) {
      if (steps.length === 0 && i === lines.findIndex((l) => l.trim())) continue; // a header
      throw new Error(`line ${i + 1}: expected "seconds,kbps", got "${raw.slice(0, 60)}"`);
    }
    if (t < 0 || kbps < 16) throw new Error(`line ${i + 1}: seconds must be ≥ 0 and kbps ≥ 16`);
    if (steps.length > 0 && t <= steps[steps.length - 1]!.atSeconds) {
      throw new Error(
        `line ${i + 1}: the seconds must go up (${t} after ${steps[steps.length - 1]!.atSeconds})`,
      );
    }
    steps.push({ atSeconds: t, kbps });
  }
  if (steps.length === 0) throw new Error('the trace has no "seconds,kbps" lines');
  if (steps.length > 20_000) throw new Error('the trace has more than 20,000 lines');
  const first = steps[0]!.atSeconds;
  return NetworkProfileSchema.parse({
    name: name.slice(0, 100) || 'trace',
    steps: steps.map((s) => ({ atSeconds: s.atSeconds - first, kbps: s.kbps })),
  });
}

/** A package as the app lists it (`packages.list`). */
export interface PackageEntry {
  id: string;
  /** The package folder's name, and where it is. */
  name: string;
  dir: string;
  /** The library source its ladder was encoded from, when known. */
  sourceId: string | null;
  createdAt: string;
  summary: PackageSummary;
  /** For each variant: its rendition in the library and its newest VMAF result, when there are. */
  variantLinks: { renditionId: string | null; scoreResultId: string | null }[];
  /** Playbacks in the Play view, newest first. */
  playbacks: PlaybackSummary[];
}

/** A playback's report, as the player saw it (untrusted: checked against the package). */
export const PlaybackReportSchema = z
  .object({
    packageId: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z0-9_-]+$/, 'not a package id'),
    profile: NetworkProfileSchema,
    /** The rung forced for the whole playback (variant index), or null for automatic ABR. */
    forcedVariant: z.number().int().min(0).max(99).nullable(),
    /** What was shown: media time ranges and the variant each came from. */
    shown: z
      .array(
        z
          .object({
            from: z.number().min(0).max(1e6),
            to: z.number().min(0).max(1e6),
            variant: z.number().int().min(0).max(99),
          })
          .strict(),
      )
      .max(10_000),
    /** Rung changes: the variant shown from `atMedia` on, noticed `atWall` s after the start. */
    switches: z
      .array(
        z
          .object({
            atWall: z.number().min(0).max(1e6),
            atMedia: z.number().min(0).max(1e6),
            from: z.number().int().min(0).max(99).nullable(),
            to: z.number().int().min(0).max(99),
          })
          .strict(),
      )
      .max(100_000),
    /** Stalls: playback waiting for data after it started. */
    stalls: z
      .array(
        z
          .object({ atWall: z.number().min(0).max(1e6), seconds: z.number().min(0).max(1e6) })
          .strict(),
      )
      .max(100_000),
    /** Buffer ahead of the playhead, sampled. */
    buffer: z
      .array(
        z
          .object({
            atWall: z.number().min(0).max(1e6),
            atMedia: z.number().min(0).max(1e6),
            seconds: z.number().min(0).max(1e4),
          })
          .strict(),
      )
      .max(100_000),
    /** From pressing play to the first frame. */
    startupSeconds: z.number().min(0).max(1e6).nullable(),
    wallSeconds: z.number().min(0).max(1e6),
  })
  .strict();

export type PlaybackReport = z.infer<typeof PlaybackReportSchema>;

/** What a playback amounted to. */
export interface PlaybackSummary {
  id: string;
  packageId: string;
  createdAt: string;
  profileName: string;
  forcedRungId: string | null;
  /** Media seconds shown. */
  shownSeconds: number;
  /**
   * VMAF of what was shown, weighted by the time each part was shown (the per-frame VMAF of the
   * rendition on screen); null when a rendition shown has no per-frame VMAF.
   */
  timeWeightedVmaf: number | null;
  /** Rung changes after the first picture. */
  switches: number;
  stallSeconds: number;
  stalls: number;
  startupSeconds: number | null;
  /** Seconds shown per rung. */
  secondsByRung: { rungId: string; seconds: number }[];
  /** Bits/s of what was shown (each rung's average bit rate, weighted by time shown). */
  averageShownBps: number;
}

/** Per-frame VMAF of a variant's rendition: when each scored frame is shown (s), and its score. */
export interface VariantSeries {
  /** Ascending media times of the scored frames. */
  times: readonly number[];
  vmaf: readonly (number | null)[];
}

/**
 * A stored result's per-frame VMAF on the media clock: frame numbers count from the alignment's
 * start frame at the rate the pair was scored at (not the rendition's own rate: a rung with an
 * fps cap was compared at the source's), and subsampling leaves gaps. `fallbackFps` when the
 * result names no rate. Null without a VMAF series.
 */
export function seriesOfResult(
  r: {
    frameNumbers: readonly number[];
    perFrame: { vmaf?: readonly (number | null)[] };
    alignment: { startFrame: number; frameRate: string | null };
  },
  fallbackFps: number | null,
): VariantSeries | null {
  const values = r.perFrame.vmaf;
  const fps = rateOf(r.alignment.frameRate) ?? fallbackFps;
  if (!values || !fps) return null;
  const pairs = r.frameNumbers
    .map((n, i) => ({ t: (r.alignment.startFrame + n) / fps, v: values[i] ?? null }))
    .sort((a, b) => a.t - b.t);
  return { times: pairs.map((p) => p.t), vmaf: pairs.map((p) => p.v) };
}

function rateOf(nd: string | null): number | null {
  if (!nd) return null;
  const [n, d] = nd.split('/').map(Number) as [number, number | undefined];
  const r = d === undefined ? n : n / d;
  return Number.isFinite(r) && r > 0 ? r : null;
}

/**
 * The summary of a playback report, computed from the package and the per-frame VMAF of its
 * renditions (never taken from the player): ranges are clipped to the package's duration and to
 * variants it has; overlapping ranges count once, the later one winning.
 */
export function summarizePlayback(
  id: string,
  createdAt: string,
  pkg: Pick<PackageSummary, 'id' | 'variants' | 'durationSeconds'>,
  report: PlaybackReport,
  series: readonly (VariantSeries | null)[],
): PlaybackSummary {
  const n = pkg.variants.length;
  // Clip, drop what names no variant, and resolve overlaps on a timeline of shown ranges.
  const ranges = report.shown
    .filter((r) => r.variant < n)
    .map((r) => ({
      from: Math.max(0, r.from),
      to: Math.min(pkg.durationSeconds, r.to),
      variant: r.variant,
    }))
    .filter((r) => r.to > r.from);
  // One sweep over the range edges: at each piece between edges, the latest-reported range
  // covering it wins (n log n, whatever the report holds).
  const edges: { t: number; open: boolean; order: number }[] = [];
  ranges.forEach((r, order) =>
    edges.push({ t: r.from, open: true, order }, { t: r.to, open: false, order }),
  );
  edges.sort((a, b) => a.t - b.t);
  const active = new Set<number>();
  const pieces: { from: number; to: number; variant: number }[] = [];
  let latest = -1;
  for (let i = 0; i < edges.length; i++) {
    const e = edges[i]!;
    if (e.open) active.add(e.order);
    else active.delete(e.order);
    if (e.open && e.order > latest) latest = e.order;
    else if (!e.open && e.order === latest) latest = active.size ? Math.max(...active) : -1;
    const next = edges[i + 1];
    if (next && next.t > e.t && latest >= 0) {
      const variant = ranges[latest]!.variant;
      const last = pieces[pieces.length - 1];
      if (last && last.to === e.t && last.variant === variant) last.to = next.t;
      else pieces.push({ from: e.t, to: next.t, variant });
    }
  }
  const shownSeconds = pieces.reduce((a, p) => a + (p.to - p.from), 0);
  let weighted = 0;
  let vmafOk = pieces.length > 0;
  for (const p of pieces) {
    const s = series[p.variant];
    const mean = s ? meanOver(s, p.from, p.to) : null;
    if (mean === null) {
      vmafOk = false;
      break;
    }
    weighted += mean * (p.to - p.from);
  }
  const byRung = new Map<number, number>();
  for (const p of pieces) byRung.set(p.variant, (byRung.get(p.variant) ?? 0) + (p.to - p.from));
  const bits = [...byRung].reduce((a, [v, sec]) => a + pkg.variants[v]!.averageBps * sec, 0);
  const stalls = report.stalls.filter((s) => s.seconds > 0);
  return {
    id,
    packageId: pkg.id,
    createdAt,
    profileName: report.profile.name,
    forcedRungId:
      report.forcedVariant !== null && report.forcedVariant < n
        ? pkg.variants[report.forcedVariant]!.rungId
        : null,
    shownSeconds,
    timeWeightedVmaf: vmafOk && shownSeconds > 0 ? weighted / shownSeconds : null,
    switches: report.switches.filter((s) => s.from !== null && s.from !== s.to && s.to < n).length,
    stallSeconds: stalls.reduce((a, s) => a + s.seconds, 0),
    stalls: stalls.length,
    startupSeconds: report.startupSeconds,
    secondsByRung: [...byRung]
      .sort((a, b) => a[0] - b[0])
      .map(([v, seconds]) => ({ rungId: pkg.variants[v]!.rungId, seconds })),
    averageShownBps: shownSeconds > 0 ? bits / shownSeconds : 0,
  };
}

/**
 * Mean VMAF of the scored frames shown in [from, to) seconds; for a span holding none (shorter
 * than the gap between scored frames), the nearest scored frame's. Null when the series has none.
 */
export function meanOver(s: VariantSeries, from: number, to: number): number | null {
  let lo = lowerBound(s.times, from);
  let sum = 0;
  let n = 0;
  for (; lo < s.times.length && s.times[lo]! < to; lo++) {
    const v = s.vmaf[lo];
    if (v !== null && v !== undefined) {
      sum += v;
      n++;
    }
  }
  if (n > 0) return sum / n;
  const mid = (from + to) / 2;
  let best: number | null = null;
  let bestDistance = Infinity;
  const at = lowerBound(s.times, mid);
  for (const i of [at - 2, at - 1, at, at + 1]) {
    const v = s.vmaf[i];
    if (i < 0 || i >= s.times.length || v === null || v === undefined) continue;
    const d = Math.abs(s.times[i]! - mid);
    if (d < bestDistance) {
      bestDistance = d;
      best = v;
    }
  }
  return best;
}
