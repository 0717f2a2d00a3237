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

/** Software encoders first, then hardware ones, each marked available or not. */
export function encoderChoices(available: ReadonlySet<string> | null): EncoderChoice[] {
  const has = (e: string): boolean | null => (available ? available.has(e) : null);
  return [
    ...(Object.keys(ENCODERS) as SoftwareEncoder[]).map((e) => ({
      encoder: e,
      label: ENCODERS[e].label,
      hardware: false,
      available: has(e),
    })),
    ...HARDWARE_ENCODERS.map((e) => ({
      encoder: e,
      label: 'hardware',
      hardware: true,
      available: has(e),
    })),
  ];
}
