/**
 * From a source, a ladder and the options to the jobs a batch will run: the ladder resolved
 * against the source (never upscale), each rung given the ffmpeg that has its encoder, and rungs
 * grouped into processes (decode once, encode many, per binary). Pure apart from the inputs.
 */
import {
  groupForDecodeOnce,
  planLadder,
  type CommandInput,
  type LadderPlan,
  type PlannedRung,
  type SourceGeometry,
} from '../../../shared/encodePlan';
import { VqError } from '../../../shared/errors';
import type { Ladder } from '../../../shared/ladder';
import type { MediaInfo, RawVideoSpec } from '../../../shared/media';
import type { JobOutput, PlannedJob } from '../../../shared/queue';
import type { ToolchainReport } from '../../../shared/toolchain';
import { ffmpegInputUrl, rawInputArgs } from '../probe';
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

/** What planning needs of a source. */
export interface PlanSource {
  path: string;
  media: MediaInfo;
  raw: RawVideoSpec | null;
}

/** The source facts the argument builder needs. */
export function sourceGeometry(media: MediaInfo, raw: RawVideoSpec | null): SourceGeometry {
  const v = media.video;
  const valid = (r: string | null): r is string => r !== null && /^\d+\/[1-9]\d*$/.test(r) && !r.startsWith('0/');
  return {
    width: v.width,
    height: v.height,
    sar: v.sar,
    rotation: v.rotation,
    frameRate: raw ? raw.fps : valid(v.avgFrameRate) ? v.avgFrameRate : valid(v.rFrameRate) ? v.rFrameRate : v.frameRate,
    hasAudio: media.audio.length > 0,
  };
}

/** How ffmpeg reads the source. */
export function commandInput(source: PlanSource): CommandInput {
  return { inputArgs: source.raw ? rawInputArgs(source.raw) : [], input: ffmpegInputUrl(source.path) };
}

/** Resolves, assigns binaries and groups; throws UNSUPPORTED when an encoder is in no usable ffmpeg. */
export function planBatch(
  source: PlanSource,
  ladder: Ladder,
  opts: { decodeOnce: boolean; outDir: string },
  report: ToolchainReport,
): BatchPlan {
  const ladderPlan = planLadder(ladder, sourceGeometry(source.media, source.raw));
  const byBinary = new Map<string, PlannedRung[]>();
  const missing = new Set<string>();
  for (const p of ladderPlan.rungs) {
    try {
      const binary = chooseEncodeBinary(report, [p.rung.encoder]);
      byBinary.set(binary, [...(byBinary.get(binary) ?? []), p]);
    } catch (err) {
      if (!(err instanceof VqError)) throw err;
      missing.add(p.rung.encoder);
    }
  }
  // One error naming every missing encoder, with the builds that have each.
  if (missing.size) chooseEncodeBinary(report, [...missing]);
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

/** The plan as shown before anything runs: exact commands with the final output names. */
export function plannedJobs(plan: BatchPlan, source: PlanSource): PlannedJob[] {
  const input = commandInput(source);
  return plan.groups.map((g) => ({
    rungIds: g.rungs.map((r) => r.rung.id),
    encoders: g.encoders,
    binary: g.binary,
    twoPass: g.twoPass,
    outputs: g.outputs,
    commands: jobCommands(g.binary, input, g.rungs, g.outputs.map((o) => o.path), passLogDir('<job>')),
  }));
}
