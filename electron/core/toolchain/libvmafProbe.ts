/**
 * What a libvmaf ≥ 2 inside one ffmpeg can really do, learned by running it: a one-frame libvmaf
 * run on two generated grey frames whose JSON log carries libvmaf's own `"version"` and one
 * metric per model and feature that ran. Only what ran is claimed; a build that refuses a model
 * or a feature (older libvmaf, a build without float features) is asked about each one alone.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { VMAF_V1_MODELS } from '../../../shared/score';
import { runTool } from '../ffmpeg/process';
import { filterValue, libvmafDictValue } from '../ffmpeg/escape';

/** What the one-frame runs found (stored in the probe cache). */
export interface LibvmafBuildFacts {
  /** libvmaf's version from its JSON log ("3.2.0"), null when no run worked. */
  version: string | null;
  /** Built-in models (of {@link BUILTIN_MODEL_CANDIDATES}) that loaded and scored a frame. */
  builtinModels: string[];
  /** Features (of {@link FEATURES_OF_INTEREST} and those a model pulls in) that ran. */
  features: string[];
  /** Why no run worked, in ffmpeg's words; null when the base run worked. */
  error: string | null;
  /**
   * True when a run was cut short for a reason of the moment (timed out, killed, no log written,
   * could not start): the facts may be incomplete and are not cached.
   */
  transient?: boolean;
}

/** The probe's whole budget: past it, what is left is not asked and the answer is not cached. */
export const LIBVMAF_PROBE_BUDGET_MS = 20_000;

/**
 * Built-in model names libvmaf 2.x/3.x releases have compiled in (the v0.6.1 family, and 3.2's
 * VMAF v1 models of shared/score.ts): each is tried, and only those that load and score are
 * reported. The bootstrap collections (vmaf_b_v0.6.3,
 * vmaf_float_b_v0.6.3) are left out: FFmpeg's filter loads single models only and refuses them.
 */
export const BUILTIN_MODEL_CANDIDATES = [
  'vmaf_v0.6.1',
  'vmaf_v0.6.1neg',
  'vmaf_4k_v0.6.1',
  'vmaf_4k_v0.6.1neg',
  'vmaf_float_v0.6.1',
  'vmaf_float_v0.6.1neg',
  'vmaf_float_4k_v0.6.1',
  ...VMAF_V1_MODELS,
] as const;

/** Features asked for by name (`feature=name=…`); adm and motion come with the default model. */
export const FEATURES_OF_INTEREST = ['cambi', 'float_ms_ssim'] as const;

/**
 * Metric keys of the JSON log that prove a feature ran, by the name the doctor reports. adm3 and
 * motion3 are computed by libvmaf ≥ 3 for the default model's extractors.
 */
const FEATURE_KEYS: readonly [string, RegExp][] = [
  ['adm', /^integer_adm2$/],
  ['adm3', /^integer_adm3$/],
  ['motion', /^integer_motion2?$/],
  ['motion3', /^integer_motion3$/],
  ['vif', /^integer_vif_scale0$/],
  ['cambi', /^cambi$/],
  ['float_ms_ssim', /^float_ms_ssim$/],
];

/** What one libvmaf JSON log says: libvmaf's version and the metric keys of its first frame. */
export interface LibvmafLogFacts {
  version: string | null;
  metrics: string[];
}

/** Reads libvmaf's version and first-frame metric names from its JSON log; null when not one. */
export function parseLibvmafLog(text: string): LibvmafLogFacts | null {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof v !== 'object' || v === null) return null;
  const log = v as { version?: unknown; frames?: unknown };
  if (!Array.isArray(log.frames)) return null;
  const first = log.frames[0] as { metrics?: unknown } | undefined;
  const metrics =
    first && typeof first.metrics === 'object' && first.metrics !== null
      ? Object.keys(first.metrics)
      : [];
  return { version: typeof log.version === 'string' ? log.version : null, metrics };
}

/** The doctor's feature names proven by a log's metric keys, in {@link FEATURE_KEYS} order. */
export function featuresFromMetrics(metrics: readonly string[]): string[] {
  return FEATURE_KEYS.filter(([, re]) => metrics.some((m) => re.test(m))).map(([name]) => name);
}

/** The libvmaf filter of a one-frame run computing `models` (by built-in name) and `features`. */
export function probeFilter(
  models: readonly string[],
  features: readonly string[],
  logPath: string,
): string {
  const opts = ['log_fmt=json', `log_path=${filterValue(logPath)}`, 'n_threads=1'];
  if (models.length > 0) {
    const dicts = models.map((m) => `version=${libvmafDictValue(m)}:name=${libvmafDictValue(m)}`);
    opts.push(`model=${filterValue(dicts.join('|'))}`);
  }
  if (features.length > 0) {
    opts.push(`feature=${filterValue(features.map((f) => `name=${f}`).join('|'))}`);
  }
  return `libvmaf=${opts.join(':')}`;
}

/**
 * The probe's frame size. MS-SSIM refuses frames below 176 pixels and CAMBI below 216 (on the
 * longer side); the VMAF v1 models need up to 318×318 for 4:2:0 (vmaf_v1.0.16_3d0h_2160: libvmaf
 * 3.2's chroma SpEED, below which ffmpeg dies of SIGSEGV; see scoreEngine/vmafV1.ts). One 640×360 frame
 * runs every model in about 0.1 s.
 */
export const PROBE_FRAME_SIZE = { width: 640, height: 360 } as const;

