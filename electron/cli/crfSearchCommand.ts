/**
 * `vq crf-search SOURCE --encoder E [--preset P] --target-vmaf Q [--metric M] [--samples N]
 * [--sample-seconds S] [--verify] [--out FILE] [--raw SPEC] [--json]`: the CRF that gives the
 * title the target quality, found on samples (core/target/crfSearch.ts). Each step is reported on
 * stderr as it ends; the answer goes to stdout. Exit codes: 0 found, 1 failed or the target is out
 * of the encoder's CRF range (the nearest answer is still printed), 2 usage error, 130 Ctrl+C.
 */
import { parseArgs } from 'node:util';
import {
  CRF_SEARCH_ENCODERS,
  MAX_SAMPLES,
  MAX_SAMPLE_SECONDS,
  type CrfSearchResult,
} from '../../shared/crfSearch';
import { formatBitrate, formatBytes, formatDuration } from '../../shared/format';
import { ENCODERS, isSoftwareEncoder, type SoftwareEncoder } from '../../shared/ladder';
import { RD_QUALITIES, RD_QUALITY_LABELS, type RdQuality } from '../../shared/rd/quality';
import { formatCommand } from '../core/ffmpeg/commandLine';
import { runCrfSearch, type CrfSearchEvent } from '../core/target/crfSearch';
import { runOnTitle } from './titleRun';
import { UsageError } from './usageError';

/** Short encoder names people type, and the ffmpeg names. */
const ENCODER_NAMES: Readonly<Record<string, SoftwareEncoder>> = {
  x264: 'libx264',
  x265: 'libx265',
  'svt-av1': 'libsvtav1',
  svtav1: 'libsvtav1',
  aom: 'libaom-av1',
  libaom: 'libaom-av1',
  vp9: 'libvpx-vp9',
};

/** The encoder named by `text` (ffmpeg's name or a short one). */
export function encoderArg(text: string): SoftwareEncoder {
  const e = ENCODER_NAMES[text.toLowerCase()] ?? text;
  if (!isSoftwareEncoder(e)) {
    throw new UsageError(
      `--encoder ${text}: give one of ${Object.keys(ENCODERS).join(', ')} (or x264, x265, svt-av1, aom, vp9)`,
    );
  }
  return e;
}

/** The figure named by `--metric` (`vmaf` is the mean). */
export function metricArg(text: string): RdQuality {
  const m = text === 'vmaf' ? 'vmafMean' : text;
  const found = RD_QUALITIES.find((q) => q.toLowerCase() === m.toLowerCase());
  if (!found || found === 'cambi') {
    throw new UsageError(
      `--metric ${text}: give vmaf, ${RD_QUALITIES.filter((q) => q !== 'cambi' && q !== 'vmafMean').join(', ')}`,
    );
  }
  return found;
}

/** Runs `vq crf-search`; resolves to the exit code. */
export async function crfSearchCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      encoder: { type: 'string' },
      preset: { type: 'string' },
      'target-vmaf': { type: 'string' },
      target: { type: 'string' },
      metric: { type: 'string' },
      samples: { type: 'string' },
      'sample-seconds': { type: 'string' },
      verify: { type: 'boolean' },
      out: { type: 'string' },
      overwrite: { type: 'boolean' },
      raw: { type: 'string' },
      json: { type: 'boolean' },
    },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length !== 1) throw new UsageError('crf-search takes exactly one SOURCE file');
  if (!values.encoder)
    throw new UsageError('crf-search needs --encoder (x264, x265, svt-av1, aom, vp9)');
  const encoder = encoderArg(values.encoder);
  const targetText = values['target-vmaf'] ?? values.target;
  if (targetText === undefined) throw new UsageError('crf-search needs --target-vmaf Q');
  const target = Number(targetText);
  if (!(target > 0 && target <= 100))
    throw new UsageError(`--target-vmaf ${targetText}: give a quality above 0, up to 100`);
  const metric = values.metric === undefined ? 'vmafMean' : metricArg(values.metric);
  let samples: number | undefined;
  if (values.samples !== undefined) {
    samples = Number(values.samples);
    if (!Number.isInteger(samples) || samples < 1 || samples > MAX_SAMPLES)
      throw new UsageError(
        `--samples ${values.samples}: give a whole number from 1 to ${MAX_SAMPLES}`,
      );
  }
  let sampleSeconds: number | undefined;
  if (values['sample-seconds'] !== undefined) {
    sampleSeconds = Number(values['sample-seconds']);
    if (!(sampleSeconds >= 0.2 && sampleSeconds <= MAX_SAMPLE_SECONDS))
      throw new UsageError(
        `--sample-seconds ${values['sample-seconds']}: give 0.2 to ${MAX_SAMPLE_SECONDS} seconds`,
      );
  }
  if (values.out !== undefined && !values.verify)
    throw new UsageError('--out keeps the verified encode; give --verify too');
  if (values.out !== undefined && !/\.(mp4|mkv|webm)$/i.test(values.out))
    throw new UsageError(`--out ${values.out}: name a .mp4, .mkv or .webm file`);
  return runOnTitle(positionals[0]!, values.raw, async ({ core, cacheDir, title, signal }) => {
    const result = await runCrfSearch(
      {
        source: title,
        encoder,
        preset: values.preset ?? null,
        metric,
        target,
        samples,
        sampleSeconds,
        verify: values.verify === true,
        verifyOut: values.out ?? null,
        overwrite: values.overwrite === true,
        signal,
        onEvent: (e) => {
          const line = describeEvent(e, metric);
          if (line) console.error(`vq: ${line}`);
        },
      },
      { toolchain: core.toolchain, cacheDir },
    );
    console.log(values.json ? JSON.stringify(result, null, 2) : describeResult(result));
    if (result.unreachable) console.error(`vq: the target is out of reach: ${result.unreachable}`);
    return result.unreachable ? 1 : 0;
  });
}

