/**
 * Finds every ffmpeg/ffprobe binary worth probing: the person's explicit choices first (env, app
 * setting), then the npm packages that ship binaries, then PATH. Nothing is run here.
 */
import { constants as fsConstants } from 'node:fs';
import { access, realpath, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { BinarySource } from '../../../shared/toolchain';

/** ffmpeg or ffprobe. */
export type BinaryKind = 'ffmpeg' | 'ffprobe';

/** Binary paths from the app settings (null when unset). */
export interface ToolchainSettings {
  ffmpegPath: string | null;
  ffprobePath: string | null;
}

/** A binary the doctor will probe. */
export interface Candidate {
  kind: BinaryKind;
  /** Absolute path as found (not the realpath, so people recognise it). */
  path: string;
  source: BinarySource;
  /** Set when the path cannot be used at all; only env/setting candidates keep such a path. */
  error: string | null;
}

/** Inputs of {@link discoverCandidates}. */
export interface DiscoverOptions {
  env: NodeJS.ProcessEnv;
  settings: ToolchainSettings | null;
  /** Defaults to process.platform; decides executable names and PATH rules. */
  platform?: NodeJS.Platform;
  /** Loads npm packages; defaults to a require rooted at this module (tests pass their own). */
  requireModule?: (id: string) => unknown;
}

const defaultRequire = createRequire(import.meta.url);

/**
 * Rewrites a path inside Electron's `app.asar` to `app.asar.unpacked`. Packages report their binary
 * inside the archive, where it cannot be executed; electron-builder unpacks binaries beside it
 * (https://github.com/eugeneware/ffmpeg-static/issues/140).
 */
export function unpackedAsarPath(p: string): string {
  return p.replace(/([\\/])app\.asar([\\/])/, '$1app.asar.unpacked$2');
}

/** Every candidate, in precedence order, deduplicated by realpath (the first finding wins). */
export async function discoverCandidates(opts: DiscoverOptions): Promise<Candidate[]> {
  const platform = opts.platform ?? process.platform;
  const req = opts.requireModule ?? defaultRequire;
  const pathDirs = splitPathList(opts.env.PATH ?? opts.env.Path ?? '', platform);
  const found: Candidate[] = [];

  const explicit: [BinaryKind, BinarySource, string | null | undefined, string][] = [
    ['ffmpeg', 'env', opts.env.VQ_FFMPEG, 'VQ_FFMPEG'],
    ['ffprobe', 'env', opts.env.VQ_FFPROBE, 'VQ_FFPROBE'],
    ['ffmpeg', 'setting', opts.settings?.ffmpegPath, 'the ffmpeg path setting'],
    ['ffprobe', 'setting', opts.settings?.ffprobePath, 'the ffprobe path setting'],
  ];
  for (const [kind, source, value, label] of explicit) {
    if (!value || !value.trim()) continue;
    found.push(await explicitCandidate(kind, source, value.trim(), label, pathDirs, platform));
  }

  // VQ_FFMPEG_DIRS: extra folders searched like PATH (ffmpeg, then ffprobe), before the packages
  // and PATH; a listed folder that cannot be searched is reported rather than skipped.
  const extraDirs = splitExtraDirs(opts.env.VQ_FFMPEG_DIRS ?? '', platform);
  for (const entry of extraDirs) {
    const problem = await dirProblem(entry);
    if (problem) {
      found.push({
        kind: 'ffmpeg',
        path: entry,
        source: 'env-dirs',
        error: `VQ_FFMPEG_DIRS lists "${entry}", ${problem}.`,
      });
    }
  }
  const searched = new Set<string>();
  for (const kind of ['ffmpeg', 'ffprobe'] as const) {
    for (const dir of extraDirs) {
      if (!path.isAbsolute(dir)) continue;
      const p = path.join(dir, exeName(kind, platform));
      if (await isExecutableFile(p, platform)) {
        found.push({ kind, path: p, source: 'env-dirs', error: null });
        searched.add(dir);
      }
    }
  }
  for (const dir of extraDirs) {
    if (searched.has(dir) || (await dirProblem(dir))) continue;
    found.push({
      kind: 'ffmpeg',
      path: dir,
      source: 'env-dirs',
      error: `VQ_FFMPEG_DIRS lists "${dir}", which holds no ${exeName('ffmpeg', platform)} or ${exeName('ffprobe', platform)} program that can be run.`,
    });
  }

  const packages: [BinaryKind, BinarySource, string | null][] = [
    ['ffmpeg', 'ffmpeg-static', packagePath(req, 'ffmpeg-static')],
    ['ffmpeg', '@ffmpeg-installer', packagePath(req, '@ffmpeg-installer/ffmpeg')],
    ['ffprobe', '@ffprobe-installer', packagePath(req, '@ffprobe-installer/ffprobe')],
  ];
  for (const [kind, source, p] of packages) {
    // A package whose binary download failed is normal (optional dependency): skip silently.
    if (p && (await isExecutableFile(p, platform)))
      found.push({ kind, path: p, source, error: null });
  }

  for (const kind of ['ffmpeg', 'ffprobe'] as const) {
    for (const dir of pathDirs) {
      const p = path.join(dir, exeName(kind, platform));
      if (await isExecutableFile(p, platform))
        found.push({ kind, path: p, source: 'path', error: null });
    }
  }

  return dedupe(found);
}

/** The binary path an npm package exports (a string or `{ path }`), or null when it cannot load. */
function packagePath(req: (id: string) => unknown, id: string): string | null {
  let mod: unknown;
  try {
    mod = req(id);
  } catch {
    // @ffmpeg-installer throws (even a bare string) when its platform package is missing.
    return null;
  }
  if (typeof mod === 'object' && mod !== null && 'default' in mod) {
    mod = (mod as { default: unknown }).default;
  }
  const p =
    typeof mod === 'string'
      ? mod
      : typeof mod === 'object' &&
          mod !== null &&
          typeof (mod as { path?: unknown }).path === 'string'
        ? (mod as { path: string }).path
        : null;
  return p ? unpackedAsarPath(path.resolve(p)) : null;
}

async function explicitCandidate(
  kind: BinaryKind,
  source: BinarySource,
  value: string,
  label: string,
  pathDirs: readonly string[],
  platform: NodeJS.Platform,
): Promise<Candidate> {
  // A bare name ("ffmpeg7") means "the one on PATH", as a shell would read it.
  if (!/[\\/]/.test(value)) {
    for (const dir of pathDirs) {
      for (const name of [value, ...(platform === 'win32' ? [`${value}.exe`] : [])]) {
        const p = path.join(dir, name);
        if (await isExecutableFile(p, platform)) return { kind, path: p, source, error: null };
      }
    }
    return { kind, path: value, source, error: `${label} is "${value}", which is not on PATH.` };
  }
  const p = unpackedAsarPath(path.resolve(value));
  try {
    const st = await stat(p);
    if (st.isDirectory()) {
      return {
        kind,
        path: p,
        source,
        error: `${label} points to a folder, not to the ${kind} program.`,
      };
    }
  } catch {
    return { kind, path: p, source, error: `${label} points to ${p}, which does not exist.` };
  }
  // Not executable is left to the probe: it reports "permission denied" in the person's words.
  return { kind, path: p, source, error: null };
}

async function dedupe(cands: Candidate[]): Promise<Candidate[]> {
  const seen = new Set<string>();
  const out: Candidate[] = [];
  for (const c of cands) {
    let key: string;
    try {
      key = await realpath(c.path);
    } catch {
      key = path.resolve(c.path);
    }
    const k = `${c.kind}\0${key}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(c);
  }
  return out;
}

export function splitPathList(value: string, platform: NodeJS.Platform): string[] {
  const delim = platform === 'win32' ? ';' : ':';
  // An empty PATH entry means the current directory to a shell; we never run from the cwd.
  return value
    .split(delim)
    .map((d) => d.trim().replace(/^"(.*)"$/, '$1'))
    .filter((d) => d && path.isAbsolute(d));
}

/** VQ_FFMPEG_DIRS entries as written (trimmed, unquoted, empty ones dropped), in order. */
function splitExtraDirs(value: string, platform: NodeJS.Platform): string[] {
  const delim = platform === 'win32' ? ';' : ':';
  return [
    ...new Set(
      value
        .split(delim)
        .map((d) => d.trim().replace(/^"(.*)"$/, '$1'))
        .filter((d) => d !== ''),
    ),
  ];
}

/** Why a VQ_FFMPEG_DIRS entry cannot be searched, or null when it is a folder. */
async function dirProblem(dir: string): Promise<string | null> {
  // A relative entry would depend on the folder the app was started from.
  if (!path.isAbsolute(dir)) return 'which is not an absolute path';
  try {
    if (!(await stat(dir)).isDirectory()) return 'which is a file, not a folder';
  } catch {
    return 'which does not exist';
  }
  return null;
}

export function exeName(kind: BinaryKind, platform: NodeJS.Platform): string {
  return platform === 'win32' ? `${kind}.exe` : kind;
}

async function isExecutableFile(p: string, platform: NodeJS.Platform): Promise<boolean> {
  try {
    const st = await stat(p);
    if (!st.isFile()) return false;
    if (platform !== 'win32') await access(p, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}
