/**
 * Runs a planned score: one ffmpeg process for one reference and 1..N distorted videos, progress
 * from `-progress pipe:1`, cancel through an AbortSignal, then the logs parsed (zod-validated),
 * the series assembled per distorted video and pooled. Temporary logs are removed afterwards.
 */
import path from 'node:path';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { VqError } from '../../../shared/errors';
import { poolAll } from '../../../shared/pooling';
import type {
  Alignment,
  DistortedScore,
  ScoreBuild,
  ScoreProgress,
  ScoreRunResult,
  ScoreSeries,
  ScoreWarning,
} from '../../../shared/score';
import { SERIES_OF_METRIC } from '../../../shared/score';
import { lastLines, runTool } from '../ffmpeg/process';
import { ProgressParser, progressFraction } from '../ffmpeg/progress';
import {
  parseLibvmafJson,
  parsePsnrStats,
  parseSsimStats,
  parseXpsnrStats,
  type LibvmafLog,
  type XpsnrStatsLine,
} from './logs';
import { cropToRange } from './chunkRange';
import { infiniteWarnings } from './seriesWarnings';
import {
  planScore,
  type PlannedPair,
  type ScoreDeps,
  type ScorePlan,
  type ScoreRequest,
} from './plan';

/** Hooks of a running score. */
export interface RunScoreOptions {
  signal?: AbortSignal;
  /** Progress about twice a second (ffmpeg's -stats_period); 1 only after exit 0. */
  onProgress?: (p: ScoreProgress) => void;
  /** The ffmpeg process id once started (the queue records it for restart recovery). */
  onSpawn?: (pid: number) => void;
}

/** Thrown when the pre-flight check blocks a run; carries the findings to show. */
export class PreflightBlockedError extends VqError {
  /** Per distorted video: its path and the blocking findings no chosen fix resolves. */
  readonly blocked: { distorted: string; findings: PlannedPair['findings'] }[];
  constructor(plan: ScorePlan) {
    const blocked = plan.pairs
      .filter((p) => p.resolution.unresolved.length > 0)
      .map((p) => ({ distorted: p.path, findings: p.resolution.unresolved }));
    const first = blocked[0]!;
    const fixes = [...new Set(blocked.flatMap((b) => b.findings.flatMap((f) => f.fixes)))];
    super(
      'PREFLIGHT_BLOCKED',
      `Scoring ${first.distorted} would give wrong numbers: ${first.findings[0]!.message}` +
        (blocked.length > 1 || first.findings.length > 1 ? ' (and more findings)' : ''),
      fixes.length > 0
        ? `Choose a fix to score anyway: ${fixes.join(', ')} (vq score --fix NAME).`
        : 'No fix is offered for this; check that the right files were chosen.',
    );
    this.blocked = blocked;
  }
}

/** Bytes of ffmpeg's stderr kept for error messages. */
const STDERR_TAIL_BYTES = 16 * 1024;

/** Plans, checks and runs: the whole of `vq score` for one reference. */
export async function scoreRun(
  req: ScoreRequest,
  deps: ScoreDeps,
  opts: RunScoreOptions = {},
): Promise<ScoreRunResult> {
  const { plan, processes } = await planScoreProcesses(req, deps, opts.signal);
  if (plan.blocked) throw new PreflightBlockedError(plan);
  return executeScorePlans(processes, opts);
}

/**
 * True when a plan must not run as one process: ffmpeg 4.x with libvmaf 1.x crashes at random
 * (SIGSEGV, "double free or corruption") when one process holds two or more libvmaf filters —
 * seen here with @ffmpeg-installer's 4.1 + libvmaf 1.3.7 on 2 to 7 distorted videos. Such runs
 * score each distorted video in its own process; PSNR/SSIM-only runs still share one decode.
 */
export function needsProcessPerDistorted(plan: ScorePlan): boolean {
  return plan.binary.libvmaf?.api === 1 && plan.pairs.filter((p) => p.logs.vmaf).length > 1;
}

/** What a request runs as: the whole plan (shown, checked) and the processes that carry it out. */
export interface ScoreProcesses {
  plan: ScorePlan;
  processes: ScorePlan[];
}