/** A progress line for stderr, or null for events not worth one. */
function describeEvent(e: CrfSearchEvent, metric: RdQuality): string | null {
  const label = RD_QUALITY_LABELS[metric];
  switch (e.type) {
    case 'shots':
      return e.shots === null
        ? `${e.frames} frames; cuts looked for just before each sample (the title's shots are not cached)`
        : `${e.shots} shot(s) in ${e.frames} frames${e.cached ? ' (from the cache)' : ''}`;
    case 'samples': {
      const secs = e.samples.reduce((n, s) => n + s.frames, 0);
      return e.coverage >= 1
        ? `searching on the whole title (the samples would cover most of it)`
        : `${e.samples.length} sample(s), ${secs} frames: ${(100 * e.coverage).toFixed(1)} % of the title`;
    }
    case 'step':
      return `step ${e.index + 1}: CRF ${e.step.crf} → ${label} ${e.step.quality.toFixed(2)}, ${formatBitrate(e.step.bitrateKbps)} (${e.step.seconds.toFixed(1)} s)`;
    case 'verify-start':
      return `verifying: encoding the whole title at CRF ${e.crf}, then scoring it`;
    default:
      return null;
  }
}

/** The answer for a person. */
export function describeResult(r: CrfSearchResult): string {
  const label = RD_QUALITY_LABELS[r.metric];
  const info = CRF_SEARCH_ENCODERS[r.encoder];
  const duration = r.predicted.sizeBytes / ((r.predicted.bitrateKbps * 1000) / 8);
  const lines = [
    `CRF ${r.crf} for ${label} ${r.target} with ${ENCODERS[r.encoder].label}${r.preset ? `, preset ${r.preset}` : ''}` +
      (r.interpolated ? ` (between the steps; CRF moves in steps of ${info.increment})` : ''),
    `predicted  ${label} ${r.predicted.vmaf.toFixed(2)} ± ${r.predicted.error.toFixed(2)}, ${formatBitrate(r.predicted.bitrateKbps)}, ${formatBytes(r.predicted.sizeBytes)} for ${formatDuration(duration)}`,
    `search     ${r.steps.length} step(s) on ${r.coverage >= 1 ? 'the whole title' : `${r.samples.length} sample(s) of ${r.samples[0]!.seconds.toFixed(2)} s (${(100 * r.coverage).toFixed(1)} % of the title)`} in ${r.seconds.search.toFixed(1)} s`,
  ];
  if (r.verified) {
    const off = r.verified.offTarget;
    lines.push(
      `verified   ${label} ${r.verified.vmaf.toFixed(2)} (${off >= 0 ? '+' : ''}${off.toFixed(2)} from the target), ${formatBitrate(r.verified.bitrateKbps)}, ${formatBytes(r.verified.sizeBytes)} in ${r.verified.seconds.toFixed(1)} s` +
        (r.verified.file ? `\n           kept as ${r.verified.file}` : ''),
    );
  }
  if (r.unreachable) lines.push(`note       ${r.unreachable}`);
  lines.push('', 'Steps:');
  for (const s of r.steps) {
    lines.push(
      `  CRF ${String(s.crf).padEnd(6)} ${label} ${s.quality.toFixed(2).padStart(6)}  ${formatBitrate(s.bitrateKbps)}`,
    );
  }
  lines.push('', 'Command for the whole title:', `  ${formatCommand(r.command)}`);
  return lines.join('\n');
}
