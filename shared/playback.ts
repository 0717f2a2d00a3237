/**
 * Playing a package (the Play view): the network a playback runs over, what the player reports of
 * it, and the summary made from that report. The network is shaped by the app's own server: every
 * byte the player fetches is paced to the profile's rate at that moment (electron/core/playback).
 * Pure.
 */
import { z } from 'zod';
import type { PackageSummary } from './packaging';

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
    steps: z.array(NetworkStepSchema).min(1).max(20_000),
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
      .max(100_000),
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

/** Per-frame VMAF of a variant's rendition: frame numbers at `fps`, and their scores. */
export interface VariantSeries {
  fps: number;
  vmaf: readonly (number | null)[];
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
  const cuts = [...new Set(ranges.flatMap((r) => [r.from, r.to]))].sort((a, b) => a - b);
  const pieces: { from: number; to: number; variant: number }[] = [];
  for (let i = 0; i + 1 < cuts.length; i++) {
    const from = cuts[i]!;
    const to = cuts[i + 1]!;
    const mid = (from + to) / 2;
    let winner: number | null = null;
    for (const r of ranges) if (r.from <= mid && mid < r.to) winner = r.variant;
    if (winner !== null) pieces.push({ from, to, variant: winner });
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

/** Mean per-frame VMAF of the frames shown in [from, to) seconds; null when one has none. */
export function meanOver(s: VariantSeries, from: number, to: number): number | null {
  const first = Math.max(0, Math.floor(from * s.fps + 1e-6));
  const last = Math.min(s.vmaf.length, Math.ceil(to * s.fps - 1e-6));
  if (last <= first) {
    const v = s.vmaf[Math.min(s.vmaf.length - 1, first)];
    return v ?? null;
  }
  let sum = 0;
  for (let i = first; i < last; i++) {
    const v = s.vmaf[i];
    if (v === null || v === undefined) return null;
    sum += v;
  }
  return sum / (last - first);
}
