/**
 * VMAF model files on this machine and which of them each libvmaf generation can load: libvmaf 1.x
 * reads `.pkl` (plus its `.pkl.model` sibling), libvmaf 2+ reads `.json` and has built-ins.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { VmafModel } from '../../../shared/toolchain';

/** Models compiled into libvmaf 2+ (`model=version=<name>`), in the order they are listed. */
export const BUILTIN_MODELS = ['vmaf_v0.6.1', 'vmaf_v0.6.1neg', 'vmaf_4k_v0.6.1'] as const;

/** Install places of libvmaf's model folder (make install, distro packages, Homebrew). */
const POSIX_MODEL_DIRS = [
  '/usr/share/model',
  '/usr/local/share/model',
  '/usr/share/vmaf/model',
  '/usr/local/share/vmaf/model',
  '/usr/share/libvmaf/model',
  '/usr/local/share/libvmaf/model',
  '/opt/homebrew/share/libvmaf/model',
  '/usr/local/opt/libvmaf/share/model',
];

/** Model JSON files are ~20 KB; a bigger .json in a model folder is something else, so skip it. */
const MAX_JSON_BYTES = 4 * 1024 * 1024;

/** The folders to search, in precedence order: `VQ_VMAF_MODEL_DIR` entries, then install places. */
export function modelDirCandidates(
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform = process.platform,
): string[] {
  const dirs: string[] = [];
  for (const d of (env.VQ_VMAF_MODEL_DIR ?? '').split(path.delimiter)) {
    if (d.trim()) dirs.push(path.resolve(d.trim()));
  }
  if (platform === 'win32') {
    const programData = env.ProgramData ?? env.PROGRAMDATA;
    if (programData) dirs.push(path.join(programData, 'vmaf', 'model'));
  } else {
    dirs.push(...POSIX_MODEL_DIRS);
  }
  return [...new Set(dirs)];
}

/** What {@link scanModelDirs} found. */
export interface ModelScan {
  modelDirs: { path: string; exists: boolean }[];
  /** Usable model files in directory order (a .pkl only with its .pkl.model). */
  modelFiles: VmafModel[];
  /** Problems worth telling the person (a .pkl without its .pkl.model, a missing env dir). */
  advice: string[];
}

/** Lists the model files in `dirs`; reads each .json just far enough to know it is a model. */
export async function scanModelDirs(
  dirs: readonly string[],
  env: NodeJS.ProcessEnv = {},
): Promise<ModelScan> {
  const envDirs = new Set(
    (env.VQ_VMAF_MODEL_DIR ?? '')
      .split(path.delimiter)
      .filter((d) => d.trim())
      .map((d) => path.resolve(d.trim())),
  );
  const modelDirs: ModelScan['modelDirs'] = [];
  const modelFiles: VmafModel[] = [];
  const advice: string[] = [];
  for (const dir of dirs) {
    let names: string[];
    try {
      if (!(await stat(dir)).isDirectory()) throw new Error('not a directory');
      names = (await readdir(dir)).sort();
    } catch {
      modelDirs.push({ path: dir, exists: false });
      if (envDirs.has(dir))
        advice.push(`VQ_VMAF_MODEL_DIR lists ${dir}, which is not a folder that can be read.`);
      continue;
    }
    modelDirs.push({ path: dir, exists: true });
    const present = new Set(names);
    for (const name of names) {
      const file = path.join(dir, name);
      if (name.endsWith('.pkl')) {
        // libvmaf 1.x opens "<name>.pkl.model" (the libsvm part) next to the .pkl; without it the
        // filter fails at start, so such a .pkl is not offered.
        if (present.has(`${name}.model`)) {
          modelFiles.push({
            name: name.slice(0, -'.pkl'.length),
            path: file,
            format: 'pkl',
            from: dir,
          });
        } else {
          advice.push(
            `${file} has no ${name}.model beside it; libvmaf 1.x needs both files in the same ` +
              'folder, so this model is not offered.',
          );
        }
      } else if (name.endsWith('.json') && (await isJsonModel(file))) {
        modelFiles.push({
          name: name.slice(0, -'.json'.length),
          path: file,
          format: 'json',
          from: dir,
        });
      }
    }
  }
  return { modelDirs, modelFiles, advice };
}

/**
 * True when the file is a VMAF model JSON. Both the libvmaf 2 model files and the JSON exports of
 * the float models have a top-level "model_dict" object (see shared/vmaf-models), other JSON not.
 */
export async function isJsonModel(file: string): Promise<boolean> {
  try {
    const st = await stat(file);
    if (!st.isFile() || st.size > MAX_JSON_BYTES) return false;
    const v: unknown = JSON.parse(await readFile(file, 'utf8'));
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
    const dict = (v as Record<string, unknown>).model_dict;
    return typeof dict === 'object' && dict !== null;
  } catch {
    return false;
  }
}

/**
 * The models a libvmaf of API generation `api` can load: `.pkl` files for 1.x; `.json` files plus
 * the built-ins for 2+ (`builtins`: those a run proved, else the three every libvmaf 2 has). The
 * first file of a name wins, because folders are in precedence order.
 */
export function modelsForApi(
  api: 1 | 2,
  modelFiles: readonly VmafModel[],
  builtins: readonly string[] = BUILTIN_MODELS,
): VmafModel[] {
  const want = api === 1 ? 'pkl' : 'json';
  const seen = new Set<string>();
  const out: VmafModel[] = [];
  for (const m of modelFiles) {
    if (m.format !== want || seen.has(m.name)) continue;
    seen.add(m.name);
    out.push(m);
  }
  if (api === 2) {
    for (const name of builtins)
      out.push({ name, path: null, format: 'builtin', from: 'built-in' });
  }
  return out;
}