/** Plans a request and, where the build needs it, one process per distorted video. */
export async function planScoreProcesses(
  req: ScoreRequest,
  deps: ScoreDeps,
  signal?: AbortSignal,
): Promise<ScoreProcesses> {
  const plan = await planScore(req, deps, signal);
  if (plan.blocked || !needsProcessPerDistorted(plan)) return { plan, processes: [plan] };
  const processes: ScorePlan[] = [];
  for (const [i, distorted] of req.distorted.entries()) {
    processes.push(
      await planScore(
        {
          ...req,
          distorted: [{ ...distorted, media: plan.pairs[i]!.media }],
          distortedFixes: req.distortedFixes ? [req.distortedFixes[i] ?? []] : undefined,
          knownPictures: [plan.pairs[i]!.pictures],
        },
        // Separate log folders: every process numbers its pair 0.
        deps.logDir ? { ...deps, logDir: path.join(deps.logDir, `process-${i}`) } : deps,
        signal,
      ),
    );
  }
  plan.warnings.push({
    id: 'libvmaf1-process-per-video',
    message:
      'This libvmaf 1.x build crashes with several VMAF filters in one process, so each video is ' +
      'scored in a process of its own (the reference is decoded once per video).',
  });
  return { plan, processes };
}

/** Runs planned processes one after another and merges their results into one run. */
export async function executeScorePlans(
  processes: ScorePlan[],
  opts: RunScoreOptions = {},
): Promise<ScoreRunResult> {
  if (processes.length === 1) return executeScorePlan(processes[0]!, opts);
  const runs: ScoreRunResult[] = [];
  for (const [i, p] of processes.entries()) {
    runs.push(
      await executeScorePlan(p, {
        ...opts,
        onProgress: (pr) =>
          opts.onProgress?.({
            ...pr,
            fraction: pr.fraction === null ? null : (i + pr.fraction) / processes.length,
          }),
      }),
    );
  }
  const first = runs[0]!;
  return {
    ...first,
    results: runs.flatMap((r) => r.results),
    durationMs: runs.reduce((sum, r) => sum + r.durationMs, 0),
  };
}

/** Runs a plan (which must not be blocked) and returns the scores of every distorted video. */
export async function executeScorePlan(
  plan: ScorePlan,
  opts: RunScoreOptions = {},
): Promise<ScoreRunResult> {
  if (plan.blocked) throw new PreflightBlockedError(plan);
  if (opts.signal?.aborted) throw new VqError('CANCELED', 'Scoring was canceled.');
  const startedAt = new Date();
  // Not recursive for our own folder: an existing one means a name clash, never reuse.
  await mkdir(plan.workDir, { recursive: !plan.ownsWorkDir });
  for (const g of plan.graphFiles) await writeFile(g.path, g.text);
  try {
    const parser = new ProgressParser((block) => {
      const fraction = progressFraction(block, {
        durationSeconds: plan.expectedSeconds,
        frames: null,
      });
      opts.onProgress?.({
        fraction: block.end ? 0.999 : fraction,
        fps: block.fps,
        speed: block.speed,
      });
    });
    const [bin, ...args] = plan.command;
    const r = await runTool(bin!, args, {
      purpose: 'score',
      signal: opts.signal,
      collectStdout: false,
      onStdoutLine: (line) => parser.push(line),
      onSpawn: opts.onSpawn,
      stderrTailBytes: STDERR_TAIL_BYTES,
    });
    if (r.canceled || (r.code !== 0 && opts.signal?.aborted)) {
      throw new VqError('CANCELED', 'Scoring was canceled.');
    }
    if (r.code !== 0) throw scoreFailure(plan, r.code, r.signal, r.stderrTail);

    const results: DistortedScore[] = [];
    let libvmafVersion: string | null = null;
    for (const pair of plan.pairs) {
      const logs = await readLogs(pair, plan.subsample);
      libvmafVersion ??= logs.vmaf?.version ?? null;
      const score = assemblePair(plan, pair, logs);
      results.push(plan.frameRange ? cropToRange(score, plan.frameRange) : score);
    }
    const ffmpeg: ScoreBuild = { ...buildOf(plan), libvmafVersion };
    for (const res of results) res.ffmpeg = ffmpeg;
    opts.onProgress?.({ fraction: 1, fps: null, speed: null });
    return {
      reference: plan.reference.path,
      results,
      command: plan.command,
      ffmpeg,
      model: plan.model,
      startedAt: startedAt.toISOString(),
      durationMs: Date.now() - startedAt.getTime(),
    };
  } finally {
    if (plan.ownsWorkDir) await rm(plan.workDir, { recursive: true, force: true });
  }
}

function buildOf(plan: ScorePlan): ScoreBuild {
  return {
    path: plan.binary.path,
    version: plan.binary.version,
    libvmafApi: plan.binary.libvmaf?.api ?? null,
    libvmafVersion: null,
  };
}

