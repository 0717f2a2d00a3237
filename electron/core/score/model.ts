/**
 * Which VMAF model a run uses, and how the build must be told. Pure over the toolchain's view of
 * one ffmpeg build: v0.6.1 by default, the 4K model for references above 2560×1440, NEG and phone
 * on request; libvmaf 1.x reads `.pkl` files, libvmaf 2+ has built-ins and reads `.json`.
 * A request the build would silently get wrong (NEG on libvmaf 1.x) is refused with the reason.
 */
import { VqError } from '../../../shared/errors';
import type { ModelRequest, ModelUsed, ScoreWarning } from '../../../shared/score';
import type { BinaryInfo, VmafModel } from '../../../shared/toolchain';

/** libvmaf 1.x needs the `.pkl` and its `.pkl.model` from this tag of Netflix/vmaf. */
const PKL_SOURCE = 'https://github.com/Netflix/vmaf (tag v1.5.3, folder model)';

/** The model a run asks for when the person does not choose one. */
export const DEFAULT_MODEL_REQUEST: ModelRequest = { variant: 'default', size: 'auto' };

/** ab-av1's rule (methods.md §3.1): the 4K model when width > 2560 and height > 1440. */
export function wants4k(size: { width: number; height: number }): boolean {
  return size.width > 2560 && size.height > 1440;
}

/**
 * Reads `--model NAME|PATH`: a path (has a slash or ends in .pkl/.json), a model name
 * (vmaf_v0.6.1, vmaf_4k_v0.6.1, vmaf_v0.6.1neg, vmaf_4k_v0.6.1neg), or neg / phone / auto / 4k.
 * Returns null for a name it does not know.
 */
export function parseModelArg(text: string): ModelRequest | null {
  const t = text.trim();
  if (/[\\/]/.test(t) || /\.(pkl|json)$/i.test(t)) return { path: t };
  const names: Record<string, ModelRequest> = {
    auto: { variant: 'default', size: 'auto' },
    default: { variant: 'default', size: 'auto' },
    'vmaf_v0.6.1': { variant: 'default', size: '1080p' },
    '4k': { variant: 'default', size: '4k' },
    'vmaf_4k_v0.6.1': { variant: 'default', size: '4k' },
    neg: { variant: 'neg', size: 'auto' },
    'vmaf_v0.6.1neg': { variant: 'neg', size: '1080p' },
    'vmaf_4k_v0.6.1neg': { variant: 'neg', size: '4k' },
    phone: { variant: 'phone', size: '1080p' },
  };
  return names[t.toLowerCase()] ?? null;
}

/** The chosen model and notes about the choice. */
export interface ModelChoice {
  model: ModelUsed;
  warnings: ScoreWarning[];
}

/**
 * Picks the model for a build with libvmaf. Throws VqError UNSUPPORTED (NEG on libvmaf 1.x, a
 * file of the wrong format) or NOT_FOUND (no model file for this build). File existence of an
 * explicit path is checked by the caller (this stays pure).
 */
