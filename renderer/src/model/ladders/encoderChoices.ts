/** The encoders a rung can name, and which of them this machine's ffmpeg builds actually have. */
import {
  ENCODERS,
  HARDWARE_ENCODERS,
  type Encoder,
  type SoftwareEncoder,
} from '../../../../shared/ladder';
import type { ToolchainReport } from '../../../../shared/toolchain';

/** One entry of the encoder select. */
export interface EncoderChoice {
  encoder: Encoder;
  label: string;
  hardware: boolean;
  /** True when some working ffmpeg here has it; null while the toolchain is not known. */
  available: boolean | null;
  /** Why it is not available when a build has it compiled in but this machine cannot run it. */
  why: string | null;
}

/** Encoders of every working ffmpeg on this machine; null while there is no report. */
export function availableEncoders(report: ToolchainReport | null): ReadonlySet<string> | null {
  if (!report) return null;
  const found = new Set<string>();
  for (const b of report.binaries) {
    if (b.kind === 'ffmpeg' && b.error === null) for (const e of b.encoders) found.add(e);
  }
  return found;
}

/**
 * Hardware encoders some build has compiled in that this machine cannot run, with the reason
 * ("needs an NVIDIA GPU and its driver — none found").
 */
export function unusableEncoders(report: ToolchainReport | null): ReadonlyMap<string, string> {
  const why = new Map<string, string>();
  for (const b of report?.binaries ?? []) {
    for (const u of b.unusableEncoders ?? []) if (!why.has(u.encoder)) why.set(u.encoder, u.reason);
  }
  return why;
}

/** Software encoders first, then hardware ones, each marked available or not (and why not). */
export function encoderChoices(
  available: ReadonlySet<string> | null,
  unusable: ReadonlyMap<string, string> = new Map(),
): EncoderChoice[] {
  const has = (e: string): boolean | null => (available ? available.has(e) : null);
  const why = (e: string): string | null => (has(e) === false ? (unusable.get(e) ?? null) : null);
  return [
    ...(Object.keys(ENCODERS) as SoftwareEncoder[]).map((e) => ({
      encoder: e,
      label: ENCODERS[e].label,
      hardware: false,
      available: has(e),
      why: why(e),
    })),
    ...HARDWARE_ENCODERS.map((e) => ({
      encoder: e,
      label: 'hardware',
      hardware: true,
      available: has(e),
      why: why(e),
    })),
  ];
}