function scoreFailure(
  plan: ScorePlan,
  code: number | null,
  signal: NodeJS.Signals | null,
  stderrTail: string,
): VqError {
  const tail = lastLines(stderrTail, 3);
  const names = [plan.reference.path, ...plan.pairs.map((p) => p.path)];
  let hint =
    "The command is stored with the job; run it in a terminal to see all of ffmpeg's output.";
  if (
    /libvmaf encountered an error|could not (load|read) model|model.*(fail|error)/i.test(stderrTail)
  ) {
    hint = `libvmaf could not run with model ${plan.model?.path ?? plan.model?.name ?? '?'}: run \`vq doctor\` to check the models.`;
  } else if (
    /Decoder .* not found|Invalid data found|Error while decoding|could not find codec/i.test(
      stderrTail,
    )
  ) {
    hint = `The scoring ffmpeg (${plan.binary.path}) cannot decode one of: ${names.join(', ')}.`;
  }
  return new VqError(
    'FFMPEG_FAILED',
    `ffmpeg failed while scoring (exit ${code ?? signal}): ${tail || 'no error output'}`,
    hint,
  );
}

/** One pair's parsed logs (XPSNR already thinned to the subsampled frames). */
export interface PairLogs {
  vmaf: LibvmafLog | null;
  psnr: ReturnType<typeof parsePsnrStats> | null;
  ssim: ReturnType<typeof parseSsimStats> | null;
  xpsnr: XpsnrStatsLine[] | null;
}

async function readLog(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    throw new VqError(
      'FFMPEG_FAILED',
      `ffmpeg exited without error but wrote no ${what} log (${file}).`,
      'This ffmpeg build may be modified; run `vq doctor` and report the build.',
    );
  }
}

async function readLogs(pair: PlannedPair, subsample: number): Promise<PairLogs> {
  return {
    vmaf: pair.logs.vmaf ? parseLibvmafJson(await readLog(pair.logs.vmaf, 'libvmaf')) : null,
    psnr: pair.logs.psnr ? parsePsnrStats(await readLog(pair.logs.psnr, 'psnr')) : null,
    ssim: pair.logs.ssim ? parseSsimStats(await readLog(pair.logs.ssim, 'ssim')) : null,
    xpsnr: pair.logs.xpsnr
      ? everyNth(parseXpsnrStats(await readLog(pair.logs.xpsnr, 'xpsnr')), subsample)
      : null,
  };
}

/**
 * The XPSNR lines of the subsampled frames. XPSNR sees every frame (its temporal term reads the
 * previous one, so a select before it would change the numbers); frames 0, n, 2n… are kept, the
 * frames libvmaf's n_subsample and the psnr/ssim select keep.
 */
export function everyNth(lines: readonly XpsnrStatsLine[], subsample: number): XpsnrStatsLine[] {
  return lines.filter((l) => (l.n - 1) % subsample === 0);
}

/** libvmaf keys that become series (1.x and 2.x names); the other keys are features. */
const VMAF_KEYS = new Set(['vmaf']);
const MS_SSIM_KEYS = new Set(['ms_ssim', 'float_ms_ssim']);
/**
 * CAMBI's key: `cambi`, or `cambi_encbd_8` when it was told the bit depth (libvmaf names a feature
 * after its options; the VMAF v1 recipe does that). The v1 models' own `cambi_hrs_…` are features.
 */
const CAMBI_KEY = /^cambi(_encbd_\d+)?$/;

/**
 * A matched pair's frame numbers: the logs count positions in its list of pairs, the result
 * numbers each by the reference frame it compared (from the start frame, as every result does).
 */
function matchedFrameNumbers(
  positions: readonly number[],
  pair: PlannedPair,
  startFrame: number,
): number[] {
  if (!pair.matched) return [...positions];
  const ref = pair.matched.pairs.ref;
  return positions.map((p) => {
    const r = ref[p];
    if (r === undefined) {
      throw new VqError(
        'INTERNAL',
        `ffmpeg scored frame ${p} of ${pair.path}, but only ${ref.length} frames were matched.`,
        'Please report this with the command.',
      );
    }
    return r - startFrame;
  });
}