const FRAME = `color=gray:s=${PROBE_FRAME_SIZE.width}x${PROBE_FRAME_SIZE.height}:r=25:d=0.04`;

/** A failed run: ffmpeg's first words on why, and whether the cause is of the moment. */
interface RunFailure {
  error: string;
  transient: boolean;
}

/** One one-frame run: the log's facts, or why it failed. */
async function runOnce(
  binary: string,
  models: readonly string[],
  features: readonly string[],
  dir: string,
  n: number,
  timeoutMs: number,
): Promise<LibvmafLogFacts | RunFailure> {
  const log = path.join(dir, `probe-${n}.json`);
  const args = [
    '-hide_banner',
    '-nostdin',
    '-loglevel',
    'error',
    '-f',
    'lavfi',
    '-i',
    FRAME,
    '-f',
    'lavfi',
    '-i',
    FRAME,
    '-lavfi',
    `[0:v][1:v]${probeFilter(models, features, log)}`,
    '-f',
    'null',
    '-',
  ];
  const r = await runTool(binary, args, {
    purpose: 'toolchain check',
    timeoutMs,
    collectStdout: false,
    stderrTailBytes: 4096,
  });
  if (r.timedOut) {
    return {
      error: `the one-frame libvmaf run did not finish within ${timeoutMs} ms`,
      transient: true,
    };
  }
  if (r.code !== 0) {
    const said = r.stderrTail
      .split(/\r?\n/)
      .map((l) => l.replace(/^\[[^\]]*@ 0x[0-9a-f]+\]\s*/i, '').trim())
      .find((l) => l !== '');
    return {
      error: `the one-frame libvmaf run failed (exit ${r.code ?? r.signal})${said ? `: ${said}` : ''}`,
      // Killed by a signal other than a crash of its own (SIGKILL of a quit, OOM): ask again.
      transient: r.code === null && r.signal !== 'SIGSEGV' && r.signal !== 'SIGFPE',
    };
  }
  let text: string;
  try {
    text = await readFile(log, 'utf8');
  } catch {
    // A full or read-only temporary folder: nothing about the build.
    return { error: 'the one-frame libvmaf run wrote no log', transient: true };
  }
  return (
    parseLibvmafLog(text) ?? {
      error: 'the one-frame libvmaf run wrote a log that is not libvmaf JSON',
      transient: false,
    }
  );
}

function failed(r: LibvmafLogFacts | RunFailure): r is RunFailure {
  return 'error' in r;
}

/**
 * Runs libvmaf (API 2 filter) once on one generated frame with every candidate model and feature;
 * when that fails, asks each alone so one missing model costs only itself, within
 * {@link LIBVMAF_PROBE_BUDGET_MS} in all. Never throws: a failure to run at all is an error.
 */
export async function probeLibvmafBuild(
  binary: string,
  opts: { timeoutMs: number; budgetMs?: number },
): Promise<LibvmafBuildFacts> {
  const deadline = Date.now() + (opts.budgetMs ?? LIBVMAF_PROBE_BUDGET_MS);
  let transient = false;
  let dir: string | null = null;
  try {
    dir = await mkdtemp(path.join(os.tmpdir(), 'vq-libvmaf-probe-'));
    const logDir = dir;
    let n = 0;
    /** One run, or null when the budget is spent (then the answer is incomplete). */
    const run = async (
      models: readonly string[],
      features: readonly string[],
    ): Promise<LibvmafLogFacts | RunFailure | null> => {
      const left = deadline - Date.now();
      if (left <= 0) {
        transient = true;
        return null;
      }
      const r = await runOnce(
        binary,
        models,
        features,
        logDir,
        n++,
        Math.min(opts.timeoutMs, left),
      );
      if (failed(r) && r.transient) transient = true;
      return r;
    };
    const all = await run(BUILTIN_MODEL_CANDIDATES, FEATURES_OF_INTEREST);
    if (all && !failed(all)) return factsFrom(all, BUILTIN_MODEL_CANDIDATES);
    const base = await run([], []);
    if (!base || failed(base)) {
      const error = base ? base.error : 'the libvmaf runs did not finish in time';
      return { version: null, builtinModels: [], features: [], error, transient };
    }
    const models: string[] = [];
    for (const m of BUILTIN_MODEL_CANDIDATES) {
      const r = await run([m], []);
      if (r && !failed(r) && r.metrics.includes(m)) models.push(m);
    }
    const metrics = new Set(base.metrics);
    for (const f of FEATURES_OF_INTEREST) {
      const r = await run([], [f]);
      if (r && !failed(r)) for (const k of r.metrics) metrics.add(k);
    }
    return {
      version: base.version,
      builtinModels: models,
      features: featuresFromMetrics([...metrics]),
      error: null,
      transient,
    };
  } catch (err) {
    // Could not make a folder or start ffmpeg (EAGAIN, ENOMEM): nothing lasting about the build.
    const why = err instanceof Error ? err.message : String(err);
    return {
      version: null,
      builtinModels: [],
      features: [],
      error: `the one-frame libvmaf run could not start: ${why}`,
      transient: true,
    };
  } finally {
    if (dir) await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
}

function factsFrom(log: LibvmafLogFacts, models: readonly string[]): LibvmafBuildFacts {
  return {
    version: log.version,
    // A model's score is logged under the name it was given, so its key proves it ran.
    builtinModels: models.filter((m) => log.metrics.includes(m)),
    features: featuresFromMetrics(log.metrics),
    error: null,
    transient: false,
  };
}
