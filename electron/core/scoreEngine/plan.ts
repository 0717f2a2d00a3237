/**
 * Planning a scoring run without running it: probe the inputs (unless given), pick the build and
 * the model, run the pre-flight check per pair, apply the chosen fixes and build the exact
 * command. The UI and CLI show this plan (findings, fixes, command) before anything is scored.
 */
import { randomBytes } from 'node:crypto';
import { access, realpath, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { VqError, toApiError } from '../../../shared/errors';
import type { MediaInfo, RawVideoSpec } from '../../../shared/media';
import { bitDepthOf, chromaOf } from '../../../shared/pixfmt';
import {
  eightBitTwin,
  PICTURE_FIXES,
  choosesTiming,
  frameCountOf,
  frameRateOf,
  looksAtPictures,
  preflight,
  resolvePair,
  scoringPixFmt,
  type FixId,
  type PairResolution,
  type PreflightFinding,
} from '../../../shared/preflight';
import { metricSupport } from '../../../shared/metricSupport';
import {
  DEFAULT_SCORE_METRICS,
  type ModelUsed,
  type PictureBox,
  type ScoreMetric,
  type ScoreOptions,
  type ScoreWarning,
  type UnavailableMetric,
} from '../../../shared/score';
import type { BinaryInfo, ToolchainReport } from '../../../shared/toolchain';
import { fsErrorToVqError, probeFile } from '../probe';
import { CURRENT_BUILD_ADVICE, NO_FFMPEG_ADVICE, NO_LIBVMAF_ADVICE } from '../toolchain/advice';
import { CAMBI_MIN_SIZE, cambiSizeProblem } from './cambiSize';
import {
  checkFrameRange,
  chunkOverlap,
  chunkSeeks,
  planFrameRange,
  type FrameRange,
  type PlannedFrameRange,
} from './chunkRange';
import { hasUnescapablePipe } from '../ffmpeg/escape';
import {
  INLINE_GRAPH_CHARS,
  buildScoreArgs,
  buildScoreGraph,
  canConvertMatrix,
  type DecodedPicture,
  type PairGraphSpec,
  type PairLogPaths,
  type ScoreGraphFile,
  type ScoreInputArgs,
} from './graph';
import {
  alignVideos,
  alignmentFinding,
  appliesItself,
  cropsFor,
  decodedSize,
  frameMatchOf,
  pictureAreaFinding,
  pictureShiftFinding,
  type AlignmentReport,
} from '../align/alignVideos';
import {
  framePairs,
  type DroppedFrames,
  type FrameMatch,
  type FramePairs,
} from '../../../shared/frameMatch';
import { resolveModel } from './model';
import { v1PairSetup, v1RecipeNote, type V1PairSetup } from './vmafV1';

/** A video to score: its path, raw geometry for headerless files, and its probe if known. */
export interface ScoreSource {
  path: string;
  raw?: RawVideoSpec | null;
  /** Probe result, when the caller has it (library items); probed otherwise. */
  media?: MediaInfo;
}

/** One scoring run: one reference, one or more distorted videos, options. */
export interface ScoreRequest extends ScoreOptions {
  reference: ScoreSource;
  distorted: ScoreSource[];
  /** Extra fixes per distorted video (same order), on top of `fixes`. */
  distortedFixes?: FixId[][];
  /**
   * Picture checks already made for these distorted videos (same order) by a plan of the same
   * request: planned again (one process per video), they are not made twice.
   */
  knownPictures?: (AlignmentReport | null)[];
  /**
   * Score only frames [start, end) of the whole-video run (a chunk), with results equal to that
   * run's for those frames: the run scores the few frames around the range that metrics read
   * (chunkRange.ts chunkOverlap) and drops them. `frameNumbers` are then frame indices in the
   * whole video (`start` … `end − 1`), and everything else (alignment, pre-flight, fixes) is the
   * whole-video run's, so chunkMerge.ts can join the chunks into it. Not with `startSeconds`,
   * `frames` or `subsample`.
   */
  frameRange?: FrameRange;
}

/** What planning needs from the app. */
export interface ScoreDeps {
  /** The toolchain doctor (only its report is read). */
  toolchain: { report(): Promise<ToolchainReport> };
  /** Parent of the temporary log folder (default: the OS temp folder). */
  tmpDir?: string;
  /** Keep the libvmaf/psnr/ssim logs in this folder (created, never removed) instead. */
  logDir?: string;
  /** The data folder's cache, where frame signatures are kept for matching by pictures. */
  cacheDir?: string | null;
  /** Longest graph passed on the command line (default INLINE_GRAPH_CHARS; tests lower it). */
  inlineGraphChars?: number;
}

/** Which metrics are computed (and so which filters run). */
export interface ComputedMetrics {
  vmaf: boolean;
  psnr: boolean;
  ssim: boolean;
  msSsim: boolean;
  /** libvmaf's `cambi` feature (libvmaf 2+). */
  cambi: boolean;
  /** ffmpeg's `xpsnr` filter (FFmpeg 7.1+). */
  xpsnr: boolean;
}

/** One distorted video in the plan. */
export interface PlannedPair {
  path: string;
  media: MediaInfo;
  findings: PreflightFinding[];
  resolution: PairResolution;
  logs: PairLogPaths;
  /** How libvmaf sees this pair for a VMAF v1 model (Netflix's recipe), else null. */
  v1: V1PairSetup | null;
  /** Notes for this pair's result only (what the v1 recipe applied). */
  notes: ScoreWarning[];
  /** The picture check (alignment assistant), when one ran; its evidence for the pre-flight. */
  pictures: AlignmentReport | null;
  /** The match scored on and the frames it pairs (cut to the range), when align-frames applies. */
  matched: { match: FrameMatch; pairs: FramePairs } | null;
  /** The part of each picture compared and the pair's size, when a crop fix applies. */
  crop: {
    distorted: PictureBox | null;
    reference: PictureBox | null;
    width: number;
    height: number;
  } | null;
  /** The distorted picture moved back by this much (compared pixels), when shift-distorted applies. */
  shift: { x: number; y: number } | null;
}

/** A planned run: everything needed to run it and to show it before running. */
export interface ScorePlan {
  binary: BinaryInfo;
  reference: { path: string; media: MediaInfo };
  pairs: PlannedPair[];
  metrics: ScoreMetric[];
  computed: ComputedMetrics;
  unavailable: UnavailableMetric[];
  /** Notes for every result (workarounds, skipped metrics). */
  warnings: ScoreWarning[];
  model: ModelUsed | null;
  width: number;
  height: number;
  pixFmt: string;
  vmafPixFmt: string | null;
  frameRate: string | null;
  /** How the reference's frames are timed (a chunk's seek aside: that is how it is read). */
  referenceTiming: PairResolution['referenceTiming'];
  startFrame: number;
  frames: number | null;
  subsample: number;
  threads: number;
  /** Thresholds for the "share below" figure. */
  thresholds: ScoreOptions['thresholds'];
  /** Folder of the logs; created when the run starts. */
  workDir: string;
  /** True when the run removes workDir afterwards. */
  ownsWorkDir: boolean;
  /** The exact command (binary first). */
  command: string[];
  /** Graphs the command reads from files (a long frame match): written when the run starts. */
  graphFiles: { path: string; text: string }[];
  /** Seconds of reference the run covers, for progress; null when unknown. */
  expectedSeconds: number | null;
  /** True when a pair has a blocking finding no chosen fix resolves. */
  blocked: boolean;
  /**
   * The chunk this plan scores (`ScoreRequest.frameRange`), or null for the whole run. With a
   * chunk, `startFrame`/`frames` still describe the whole run (what its results record) and the
   * command decodes frames [first, first + decoded) of it.
   */
  frameRange: PlannedFrameRange | null;
}

/** MS-SSIM's five halvings need 176 pixels (libvmaf 1.x fails the whole run below it). */
export const MS_SSIM_MIN_SIZE = 176;

/**
 * Why the xpsnr filter cannot score frames of this size, or null when it can. It works in blocks
 * of `4·round(32·√(w·h / (3840·2160)))` pixels (vf_xpsnr.c get_wsse) and divides by that size,
 * which is 0 below 2025 pixels (45×45): FFmpeg 7.1 dies of SIGFPE (measured: 45×45, 46×46 and 64×32
 * work; 46×44, 45×44 and 44×46 do not).
 */
export function xpsnrSizeProblem(width: number, height: number): string | null {
  const block = 4 * Math.trunc(32 * Math.sqrt((width * height) / (3840 * 2160)) + 0.5);
  return block > 0 ? null : 'XPSNR needs frames of at least 2025 pixels (45x45)';
}

/**
 * libvmaf's n_threads when the request names none. One video keeps every core. Several videos in
 * one process share them: on FFmpeg 7 and later, which runs each filtergraph (one per video, see
 * graph.ts) in a thread of its own, floor(cores / videos) each, and 0 — libvmaf's synchronous
 * mode, scoring in the graph's own thread — where that share is one core or less. Measured on
 * 2 cores, FFmpeg 7.1.5 + libvmaf 3.2, busy machine, 6 interleaved rounds (issue 12): two
 * renditions of a 10 s 1080p reference, VMAF+PSNR+SSIM, n_threads=1 against 0: 1.11x the median
 * wall time (1.24x paired by round), 1.09x the CPU time, 2.7 GB peak memory instead of 0.39 GB
 * (with n_threads ≥ 1 libvmaf queues frames without bound), the same scores; four renditions of
 * a 1 s reference took 0.77x the wall time of four processes with 0, 0.87x with 1. Older FFmpeg
 * filters every graph in its main thread, where synchronous libvmafs would score one video at a
 * time, so there each keeps at least one thread (not measured: no such build with libvmaf 2 here).
 */
export function libvmafThreads(cores: number, videos: number, ffmpegMajor: number | null): number {
  if (videos <= 1) return cores;
  const share = Math.floor(cores / videos);
  if (ffmpegMajor !== null && ffmpegMajor >= 7) return share >= 2 ? share : 0;
  return Math.max(1, share);
}

/**
 * The memory libvmaf ≥ 2 may hold in its threaded mode: it takes every frame pair as fast as ffmpeg
 * decodes and queues it until a thread scores it, with no bound, so a run can hold nearly every
 * frame of the title (measured, FFmpeg 7.1.5 + libvmaf 3.2, 2 cores, one 1080p pair: 1.2 GB for
 * 10 s, 2.3 GB for 30 s, 5.5 GB for 60 s with n_threads=2; 0.22 GB for 60 s with n_threads=0,
 * which scores in the filter's own thread at 0.85x the speed). The worst case: both pictures of
 * every frame of every video in the process, in the format libvmaf reads.
 */
export function libvmafQueueBytes(o: {
  width: number;
  height: number;
  pixFmt: string;
  frames: number;
  videos: number;
}): number {
  const planes = { '4:2:0': 1.5, '4:2:2': 2, '4:4:4': 3 }[chromaOf(o.pixFmt) ?? '4:2:0'] ?? 3;
  const sampleBytes = bitDepthOf(o.pixFmt) > 8 ? 2 : 1;
  return 2 * o.width * o.height * planes * sampleBytes * o.frames * o.videos;
}

/**
 * The share of the machine's memory the worst case of libvmaf's queue may take before libvmaf
 * runs synchronously. Half: the worst case counts every frame (measured peaks were about 60% of
 * it on 2 cores), and ffmpeg's decoders and the app need the rest.
 */
export const LIBVMAF_QUEUE_BUDGET = 0.5;

/** What to do about a metric this build cannot compute. */
const METRIC_HINTS: Readonly<Record<ScoreMetric, string>> = {
  vmaf: NO_LIBVMAF_ADVICE,
  ms_ssim: NO_LIBVMAF_ADVICE,
  psnr: 'Install an ffmpeg with the psnr and ssim filters (any standard build) and run `vq doctor`.',
  ssim: 'Install an ffmpeg with the psnr and ssim filters (any standard build) and run `vq doctor`.',
  cambi: CURRENT_BUILD_ADVICE,
  xpsnr: CURRENT_BUILD_ADVICE,
};

/** The scoring build: the toolchain's choice for `score`, with its probe facts. */
export function scoreBinary(report: ToolchainReport): BinaryInfo {
  const chosen = report.binaries.find(
    (b) => b.kind === 'ffmpeg' && b.path === report.selected.score,
  );
  if (!chosen) {
    throw new VqError(
      'NO_FFMPEG',
      'No ffmpeg that can measure quality was found.',
      NO_FFMPEG_ADVICE,
    );
  }
  return chosen;
}

/**
 * Decides which metrics run on this build and why the others cannot (shared/metricSupport's
 * reasons, with the doctor's advice as the hint).
 */
export function metricsFor(
  requested: readonly ScoreMetric[],
  build: BinaryInfo,
): { computed: ComputedMetrics; unavailable: UnavailableMetric[] } {
  const unavailable: UnavailableMetric[] = [];
  const can = (m: ScoreMetric): boolean => {
    if (!requested.includes(m)) return false;
    const support = metricSupport(m, build);
    if (support.ok) return true;
    unavailable.push({ metric: m, reason: support.reason, hint: METRIC_HINTS[m] });
    return false;
  };
  return {
    computed: {
      vmaf: can('vmaf'),
      psnr: can('psnr'),
      ssim: can('ssim'),
      msSsim: can('ms_ssim'),
      cambi: can('cambi'),
      xpsnr: can('xpsnr'),
    },
    unavailable: [...unavailable].sort(
      (a, b) => requested.indexOf(a.metric) - requested.indexOf(b.metric),
    ),
  };
}

/** True when at least one metric is computed. */
export function computesAny(c: ComputedMetrics): boolean {
  return c.vmaf || c.psnr || c.ssim || c.msSsim || c.cambi || c.xpsnr;
}

/**
 * The refusal of a request none of whose metrics can be computed: every reason (metrics this
 * build lacks, metrics skipped for the size) and the advice of each.
 */
export function nothingToCompute(
  unavailable: readonly UnavailableMetric[],
  skipped: readonly string[] = [],
): VqError {
  const reasons = [...unavailable.map((u) => u.reason), ...skipped];
  const hints = [...new Set(unavailable.map((u) => u.hint).filter((h) => h !== undefined))];
  return new VqError(
    'UNSUPPORTED',
    reasons.length === 1
      ? reasons[0]!
      : `None of the requested metrics can be computed. ${reasons.join(' ')}`.trim(),
    hints.join(' ') || undefined,
  );
}

async function probeSource(
  src: ScoreSource,
  ffprobe: string | null,
  signal?: AbortSignal,
): Promise<MediaInfo> {
  if (src.media) return src.media;
  if (!ffprobe) {
    throw new VqError('NO_FFPROBE', 'No working ffprobe was found to read the videos.');
  }
  return probeFile(src.path, { ffprobe, raw: src.raw ?? undefined, signal });
}

async function checkModelFile(model: ModelUsed): Promise<void> {
  if (!model.path) return;
  const need = model.format === 'pkl' ? [model.path, `${model.path}.model`] : [model.path];
  for (const f of need) {
    try {
      if (!(await stat(f)).isFile()) throw new Error('not a file');
      await access(f);
    } catch {
      throw new VqError(
        'NOT_FOUND',
        `The VMAF model file ${f} does not exist or cannot be read.`,
        model.format === 'pkl'
          ? 'libvmaf 1.x needs the .pkl and its .pkl.model in the same folder.'
          : 'Check the path given with --model, or run `vq doctor` to list the models found.',
      );
    }
  }
}

/** The real path ffmpeg opens; a file gone since probing is NOT_FOUND, not a raw fs error. */
async function realInput(file: string): Promise<string> {
  try {
    return await realpath(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw (
      fsErrorToVqError(code, file) ??
      new VqError('NOT_FOUND', `${file} cannot be opened (${code}).`)
    );
  }
}

/** True when ffmpeg turns the pictures on their side (it applies the display rotation). */
const onItsSide = (media: MediaInfo): boolean => Math.abs(media.video.rotation % 180) === 90;

/** The distorted video as encoded, the way up ffmpeg shows it: what the v1 recipe tells CAMBI. */
function encodedOf(media: MediaInfo): { width: number; height: number; bitDepth: number } {
  const v = media.video;
  const [width, height] = onItsSide(media) ? [v.height, v.width] : [v.width, v.height];
  return { width, height, bitDepth: bitDepthOf(v.pixFmt) };
}

/** The picture a video decodes to, when sure (the graph then may share a scale), else undefined. */
function decodedOf(media: MediaInfo): DecodedPicture | undefined {
  const v = media.video;
  return v.rotation % 360 === 0
    ? { width: v.width, height: v.height, pixFmt: v.pixFmt }
    : undefined;
}

/** Plans a run: probes, picks build and model, runs pre-flight, builds the command. */
export async function planScore(
  req: ScoreRequest,
  deps: ScoreDeps,
  signal?: AbortSignal,
): Promise<ScorePlan> {
  if (req.distorted.length === 0) {
    throw new VqError('INVALID_ARGS', 'Give at least one distorted video to score.');
  }
  if (req.frameRange) checkChunkRequest(req, req.frameRange);
  const report = await deps.toolchain.report();
  const binary = scoreBinary(report);
  const metrics = [...new Set(req.metrics ?? DEFAULT_SCORE_METRICS)];
  const { computed, unavailable } = metricsFor(metrics, binary);
  if (!computesAny(computed)) throw nothingToCompute(unavailable);

  const ffprobe = report.selected.probe;
  const refMedia = await probeSource(req.reference, ffprobe, signal);
  // One at a time: probing reads every packet, and parallel reads of one disk only compete.
  const distMedia: MediaInfo[] = [];
  for (const d of req.distorted) distMedia.push(await probeSource(d, ffprobe, signal));

  const width = req.scale && req.scale !== 'auto' ? req.scale.width : refMedia.video.width;
  const height = req.scale && req.scale !== 'auto' ? req.scale.height : refMedia.video.height;
  const warnings: ScoreWarning[] = [];

  if (computed.msSsim && Math.min(width, height) < MS_SSIM_MIN_SIZE) {
    computed.msSsim = false;
    const defect = binary.defects.find((d) => d.id === 'libvmaf-msssim-min-size');
    warnings.push({
      id: 'ms-ssim-skipped',
      message:
        `MS-SSIM was skipped: it needs at least ${MS_SSIM_MIN_SIZE} pixels in both directions and ` +
        `the videos are compared at ${width}x${height}` +
        (defect ? ' (libvmaf 1.x would fail the whole run).' : '.') +
        ' Score at a larger size (--scale) to get it.',
      reference: defect?.reference ?? 'https://github.com/Netflix/vmaf/issues/105',
    });
  }
  const cambiProblem = computed.cambi ? cambiSizeProblem(width, height) : null;
  if (cambiProblem) {
    computed.cambi = false;
    warnings.push({
      id: 'cambi-skipped',
      message:
        `CAMBI was skipped: ${cambiProblem}, and the videos are compared at ${width}x${height}. ` +
        (Math.max(width, height) < CAMBI_MIN_SIZE
          ? 'Score at a larger size (--scale) to get it.'
          : 'Its window grows with the picture, so only a less elongated size (--scale) helps.'),
      reference: 'https://github.com/Netflix/vmaf/blob/master/libvmaf/src/feature/cambi.c',
    });
  }
  const xpsnrProblem = computed.xpsnr ? xpsnrSizeProblem(width, height) : null;
  if (xpsnrProblem) {
    computed.xpsnr = false;
    warnings.push({
      id: 'xpsnr-skipped',
      message:
        `XPSNR was skipped: ${xpsnrProblem}, and the videos are compared at ${width}x${height}. ` +
        'Score at a larger size (--scale) to get it.',
    });
  }
  const refRate = frameRateOf(refMedia);
  if (computed.xpsnr) {
    // XPSNR's weighting depends on the frame rate, and the filter needs it: never guessed.
    const unknown = [refMedia, ...distMedia].findIndex((m) => frameRateOf(m) === null);
    if (unknown >= 0) {
      computed.xpsnr = false;
      const file = unknown === 0 ? req.reference.path : req.distorted[unknown - 1]!.path;
      unavailable.push({
        metric: 'xpsnr',
        reason:
          `XPSNR needs the frame rate (its weighting depends on it), and the frame rate of ` +
          `${file} is unknown.`,
        hint: 'Score a copy that states its frame rate (remuxed to MP4 or MKV), or leave XPSNR out.',
      });
    }
  }
  if (!computesAny(computed)) {
    throw nothingToCompute(
      unavailable,
      warnings.map((w) => w.message),
    );
  }

  const hdrNote = hdrMetricsNote(refMedia.video.hdr, computed);
  if (hdrNote) warnings.push(hdrNote);

  const pixFmt = scoringPixFmt(refMedia.video.pixFmt);
  let model: ModelUsed | null = null;
  // libvmaf runs for VMAF, and for MS-SSIM or CAMBI alone (it then computes VMAF too, unreported).
  const libvmafRuns = computed.vmaf || computed.msSsim || computed.cambi;
  if (libvmafRuns) {
    const choice = resolveModel(req.model, { width, height }, binary, {
      pixFmt,
      fps: refRate?.value ?? null,
    });
    model = choice.model;
    warnings.push(...choice.warnings);
    await checkModelFile(model);
    if (binary.libvmaf?.api === 2 && model.path && hasUnescapablePipe(model.path)) {
      throw new VqError(
        'UNSUPPORTED',
        `The model path ${model.path} contains "|", which ffmpeg's libvmaf filter cannot take.`,
        'Copy the model to a folder whose path has no "|".',
      );
    }
  }
  let vmafPixFmt: string | null = null;
  const tenBit = binary.defects.find((d) => d.id === 'libvmaf-10bit');
  if (libvmafRuns && tenBit && bitDepthOf(pixFmt) > 8) {
    vmafPixFmt = eightBitTwin(pixFmt);
    warnings.push({
      id: 'libvmaf-10bit-workaround',
      message:
        `VMAF${computed.msSsim ? ' and MS-SSIM were' : ' was'} computed on 8-bit conversions ` +
        `(${vmafPixFmt}) of both videos, because this ffmpeg's libvmaf (ffmpeg 4.x) computes them ` +
        'wrongly on 10-bit input. PSNR and SSIM use the 10-bit samples. Expect VMAF within a few ' +
        'hundredths of a 10-bit-capable build.',
      reference: tenBit.reference,
    });
  }

  const startFrame = req.startSeconds ? Math.round(req.startSeconds * (refRate?.value ?? 25)) : 0;
  const chunk = req.frameRange
    ? planFrameRange(
        req.frameRange,
        chunkOverlap({
          libvmaf:
            libvmafRuns && model && binary.libvmaf ? { api: binary.libvmaf.api, model } : null,
          xpsnrFps: computed.xpsnr ? (refRate?.value ?? null) : null,
        }),
      )
    : null;
  if (chunk) checkRangeInside(chunk, refMedia, req.reference.path);
  const frames = req.frames ?? null;
  const subsample = req.subsample ?? 1;
  // libvmaf 1.x scores each video in a process of its own (run.ts needsProcessPerDistorted).
  const videosPerProcess = binary.libvmaf?.api === 1 ? 1 : distMedia.length;
  let threads =
    req.threads ?? libvmafThreads(os.availableParallelism(), videosPerProcess, binary.major);
  const defects = binary.defects.map((d) => d.id);

  const workDir =
    deps.logDir ??
    path.join(deps.tmpDir ?? os.tmpdir(), `vq-score-${randomBytes(6).toString('hex')}`);

  // A VMAF v1 model (libvmaf ≥ 3.2, else resolveModel refused it) is run as Netflix recommends.
  const v1Of = (media: MediaInfo): V1PairSetup | null =>
    model && binary.libvmaf?.api === 2 && vmafPixFmt === null
      ? v1PairSetup(model.name, { width, height, pixFmt }, encodedOf(media))
      : null;
  const v1 = distMedia.map(v1Of);
  const v1PixFmt = v1[0]?.vmafPixFmt;
  if (v1PixFmt && v1PixFmt !== pixFmt) vmafPixFmt = v1PixFmt;

  const pairs: PlannedPair[] = [];
  for (const [i, media] of distMedia.entries()) {
    const findings = preflight(refMedia, media, {
      vmaf: computed.vmaf,
      defects,
      startFrame,
      frames,
    });
    const chosen = [...(req.fixes ?? []), ...(req.distortedFixes?.[i] ?? [])];
    let pictures: AlignmentReport | null = null;
    if (looksAtPictures(req.align, findings, chosen)) {
      if (chunk) {
        throw new VqError(
          'INVALID_ARGS',
          'This pair’s frames are matched by their pictures first, so it is scored in one run, not in chunks.',
          'Score it without chunks (no chunk length for its batch, VQ_SCORE_CHUNK_SECONDS unset), or with --align off.',
        );
      }
      pictures = await lookAtPictures(req, i, refMedia, media, findings, chosen, {
        ffmpeg: binary.path,
        signal,
        cacheDir: deps.cacheDir ?? null,
        // A shift costs a decode more of each: looked for when every pair is looked at closely.
        findShift: req.align === 'on' || chosen.includes('shift-distorted'),
      });
      if (pictures) {
        const timing = alignmentFinding(pictures);
        // Told to pair the frames by position or time, it says so rather than blocks.
        const byTime = req.align === 'off' || choosesTiming(chosen);
        findings.unshift(
          byTime && timing.severity === 'block'
            ? {
                ...timing,
                severity: 'warn',
                message: `${timing.message} Paired by position or time instead, as chosen.`,
              }
            : timing,
        );
        const bars = pictureAreaFinding(pictures, sizesOf(refMedia, media));
        if (bars) findings.unshift(bars);
        const shifted = pictureShiftFinding(pictures);
        if (shifted) findings.unshift(shifted);
        // Applied by itself unless the person said how to pair the frames (never, or by time).
        if (appliesItself(pictures) && req.align !== 'off' && !choosesTiming(chosen))
          chosen.push('align-frames');
      }
    }
    const resolution = resolvePair(refMedia, media, findings, chosen, { startFrame, frames });
    const matched =
      pictures && resolution.distortedTiming === 'matched'
        ? matchedPairs(pictures, req.droppedFrames ?? 'exclude', startFrame, frames)
        : null;
    const crop =
      pictures && resolution.crop
        ? cropsFor(resolution.crop, pictures, sizesOf(refMedia, media))
        : null;
    // The shift in compared pixels: reference pixels when a crop sets the size, else scaled.
    const found = resolution.shift ? (pictures?.shift ?? null) : null;
    const perRefPixel = crop ? 1 : width / decodedSize(refMedia).width;
    const shift = found
      ? { x: Math.round(found.x * perRefPixel), y: Math.round(found.y * perRefPixel) }
      : null;
    if (matched) {
      resolution.expectedFrames = matched.pairs.ref.length;
      if (holdsFrames(matched.pairs) && (binary.major ?? 0) < 5) {
        throw new VqError(
          'UNSUPPORTED',
          `Scoring dropped frames against the frame held in their place needs FFmpeg 5 or later; ` +
            `${binary.path} is FFmpeg ${binary.version ?? '(unknown version)'}, whose fps filter ` +
            'loses the last frame of such a leg.',
          'Leave the dropped frames out (--dropped exclude), or score with a newer ffmpeg (`vq doctor` lists them).',
        );
      }
    }
    const mc = resolution.matrixConversion;
    if (mc && (!canConvertMatrix(mc.from) || !canConvertMatrix(mc.to))) {
      throw new VqError(
        'UNSUPPORTED',
        `The colour matrix ${canConvertMatrix(mc.from) ? mc.to : mc.from} cannot be converted.`,
        'Score without the convert-matrix fix.',
      );
    }
    pairs.push({
      path: req.distorted[i]!.path,
      media,
      findings,
      resolution,
      logs: {
        vmaf: libvmafRuns ? path.join(workDir, `vmaf-${i}.json`) : null,
        psnr: computed.psnr ? path.join(workDir, `psnr-${i}.log`) : null,
        ssim: computed.ssim ? path.join(workDir, `ssim-${i}.log`) : null,
        xpsnr: computed.xpsnr ? path.join(workDir, `xpsnr-${i}.log`) : null,
      },
      v1: v1[i]!,
      notes: v1[i] ? [v1RecipeNote(model!.name, v1[i]!, encodedOf(media), computed)] : [],
      pictures,
      matched,
      crop,
      shift,
    });
  }
  // The reference leg is shared: it is converted when any pair converts it.
  const referenceTiming: PairResolution['referenceTiming'] = pairs.some(
    (p) => p.resolution.referenceTiming === 'convert',
  )
    ? 'convert'
    : pairs[0]!.resolution.referenceTiming;

  // A chunk reads every input from a seek near its first frame where all can be placed exactly;
  // else from the start, cutting its frames with trim (chunkRange.ts).
  const seeks = chunk
    ? chunkSeeks(chunk.first, [
        ...pairs.map((p) => ({ media: p.media, timing: p.resolution.distortedTiming })),
        { media: refMedia, timing: referenceTiming },
      ])
    : null;
  const graphPairs: PairGraphSpec[] = pairs.map((p) => ({
    streamIndex: p.media.video.index,
    decoded: decodedOf(p.media),
    modelOptions: p.v1?.modelOptions ?? [],
    cambiOptions: p.v1?.cambiOptions ?? [],
    matched: p.matched?.pairs ?? null,
    crop: p.crop,
    shift: p.shift,
    timing: seeks
      ? 'seeked'
      : p.resolution.distortedTiming === 'matched'
        ? 'timestamps'
        : p.resolution.distortedTiming,
    trimFrames: chunkTrim(
      p.resolution.applied.includes('trim-to-shortest') ? p.resolution.trimFrames : null,
      chunk,
    ),
    rangeConversion: p.resolution.rangeConversion,
    forceRange: p.resolution.forceRange,
    matrixConversion: p.resolution.matrixConversion,
    logs: p.logs,
  }));
  if (libvmafRuns && binary.libvmaf?.api === 2 && threads > 0) {
    // A title too long for libvmaf's unbounded queue is scored synchronously (see
    // libvmafQueueBytes); an unknown length counts as too long. A thread count the person chose
    // is kept, with the warning.
    const counts = pairs.map((p) => p.resolution.expectedFrames);
    const wholeRun = counts.every((n) => n !== null) ? Math.max(...(counts as number[])) : null;
    // A chunk holds at most its own frames.
    const longest = chunk ? Math.min(chunk.decoded, wholeRun ?? Infinity) : wholeRun;
    const need =
      longest === null
        ? Infinity
        : libvmafQueueBytes({
            width,
            height,
            pixFmt: vmafPixFmt ?? pixFmt,
            frames: Math.ceil(longest / subsample),
            videos: videosPerProcess,
          });
    const budget = os.totalmem() * LIBVMAF_QUEUE_BUDGET;
    if (need > budget) {
      const gb = (n: number): string => `${(n / 2 ** 30).toFixed(1)} GB`;
      const size = Number.isFinite(need) ? `up to ${gb(need)}` : 'an unknown amount';
      const chosen = threads;
      if (req.threads === undefined) threads = 0;
      warnings.push({
        id: 'libvmaf-synchronous',
        message:
          req.threads === undefined
            ? `libvmaf scored synchronously, one core per video instead of ${chosen} ` +
              `(n_threads=0): its threaded mode queues frames without bound and could hold ` +
              `${size} of memory for this title, more than half of this machine's ` +
              `${gb(os.totalmem())}. The scores are the same; it can take up to ${chosen}x ` +
              'longer (1.2x measured on 2 cores). Ask for threads explicitly to use them anyway.'
            : `libvmaf's threaded mode (n_threads=${threads}, as asked) queues frames without ` +
              `bound and could hold ${size} of memory for this title (this machine has ` +
              `${gb(os.totalmem())}). Without a thread count it would score synchronously.`,
      });
    }
  }
  const graphs = buildScoreGraph({
    width,
    height,
    pixFmt,
    vmafPixFmt,
    vmafLegs: v1PixFmt ? 'scale' : 'convert',
    frameRate: refRate?.text ?? null,
    reference: {
      streamIndex: refMedia.video.index,
      timing: seeks ? 'seeked' : referenceTiming,
      decoded: decodedOf(refMedia),
    },
    startFrame: chunk ? (seeks ? 0 : chunk.first) : startFrame,
    frames: chunk ? chunk.decoded : frames,
    subsample,
    vmaf:
      libvmafRuns && model && binary.libvmaf
        ? {
            api: binary.libvmaf.api,
            model,
            threads,
            msSsim: computed.msSsim,
            cambi: computed.cambi,
          }
        : null,
    pairs: graphPairs,
  });

  // A graph too long for a command line (a long frame match) is read from a file in the work
  // folder, written when the run starts.
  const inlineChars = deps.inlineGraphChars ?? INLINE_GRAPH_CHARS;
  const graphFiles = graphs.map((g, i): ScoreGraphFile | null =>
    g.graph.length > inlineChars
      ? {
          path: path.join(workDir, `graph-${i}.txt`),
          option: (binary.major ?? 0) >= 7 ? '-/filter_complex' : '-filter_complex_script',
        }
      : null,
  );
  const inputs: ScoreInputArgs[] = [];
  for (const [i, p] of pairs.entries()) {
    inputs.push({
      path: await realInput(p.path),
      raw: req.distorted[i]!.raw ?? null,
      // A matched leg picks frames by number: its timestamps are not read.
      rate: !seeks && p.resolution.distortedTiming === 'index' ? (refRate?.text ?? null) : null,
      seekSeconds: seeks?.[i] ?? null,
    });
  }
  inputs.push({
    path: await realInput(req.reference.path),
    raw: req.reference.raw ?? null,
    rate: !seeks && referenceTiming === 'index' ? (refRate?.text ?? null) : null,
    seekSeconds: seeks?.[pairs.length] ?? null,
  });

  const expected = pairs
    .map((p) => p.resolution.expectedFrames)
    .filter((x): x is number => x !== null);
  const whole = expected.length > 0 ? Math.max(...expected) : null;
  // A chunk scores its frames up to the end of the whole run.
  const expectedFrames = chunk ? Math.min(chunk.decoded, (whole ?? Infinity) - chunk.first) : whole;
  const expectedSeconds =
    expectedFrames !== null && expectedFrames > 0 && refRate
      ? expectedFrames / refRate.value
      : null;

  return {
    binary,
    reference: { path: req.reference.path, media: refMedia },
    pairs,
    metrics,
    computed,
    unavailable,
    warnings,
    model,
    width,
    height,
    pixFmt,
    vmafPixFmt,
    frameRate: refRate?.text ?? null,
    referenceTiming,
    startFrame,
    frames,
    subsample,
    threads,
    thresholds: req.thresholds,
    workDir,
    ownsWorkDir: deps.logDir === undefined,
    command: [binary.path, ...buildScoreArgs(inputs, graphs, graphFiles)],
    graphFiles: graphs.flatMap((g, i) => {
      const file = graphFiles[i];
      return file ? [{ path: file.path, text: g.graph }] : [];
    }),
    expectedSeconds,
    blocked: pairs.some((p) => p.resolution.unresolved.length > 0),
    frameRange: chunk,
  };
}

/**
 * Refuses what a chunk cannot be combined with: a start time or frame count (the chunk is the
 * range) and subsampling (a joined result would need the same frames as one pass).
 */
function checkChunkRequest(req: ScoreRequest, range: FrameRange): void {
  checkFrameRange(range);
  const clash = [
    req.startSeconds ? 'a start time' : null,
    req.frames !== undefined ? 'a frame count' : null,
    (req.subsample ?? 1) > 1 ? 'subsampling' : null,
  ].filter((x): x is string => x !== null);
  if (clash.length > 0) {
    throw new VqError(
      'INVALID_ARGS',
      `A frame range (a chunk of the whole-video run) cannot be combined with ${clash.join(' or ')}.`,
      'Give the frames to score as the range alone, and score every frame.',
    );
  }
}

/** Refuses a chunk that ends after the reference's last frame when its frame count is exact. */
function checkRangeInside(chunk: PlannedFrameRange, ref: MediaInfo, file: string): void {
  const count = frameCountOf(ref);
  if (!count?.exact || chunk.end <= count.frames) return;
  throw new VqError(
    'INVALID_ARGS',
    `Frames ${chunk.start}–${chunk.end - 1} were asked for, but the reference ${file} has ` +
      `${count.frames} frames (0–${count.frames - 1}).`,
    'Plan the ranges with planScoreChunks(frameCount, targetFrames) from the frame count.',
  );
}

/**
 * The match a pair is scored on and its pairs within the run's range; refused when the range
 * leaves no frame to compare.
 */
function matchedPairs(
  pictures: AlignmentReport,
  droppedFrames: DroppedFrames,
  startFrame: number,
  frames: number | null,
): { match: FrameMatch; pairs: FramePairs } {
  const match = frameMatchOf(pictures, droppedFrames);
  const pairs = framePairs(match, { start: startFrame, frames });
  if (pairs.ref.length === 0) {
    throw new VqError(
      'INVALID_ARGS',
      `No frame from reference frame ${startFrame} on has a match in the distorted video.`,
      'Score from an earlier start, or check the pair with `vq align`.',
    );
  }
  return { match, pairs };
}

/**
 * Which numbers mean something when the reference is HDR (PQ or HLG), for the metrics computed:
 * VMAF's models were trained on SDR; the signal metrics compare the code values as stored, which
 * is what they are labelled as (PSNR on PQ code values, not on light).
 */
export function hdrMetricsNote(
  transfer: 'pq' | 'hlg' | null,
  computed: ComputedMetrics,
): ScoreWarning | null {
  if (transfer === null) return null;
  const name = transfer === 'pq' ? 'PQ' : 'HLG';
  const parts: string[] = [];
  if (computed.vmaf || computed.msSsim || computed.cambi) {
    const named = [
      computed.vmaf ? 'VMAF' : null,
      computed.msSsim ? 'MS-SSIM' : null,
      computed.cambi ? 'CAMBI' : null,
    ].filter((x): x is string => x !== null);
    parts.push(
      `${named.join(', ')}: not calibrated for HDR — VMAF's models (v0.6.1 and the v1 models) were trained on SDR video, and the libvmaf features read the ${name} samples as if they were SDR; use them only to rank encodes of this source, not as what people see.`,
    );
  }
  const signal = [
    computed.psnr ? 'PSNR' : null,
    computed.ssim ? 'SSIM' : null,
    computed.xpsnr ? 'XPSNR' : null,
  ].filter((x): x is string => x !== null);
  if (signal.length > 0) {
    parts.push(
      `${signal.join(', ')}: measured on ${name} code values (e.g. PSNR on ${name} code values, not on light); meaningful as signal fidelity between encodes of this source.`,
    );
  }
  return {
    id: 'hdr-metrics',
    message: `The reference is HDR (${name}). ${parts.join(' ')}`,
    reference: 'https://github.com/Netflix/vmaf/issues/645',
  };
}

/**
 * The picture check of pair `i` (alignVideos): the one a first plan of the same request made
 * when given (`knownPictures`: the processes of libvmaf 1.x plan again), else made now. With
 * `align: auto` a check that fails (a video too short, a build that cannot decode it that way)
 * leaves the pair as the containers say, with a warning; asked for, it fails the plan.
 */
async function lookAtPictures(
  req: ScoreRequest,
  i: number,
  refMedia: MediaInfo,
  media: MediaInfo,
  findings: PreflightFinding[],
  chosen: readonly FixId[],
  o: { ffmpeg: string; signal?: AbortSignal; cacheDir: string | null; findShift: boolean },
): Promise<AlignmentReport | null> {
  const known = req.knownPictures?.[i];
  if (known) return known;
  try {
    return await alignVideos(
      { path: req.reference.path, media: refMedia, raw: req.reference.raw },
      { path: req.distorted[i]!.path, media, raw: req.distorted[i]!.raw },
      o,
    );
  } catch (err) {
    const asked = req.align === 'on' || chosen.some((f) => PICTURE_FIXES.includes(f));
    const e = toApiError(err);
    if (asked || e.code === 'CANCELED') throw err;
    findings.push({
      id: 'frames-misaligned',
      severity: 'warn',
      message: `The pictures could not be compared to match the frames (${e.message}); the pairs are as the containers say.`,
      fixes: [],
    });
    return null;
  }
}

/** The sizes the two videos decode to (what the bars' boxes are in). */
function sizesOf(
  ref: MediaInfo,
  dist: MediaInfo,
): { reference: { width: number; height: number }; distorted: { width: number; height: number } } {
  return { reference: decodedSize(ref), distorted: decodedSize(dist) };
}

/** True when a distorted frame is compared more than once (a dropped frame held). */
function holdsFrames(pairs: FramePairs): boolean {
  return pairs.dist.some((d, i) => i > 0 && d === pairs.dist[i - 1]);
}

/** A pair's whole-run trim (frames from frame 0) counted from the chunk's first frame. */
function chunkTrim(trimFrames: number | null, chunk: PlannedFrameRange | null): number | null {
  if (trimFrames === null || !chunk) return trimFrames;
  return Math.max(0, trimFrames - chunk.first);
}