/** Turns one pair's parsed logs into its result. Pure over the plan and the logs. */
export function assemblePair(plan: ScorePlan, pair: PlannedPair, logs: PairLogs): DistortedScore {
  const perFrame: Partial<Record<ScoreSeries, number[]>> = {};
  const features: Record<string, number[]> = {};
  const counts: string[] = [];
  let frameNumbers: number[] | null = null;
  const want = new Set<ScoreSeries>(plan.metrics.flatMap((m) => SERIES_OF_METRIC[m]));

  if (logs.vmaf) {
    frameNumbers = logs.vmaf.frames.map((f) => f.frameNum);
    const keys = new Set(logs.vmaf.frames.flatMap((f) => Object.keys(f.metrics)));
    for (const k of keys) {
      const values = logs.vmaf.frames.map((f) => f.metrics[k] ?? Number.NaN);
      if (VMAF_KEYS.has(k)) {
        if (plan.computed.vmaf) perFrame.vmaf = values;
      } else if (MS_SSIM_KEYS.has(k)) {
        if (plan.computed.msSsim) perFrame.msSsim = values;
      } else if (CAMBI_KEY.test(k) && plan.computed.cambi) {
        perFrame.cambi = values;
      } else {
        features[k] = values;
      }
    }
    counts.push(`libvmaf ${logs.vmaf.frames.length}`);
  }
  if (logs.psnr) {
    if (want.has('psnrY')) perFrame.psnrY = logs.psnr.map((l) => l.psnrY);
    if (want.has('psnr')) perFrame.psnr = logs.psnr.map((l) => l.psnrAvg);
    frameNumbers ??= logs.psnr.map((l) => (l.n - 1) * plan.subsample);
    counts.push(`psnr ${logs.psnr.length}`);
  }
  if (logs.ssim) {
    if (want.has('ssimY')) perFrame.ssimY = logs.ssim.map((l) => l.ssimY);
    if (want.has('ssim')) perFrame.ssim = logs.ssim.map((l) => l.ssimAll);
    frameNumbers ??= logs.ssim.map((l) => (l.n - 1) * plan.subsample);
    counts.push(`ssim ${logs.ssim.length}`);
  }
  if (logs.xpsnr) {
    if (want.has('xpsnr')) perFrame.xpsnr = logs.xpsnr.map((l) => l.y);
    if (want.has('xpsnrU')) perFrame.xpsnrU = logs.xpsnr.map((l) => l.u);
    if (want.has('xpsnrV')) perFrame.xpsnrV = logs.xpsnr.map((l) => l.v);
    frameNumbers ??= logs.xpsnr.map((l) => l.n - 1);
    counts.push(`xpsnr ${logs.xpsnr.length}`);
  }
  const frames = matchedFrameNumbers(frameNumbers ?? [], pair, plan.startFrame);
  const lengths = new Set(counts.map((c) => Number(c.split(' ')[1])));
  if (lengths.size > 1) {
    // The filters see the same frames by construction; a difference means a wrong pairing.
    throw new VqError(
      'INTERNAL',
      `The metrics of ${pair.path} cover different numbers of frames (${counts.join(', ')}).`,
      'Please report this with the command; the numbers are not shown because they would not match.',
    );
  }

  const warnings: ScoreWarning[] = [...plan.warnings, ...pair.notes];
  const expected = pair.resolution.expectedFrames;
  // A chunk's run scores its overlap too; cropToRange checks it covers exactly its range.
  if (expected !== null && !plan.frameRange) {
    const wantScored = Math.ceil(expected / plan.subsample);
    if (frames.length !== wantScored) {
      warnings.push({
        id: 'frame-count',
        message:
          `${frames.length} frames were scored, but the probe expected ${wantScored}. The file's ` +
          'frame count or duration may be stated wrongly, or a video ended early (a decode error?).',
      });
    }
  }
  if (frames.length === 0) {
    throw new VqError(
      'FFMPEG_FAILED',
      `No frame of ${pair.path} was scored.`,
      'Check that both videos decode, and the start and frame range.',
    );
  }
  warnings.push(...infiniteWarnings(perFrame));

  const r = pair.resolution;
  const alignment: Alignment = {
    width: (pair.crop?.width ?? plan.width) - Math.abs(pair.shift?.x ?? 0),
    height: (pair.crop?.height ?? plan.height) - Math.abs(pair.shift?.y ?? 0),
    scaler: 'bicubic',
    pixFmt: plan.pixFmt,
    vmafPixFmt: logs.vmaf ? (plan.vmafPixFmt ?? plan.pixFmt) : null,
    frameRate: plan.frameRate,
    referenceTiming: plan.referenceTiming,
    distortedTiming: r.distortedTiming,
    frameMatch: pair.matched?.match ?? null,
    crop: pair.crop ? { distorted: pair.crop.distorted, reference: pair.crop.reference } : null,
    shift: pair.shift,
    startFrame: plan.startFrame,
    frames: r.applied.includes('trim-to-shortest') ? r.trimFrames : plan.frames,
    subsample: plan.subsample,
    rangeConversion: r.rangeConversion,
    matrixConversion: r.matrixConversion,
  };

  return {
    distorted: pair.path,
    frames: frames.length,
    frameNumbers: frames,
    perFrame,
    metrics: poolAll(perFrame, plan.thresholds ?? {}),
    libvmafFeatures: features,
    warnings,
    unavailable: plan.unavailable,
    preflight: pair.findings,
    fixes: r.applied,
    alignment,
    model: logs.vmaf ? plan.model : null,
    command: plan.command,
    ffmpeg: buildOf(plan),
  };
}