export function resolveModel(
  request: ModelRequest | undefined,
  size: { width: number; height: number },
  build: Pick<BinaryInfo, 'path' | 'libvmaf' | 'defects'>,
): ModelChoice {
  const lib = build.libvmaf;
  if (!lib) throw new VqError('UNSUPPORTED', `${build.path} has no libvmaf filter.`);
  const req = request ?? DEFAULT_MODEL_REQUEST;
  const warnings: ScoreWarning[] = [];

  if ('path' in req) {
    const lower = req.path.toLowerCase();
    const ext = lower.endsWith('.pkl') ? 'pkl' : lower.endsWith('.json') ? 'json' : null;
    if (ext === null) {
      throw new VqError(
        'INVALID_ARGS',
        `${req.path} is not a VMAF model file (.pkl or .json).`,
        'Give a model name (vmaf_v0.6.1, vmaf_4k_v0.6.1, neg, phone) or a .pkl/.json file.',
      );
    }
    if (lib.api === 1 && ext === 'json') {
      throw new VqError(
        'UNSUPPORTED',
        `This ffmpeg's libvmaf is 1.x, which reads only .pkl model files, not ${req.path}.`,
        `Use the .pkl version of the model (with its .pkl.model beside it) from ${PKL_SOURCE}, or an ffmpeg with libvmaf 2.`,
      );
    }
    if (lib.api === 2 && ext === 'pkl') {
      throw new VqError(
        'UNSUPPORTED',
        `This ffmpeg's libvmaf is 2 or later, which reads only .json model files, not ${req.path}.`,
        'Use the .json version of the model (libvmaf removed .pkl support in 2020, before v2.0.0).',
      );
    }
    const name = req.path.replace(/^.*[\\/]/, '').replace(/\.(pkl|json)$/i, '');
    if (lib.api === 1 && /neg/i.test(name)) refuseNeg(build.path);
    return {
      model: {
        name,
        path: req.path,
        format: ext,
        transform: req.transform === true,
        reason: 'model file requested',
      },
      warnings,
    };
  }

  if (req.variant === 'neg' && lib.api === 1) refuseNeg(build.path);

  const fourK =
    req.variant !== 'phone' && (req.size === '4k' || (req.size === 'auto' && wants4k(size)));
  const base = fourK ? 'vmaf_4k_v0.6.1' : 'vmaf_v0.6.1';
  const wanted = req.variant === 'neg' ? `${base}neg` : base;
  let found = findModel(lib.api, lib.models, wanted);
  let reason =
    req.variant === 'phone'
      ? 'phone model requested (v0.6.1 with its score transform)'
      : req.size === 'auto'
        ? fourK
          ? `auto: reference above 2560x1440 (${size.width}x${size.height})`
          : 'auto: default model'
        : 'requested';
  if (!found && fourK && req.size === 'auto') {
    // The 4K model is a refinement; without it the 1080p model still gives a meaningful number.
    const fallback = req.variant === 'neg' ? 'vmaf_v0.6.1neg' : 'vmaf_v0.6.1';
    found = findModel(lib.api, lib.models, fallback);
    if (found) {
      reason = `auto: ${wanted} not available, ${fallback} used`;
      warnings.push({
        id: 'model-4k-missing',
        message:
          `The reference is above 2560x1440, but no ${wanted} model was found for this build, so ` +
          `${fallback} (the 1080p model) was used. Its score assumes a 1080p viewing setup.`,
      });
    }
  }
  if (!found) {
    throw new VqError(
      'NOT_FOUND',
      `No ${wanted} VMAF model was found for this ffmpeg (libvmaf ${lib.api}.x).`,
      lib.api === 1
        ? `libvmaf 1.x needs ${wanted}.pkl and ${wanted}.pkl.model in one folder: set ` +
            `VQ_VMAF_MODEL_DIR to it (files from ${PKL_SOURCE}). \`vq doctor\` lists the models found.`
        : `Put ${wanted}.json in a folder and set VQ_VMAF_MODEL_DIR to it. \`vq doctor\` lists ` +
            'the models found.',
    );
  }
  return {
    model: {
      name: found.name,
      path: found.path,
      format: found.format,
      transform: req.variant === 'phone',
      reason,
    },
    warnings,
  };
}

/** libvmaf 2+ built-ins first (no file to escape or lose), then model files in folder order. */
function findModel(api: 1 | 2, models: readonly VmafModel[], name: string): VmafModel | null {
  const ofName = models.filter((m) => m.name === name);
  if (api === 1) return ofName.find((m) => m.format === 'pkl') ?? null;
  return (
    ofName.find((m) => m.format === 'builtin') ?? ofName.find((m) => m.format === 'json') ?? null
  );
}

function refuseNeg(binary: string): never {
  throw new VqError(
    'UNSUPPORTED',
    `VMAF NEG cannot be computed with ${binary}: its libvmaf 1.x loads the NEG model but ignores ` +
      'its "no enhancement gain" options, so it would silently return the regular VMAF score ' +
      '(https://github.com/Netflix/vmaf/issues/661).',
    'Use an ffmpeg 5.1 or later built with libvmaf 2 (set VQ_FFMPEG to it), or score with the ' +
      'regular model.',
  );
}
