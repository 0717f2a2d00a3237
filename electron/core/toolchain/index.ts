/**
 * The toolchain doctor: finds every ffmpeg/ffprobe, probes each once (cached on disk), finds VMAF
 * models, flags known defects and picks the binary per task. `vq doctor` prints its report.
 */
import { readFile, realpath, stat } from 'node:fs/promises';
import { VqError } from '../../../shared/errors';
import type {
  BinaryInfo,
  LibvmafInfo,
  ToolchainReport,
  ToolchainSelection,
  VmafModel,
} from '../../../shared/toolchain';
import {
  NO_FFMPEG_ADVICE,
  NO_FFPROBE_ADVICE,
  adviceFor,
  parseOsRelease,
  type OsRelease,
} from './advice';
import { discoverCandidates, type Candidate, type ToolchainSettings } from './discover';
import { defectsFor } from './defects';
import { modelDirCandidates, modelsForApi, scanModelDirs } from './models';
import { DEFAULT_PROBE_TIMEOUT_MS, probeBinary, type ProbeData } from './probeBinary';
import { ProbeCache } from './probeCache';
import { selectBinaries, selectionReasons } from './select';

export type { ToolchainSettings } from './discover';
export { CACHE_FILE_NAME } from './probeCache';

/** A job that needs a binary. */
export type ToolchainTask = keyof ToolchainSelection;

/** Options of {@link Toolchain}. */
export interface ToolchainOptions {
  /** Folder for `toolchain-cache.json` (created on first write). */
  cacheDir: string;
  /** Reads the app setting at each report, so a changed setting applies after invalidate(). */
  settings?: () => ToolchainSettings;
  /** Environment to read VQ_FFMPEG, VQ_FFPROBE, VQ_VMAF_MODEL_DIR and PATH from. */
  env?: NodeJS.ProcessEnv;
  /** Limit for each probe run of a binary, in milliseconds (default 15 s). */
  probeTimeoutMs?: number;
  /** Limit for each hardware encoder's test encode, in milliseconds (default 8 s). */
  hardwareTestTimeoutMs?: number;
  /** How the npm binary packages are loaded; defaults to Node's require (tests replace it). */
  requireModule?: (id: string) => unknown;
}

/** Finds, probes and selects ffmpeg/ffprobe builds; the report is memoized until invalidate(). */
export class Toolchain {
  private readonly opts: ToolchainOptions;
  private memo: Promise<ToolchainReport> | null = null;
  private probed = 0;

  /** Nothing runs until the first report(). */
  constructor(opts: ToolchainOptions) {
    this.opts = opts;
  }

  /** How many binaries this instance actually ran (cache misses); lets tests see cache hits. */
  get probeCount(): number {
    return this.probed;
  }

  /** The report; memoized, shared by concurrent callers; `refresh` re-probes every binary. */
  report(opts: { refresh?: boolean } = {}): Promise<ToolchainReport> {
    if (this.memo && !opts.refresh) return this.memo;
    const p = this.build(opts.refresh === true);
    this.memo = p;
    // A failed build must not stick: the next call tries again.
    p.catch(() => {
      if (this.memo === p) this.memo = null;
    });
    return p;
  }

  /** Path of the chosen binary or throws VqError NO_FFMPEG/NO_FFPROBE with a hint. */
  async binaryFor(task: ToolchainTask): Promise<string> {
    const r = await this.report();
    const chosen = r.selected[task];
    if (chosen) return chosen;
    if (task === 'probe') {
      throw new VqError('NO_FFPROBE', 'No working ffprobe was found.', NO_FFPROBE_ADVICE);
    }
    const explicitError = r.binaries.find(
      (b) =>
        b.kind === 'ffmpeg' && b.error !== null && (b.source === 'env' || b.source === 'setting'),
    )?.error;
    throw new VqError(
      'NO_FFMPEG',
      task === 'score'
        ? 'No ffmpeg that can measure quality was found.'
        : 'No working ffmpeg was found.',
      explicitError ? `${explicitError} ${NO_FFMPEG_ADVICE}` : NO_FFMPEG_ADVICE,
    );
  }

  /** Forgets the memoized report (after a settings change); the disk cache stays valid. */
  invalidate(): void {
    this.memo = null;
  }

