/**
 * From a source, a ladder and the options to the jobs a batch will run: the ladder resolved
 * against the source (never upscale; an HDR source kept HDR or tone-mapped, never flattened), each
 * rung given the ffmpeg that has its encoder, and rungs grouped into processes (decode once, encode
 * many, per binary). Pure apart from the inputs.
 */
import {
  groupForDecodeOnce,
  planLadder,
  type CommandInput,
  type LadderPlan,
  type PlannedRung,
  type SourceGeometry,
} from '../../../shared/encodePlan';
import { encodePreflight, type EncodeFinding } from '../../../shared/encodePreflight';
import { VqError } from '../../../shared/errors';
import type { Ladder } from '../../../shared/ladder';
import type { HdrKind, MediaInfo, RawVideoSpec } from '../../../shared/media';
import type { JobOutput, PlannedJob } from '../../../shared/queue';
import type { ScoreOptions } from '../../../shared/score';
import type { ToolchainReport } from '../../../shared/toolchain';
import { chooseEncodeBinary } from './chooseBinary';
import { jobCommands } from './jobCommands';
import { finalOutputPath, passLogDir } from './jobFiles';

/** One future process: its rungs, their outputs and the ffmpeg that runs them. */
export interface PlannedGroup {
  binary: string;
  rungs: PlannedRung[];
  outputs: JobOutput[];
  encoders: string[];
  twoPass: boolean;
}

/** A batch before it is queued. */
export interface BatchPlan {
  ladderPlan: LadderPlan;
  groups: PlannedGroup[];
}

/** What planning needs of a source: what its commands read, and its probe. */
export interface PlanSource extends CommandInput {
  media: MediaInfo;
}

/** The source facts the argument builder needs. */
export function sourceGeometry(media: MediaInfo, raw: RawVideoSpec | null): SourceGeometry {
  const v = media.video;
  const valid = (r: string | null): r is string =>
    r !== null && /^\d+\/[1-9]\d*$/.test(r) && !r.startsWith('0/');
  return {
    width: v.width,
    height: v.height,
    sar: v.sar,
    rotation: v.rotation,
    frameRate: raw
      ? raw.fps
      : valid(v.avgFrameRate)
        ? v.avgFrameRate
        : valid(v.rFrameRate)
          ? v.rFrameRate
          : v.frameRate,
    hasAudio: media.audio.length > 0,
    hdr: raw ? null : v.hdr,
  };
}

/** The source's HDR kind: null for SDR, and for a raw file (its colour is not known). */
export function sourceHdr(source: Pick<PlanSource, 'media' | 'raw'>): HdrKind {
  return sourceGeometry(source.media, source.raw).hdr ?? null;
}

/**
 * The filters an encode of `ladder` from `source` needs beyond what every ffmpeg has: zscale when
 * it tone-maps an HDR source to SDR.
 */
export function filtersNeeded(
  source: Pick<PlanSource, 'media' | 'raw'>,
  ladder: Pick<Ladder, 'hdr'>,
): 'zscale'[] {
  return (ladder.hdr ?? 'keep') === 'tonemap' && sourceHdr(source) !== null ? ['zscale'] : [];
}

/**
 * Resolves, assigns binaries and groups. Throws INVALID_ARGS when a rung cannot keep an HDR source
 * HDR, UNSUPPORTED when an encoder (or the tone-mapping filter) is in no usable ffmpeg.
 */