  private async build(refresh: boolean): Promise<ToolchainReport> {
    const env = this.opts.env ?? process.env;
    const settings = this.opts.settings?.() ?? null;
    const dirs = modelDirCandidates(env);
    const [candidates, scan, cache, os] = await Promise.all([
      discoverCandidates({ env, settings, requireModule: this.opts.requireModule }),
      scanModelDirs(dirs, env),
      loadCache(this.opts.cacheDir),
      readOsRelease(),
    ]);

    const probed = await Promise.all(candidates.map((c) => this.probeCandidate(c, cache, refresh)));
    const binaries: BinaryInfo[] = probed.map(({ cand, data, error }) => {
      const libvmaf = data?.libvmafApi ? libvmafInfo(data, scan.modelFiles) : null;
      // A hardware encoder whose test encode failed is compiled in but not usable here.
      const unusableEncoders = Object.entries(data?.hardware ?? {}).flatMap(([encoder, reason]) =>
        reason === null ? [] : [{ encoder, reason }],
      );
      const unusable = new Set(unusableEncoders.map((u) => u.encoder));
      return {
        kind: cand.kind,
        path: cand.path,
        source: cand.source,
        version: data?.version ?? null,
        major: data?.major ?? null,
        encoders: (data?.encoders ?? []).filter((e) => !unusable.has(e)),
        unusableEncoders,
        filters: data?.filters ?? [],
        libvmaf,
        defects: data ? defectsFor(data) : [],
        error,
      };
    });

    try {
      await cache.save();
    } catch {
      // The cache only saves time; a read-only or full disk must not break the report.
    }

    const selected = selectBinaries(binaries);
    return {
      binaries,
      selected,
      reasons: selectionReasons(binaries, selected),
      modelDirs: scan.modelDirs,
      modelFiles: scan.modelFiles,
      advice: adviceFor({ binaries, selected, modelAdvice: scan.advice, os }),
    };
  }

  private async probeCandidate(
    cand: Candidate,
    cache: ProbeCache,
    refresh: boolean,
  ): Promise<{ cand: Candidate; data: ProbeData | null; error: string | null }> {
    if (cand.error !== null) return { cand, data: null, error: cand.error };
    let key: string;
    let stamp: { size: number; mtimeMs: number };
    try {
      const real = await realpath(cand.path);
      const st = await stat(real);
      // ProbeCache relies on this shape to find the file again when pruning.
      key = `${cand.kind}:${real}`;
      stamp = { size: st.size, mtimeMs: st.mtimeMs };
    } catch {
      return { cand, data: null, error: `${cand.path} does not exist.` };
    }
    const hit = refresh ? null : cache.get(key, stamp);
    if (hit) return { cand, data: hit, error: null };
    this.probed++;
    const out = await probeBinary(cand.path, cand.kind, {
      timeoutMs: this.opts.probeTimeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS,
      hardwareTimeoutMs: this.opts.hardwareTestTimeoutMs,
    });
    // Failures are not cached: a timeout on a busy machine (of the probe, or of a hardware test
    // encode) should not stick until the file changes.
    if (out.data && out.cacheable) cache.set(key, stamp, out.data);
    return { cand, data: out.data, error: out.error };
  }
}

/** libvmaf as the probe found it; built-ins only as far as a run proved them (libvmaf ≥ 2). */
function libvmafInfo(data: ProbeData, modelFiles: readonly VmafModel[]): LibvmafInfo | null {
  const api = data.libvmafApi;
  if (api === null) return null;
  const b = data.libvmafBuild;
  if (api === 1 || !b) return { api, models: modelsForApi(api, modelFiles) };
  return {
    api,
    models: modelsForApi(api, modelFiles, b.builtinModels),
    version: b.version,
    features: b.features,
    probeError: b.error,
  };
}

/** The Linux distribution from /etc/os-release; null elsewhere or when unreadable. */
async function readOsRelease(): Promise<OsRelease | null> {
  if (process.platform !== 'linux') return null;
  try {
    return parseOsRelease(await readFile('/etc/os-release', 'utf8'));
  } catch {
    return null;
  }
}

async function loadCache(dir: string): Promise<ProbeCache> {
  const cache = new ProbeCache(dir);
  await cache.load();
  return cache;
}