export function planBatch(
  source: PlanSource,
  ladder: Ladder,
  opts: { decodeOnce: boolean; outDir: string },
  report: ToolchainReport,
): BatchPlan {
  const ladderPlan = planLadder(ladder, sourceGeometry(source.media, source.raw));
  refuseFlatteningHdr(ladderPlan);
  const byBinary = new Map<string, PlannedRung[]>();
  const missing = new Set<string>();
  const filters = filtersNeeded(source, ladder);
  for (const p of ladderPlan.rungs) {
    try {
      const binary = chooseEncodeBinary(report, [p.rung.encoder], filters);
      byBinary.set(binary, [...(byBinary.get(binary) ?? []), p]);
    } catch (err) {
      if (!(err instanceof VqError)) throw err;
      missing.add(p.rung.encoder);
    }
  }
  // One error naming every missing encoder, with the builds that have each.
  if (missing.size) chooseEncodeBinary(report, [...missing]);
  if (filters.length) refuseWithoutZscale(report, [...byBinary.keys()]);
  const groups: PlannedGroup[] = [];
  for (const [binary, rungs] of byBinary) {
    for (const g of groupForDecodeOnce(rungs, opts.decodeOnce)) {
      groups.push({
        binary,
        rungs: g,
        outputs: g.map((p) => ({ rungId: p.rung.id, path: finalOutputPath(opts.outDir, p.rung) })),
        encoders: [...new Set(g.map((p) => p.rung.encoder))],
        twoPass: g.length === 1 && g[0]!.twoPass,
      });
    }
  }
  return { ladderPlan, groups };
}

/**
 * An HDR source kept HDR by a rung whose encoder cannot carry HDR: refused, naming the rungs, with
 * the two ways out. Encoding it would silently flatten the picture to 8-bit SDR-tagged video.
 */
function refuseFlatteningHdr(plan: LadderPlan): void {
  if (plan.refused.length === 0) return;
  const byReason = new Map<string, string[]>();
  for (const r of plan.refused)
    byReason.set(r.reason, [...(byReason.get(r.reason) ?? []), r.rungId]);
  const what = [...byReason].map(
    ([reason, ids]) => `${reason} (rung${ids.length === 1 ? '' : 's'} ${ids.join(', ')})`,
  );
  throw new VqError(
    'INVALID_ARGS',
    `The source is HDR (${plan.hdr === 'pq' ? 'PQ' : 'HLG'}) and the ladder keeps HDR, but ${what.join('; ')}.`,
    'Choose "Tone-map to SDR" for this encode (vq encode --hdr tonemap), or switch those rungs to x265, SVT-AV1, libaom or VP9.',
  );
}

/** Tone mapping needs the zscale filter (libzimg) in every ffmpeg that will encode. */
function refuseWithoutZscale(report: ToolchainReport, binaries: readonly string[]): void {
  const lacking = binaries.filter(
    (path) => !report.binaries.find((b) => b.path === path)?.filters.includes('zscale'),
  );
  if (lacking.length === 0) return;
  const have = report.binaries
    .filter((b) => b.kind === 'ffmpeg' && b.filters.includes('zscale'))
    .map((b) => b.path);
  throw new VqError(
    'UNSUPPORTED',
    `Tone mapping HDR to SDR needs ffmpeg's zscale filter (libzimg), which ${lacking.join(', ')} does not have.`,
    have.length
      ? `${have.join(', ')} has it: choose it in Settings, or keep the renditions HDR.`
      : "Install an ffmpeg built with libzimg (`vq doctor` lists each build's filters), or keep the renditions HDR.",
  );
}

/**
 * The encode's pre-flight for a planned batch (see shared/encodePreflight.ts): what the plan does
 * to this source, and what the score pre-flight would find on each rendition.
 */
export function planFindings(
  plan: BatchPlan,
  source: PlanSource,
  scoreAfterEncode: ScoreOptions | null,
): EncodeFinding[] {
  return encodePreflight(source.media, plan.ladderPlan, {
    scoreAfterEncode: scoreAfterEncode
      ? {
          vmaf: (scoreAfterEncode.metrics ?? ['vmaf']).includes('vmaf'),
          fixes: scoreAfterEncode.fixes ?? [],
        }
      : null,
  });
}

/** The plan as shown before anything runs: exact commands with the final output names. */
export function plannedJobs(plan: BatchPlan, source: PlanSource): PlannedJob[] {
  return plan.groups.map((g) => ({
    rungIds: g.rungs.map((r) => r.rung.id),
    encoders: g.encoders,
    binary: g.binary,
    twoPass: g.twoPass,
    outputs: g.outputs,
    commands: jobCommands(
      g.binary,
      source,
      g.rungs,
      g.outputs.map((o) => o.path),
      passLogDir('<job>'),
    ),
  }));
}
