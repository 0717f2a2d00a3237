/**
 * Which VMAF model a run uses, and how the build must be told. Pure over the toolchain's view of
 * one ffmpeg build: v0.6.1 by default, the 4K model for references above 2560×1440, NEG and phone
 * on request, any other model by the name libvmaf knows (the VMAF v1 built-ins of libvmaf 3.2);
 * libvmaf 1.x reads `.pkl` files, libvmaf 2+ has built-ins and reads `.json`.
 * A request the build would silently get wrong (NEG on libvmaf 1.x) or crash on (a v1 model on
 * too small a picture) is refused with the reason.
 */
import { VqError } from '../../../shared/errors';
import {
  ModelRequestSchema,
  type ModelRequest,
  type ModelUsed,
  type ScoreWarning,
} from '../../../shared/score';
import type { BinaryInfo, LibvmafInfo, VmafModel } from '../../../shared/toolchain';
import { CURRENT_BUILD_ADVICE } from '../toolchain/advice';
import { cambiSizeProblem } from './cambiSize';
import {
  V1_CAMBI_HIGH_RES_SPEEDUP,
  V1_MIN_LIBVMAF,
  fitsV1MinimumSize,
  isVmafV1Model,
  v1FrameRateNote,
  v1MinimumSize,
  v1SizeThatFits,
  vmafV1Facts,
} from './vmafV1';

/** libvmaf 1.x needs the `.pkl` and its `.pkl.model` from this tag of Netflix/vmaf. */
const PKL_SOURCE = 'https://github.com/Netflix/vmaf (tag v1.5.3, folder model)';

/** The model a run asks for when the person does not choose one. */
export const DEFAULT_MODEL_REQUEST: ModelRequest = { variant: 'default', size: 'auto' };

/** ab-av1's rule (methods.md §3.1): the 4K model when width > 2560 and height > 1440. */
export function wants4k(size: { width: number; height: number }): boolean {
  return size.width > 2560 && size.height > 1440;
}

/** The classic names and words of `--model`, each meaning a variant and size. */
const CLASSIC_MODEL_NAMES: Readonly<Record<string, ModelRequest>> = {
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

/**
 * Reads `--model NAME|PATH`: a path (has a slash or ends in .pkl/.json); a classic name
 * (vmaf_v0.6.1, vmaf_4k_v0.6.1, vmaf_v0.6.1neg, vmaf_4k_v0.6.1neg) or neg / phone / auto / 4k;
 * any other model name (`{ name }`: the VMAF v1 models, vmaf_float_v0.6.1, …), which
 * {@link resolveModel} checks against the build. Null for text that cannot be a model name.
 */
export function parseModelArg(text: string): ModelRequest | null {
  const t = text.trim();
  if (/[\\/]/.test(t) || /\.(pkl|json)$/i.test(t)) return { path: t };
  const classic = CLASSIC_MODEL_NAMES[t.toLowerCase()];
  if (classic) return classic;
  // libvmaf's names are lower case; a v1 name typed in capitals still means it.
  const name = isVmafV1Model(t.toLowerCase()) ? t.toLowerCase() : t;
  return ModelRequestSchema.safeParse({ name }).success ? { name } : null;
}

/** The chosen model and notes about the choice. */
export interface ModelChoice {
  model: ModelUsed;
  warnings: ScoreWarning[];
}

/**
 * Picks the model for a build with libvmaf and checks it against the comparison (`size`, and
 * `compared`: the pixel format libvmaf sees and the reference's frame rate; without it a v1
 * model's size limit is checked for 4:2:0, the strictest layout). Throws VqError UNSUPPORTED (NEG
 * on libvmaf 1.x, a file of the wrong format, a v1 model on libvmaf < 3.2 or on too small a
 * picture) or NOT_FOUND (no such model for this build). File existence of an explicit path is
 * checked by the caller (this stays pure).
 */
export function resolveModel(
  request: ModelRequest | undefined,
  size: { width: number; height: number },
  build: Pick<BinaryInfo, 'path' | 'libvmaf' | 'defects'>,
  compared?: { pixFmt: string; fps: number | null },
): ModelChoice {
  const choice = chooseModel(request, size, build);
  const notes = checkModelScoring(choice.model, {
    ...size,
    pixFmt: compared?.pixFmt ?? 'yuv420p',
    fps: compared?.fps ?? null,
  });
  return { model: choice.model, warnings: [...choice.warnings, ...notes] };
}

/** The model of a request for a build (see {@link resolveModel}). */
function chooseModel(
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
    // A v1 model file (named as Netflix ships it) needs the features of libvmaf 3.2 too.
    const v1 = vmafV1Facts(name);
    if (v1 && !v1Capable(lib)) refuseV1(name, lib, build.path);
    return {
      model: {
        name,
        path: req.path,
        format: ext,
        transform: req.transform === true,
        reason: 'model file requested',
        ...(v1 ? { maxScore: v1.maxScore } : {}),
      },
      warnings,
    };
  }

  if ('name' in req) return { model: resolveNamed(req.name, lib, build.path), warnings };

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

/**
 * A model asked for by name: a libvmaf 2+ built-in or `.json` file of that name (a `.pkl` on
 * libvmaf 1.x). The VMAF v1 models need libvmaf ≥ 3.2.0, which introduced them and their
 * features (adm3, motion3, speed_chroma), so on an older libvmaf even a v1 `.json` cannot load.
 */
function resolveNamed(name: string, lib: LibvmafInfo, binary: string): ModelUsed {
  const v1 = vmafV1Facts(name);
  if (v1 && !v1Capable(lib)) refuseV1(name, lib, binary);
  if (lib.api === 1 && /neg/i.test(name)) refuseNeg(binary);
  const found = findModel(lib.api, lib.models, name);
  if (!found) {
    const names = [...new Set(lib.models.map((m) => m.name))];
    const which = lib.api === 1 ? 'libvmaf 1.x' : `libvmaf ${lib.version ?? '2+'}`;
    throw new VqError(
      'NOT_FOUND',
      `No VMAF model named ${name} was found for this ffmpeg (${which}). ` +
        (names.length > 0 ? `It has: ${names.join(', ')}.` : 'It has no models.'),
      v1
        ? "The doctor's test run did not prove this build's v1 models; run `vq doctor --refresh`."
        : lib.api === 1
          ? `Give one of those names, or put ${name}.pkl and ${name}.pkl.model in a folder and ` +
            'set VQ_VMAF_MODEL_DIR to it. `vq doctor` lists the models found.'
          : `Give one of those names, or put ${name}.json in a folder and set VQ_VMAF_MODEL_DIR ` +
            'to it. `vq doctor` lists the models found.',
    );
  }
  return {
    name: found.name,
    path: found.path,
    format: found.format,
    transform: false,
    reason: 'requested',
    ...(v1 ? { maxScore: v1.maxScore } : {}),
  };
}

function refuseV1(name: string, lib: LibvmafInfo, binary: string): never {
  const has =
    lib.api === 1
      ? 'is 1.x'
      : lib.version
        ? `is ${lib.version}`
        : `did not say its version (${lib.probeError ?? 'its test run failed'})`;
  throw new VqError(
    'UNSUPPORTED',
    `${name} is a VMAF v1 model, which needs libvmaf 3.2.0 or later; the libvmaf of ${binary} ` +
      `${has}.`,
    `${CURRENT_BUILD_ADVICE} Its built-in models then include ${name}.`,
  );
}

/** True when the libvmaf is 3.2.0 or later (by its own version; a 2+ build that ran proves it). */
function v1Capable(lib: LibvmafInfo): boolean {
  if (lib.api === 1) return false;
  const m = /^(\d+)\.(\d+)/.exec(lib.version ?? '');
  // Version unknown (the one-frame run failed): only a proven built-in can say, and none did.
  if (!m) return lib.models.some((x) => x.format === 'builtin' && isVmafV1Model(x.name));
  const [major, minor] = [Number(m[1]), Number(m[2])];
  return major > V1_MIN_LIBVMAF[0] || (major === V1_MIN_LIBVMAF[0] && minor >= V1_MIN_LIBVMAF[1]);
}

/** How the videos are compared, as far as a model's limits and notes depend on it. */
export interface ModelScoringContext {
  /** The size both videos are compared at. */
  width: number;
  height: number;
  /** The pixel format libvmaf sees (its chroma layout matters, not its bit depth). */
  pixFmt: string;
  /** The reference's frame rate in frames per second, or null when unknown. */
  fps: number | null;
}

/**
 * Checks the chosen model against how the videos are compared, before ffmpeg runs. Throws VqError
 * UNSUPPORTED when a VMAF v1 model cannot run at that size (libvmaf 3.2 would crash ffmpeg or end
 * without a log: see vmafV1.ts and cambiSize.ts), naming the smallest size and a `--scale` that
 * fits, or the shape CAMBI cannot work on; returns notes
 * (a v1 model for the other frame-rate regime). Nothing to say about other models.
 */
export function checkModelScoring(model: ModelUsed, ctx: ModelScoringContext): ScoreWarning[] {
  const min = v1MinimumSize(model.name, ctx.pixFmt);
  if (!min) return [];
  if (!fitsV1MinimumSize(ctx, min)) {
    const fit = v1SizeThatFits(ctx, min);
    throw new VqError(
      'UNSUPPORTED',
      `${model.name} cannot score videos compared at ${ctx.width}x${ctx.height}: in libvmaf ` +
        `3.2 it needs at least ${min.width}x${min.height} pixels (${ctx.pixFmt}) with one side ` +
        `of at least ${min.longerSide}, and below that ffmpeg crashes or writes no scores.`,
      `Score at a larger size, e.g. --scale ${fit.width}x${fit.height} (the smallest with the ` +
        'same shape that works).',
    );
  }
  const cambi = cambiSizeProblem(ctx.width, ctx.height, V1_CAMBI_HIGH_RES_SPEEDUP);
  if (cambi) {
    // Scaling keeps the shape and the window grows with the picture: only another shape helps.
    throw new VqError(
      'UNSUPPORTED',
      `${model.name} cannot score videos compared at ${ctx.width}x${ctx.height}: every VMAF v1 ` +
        `model computes CAMBI, and ${cambi}.`,
      'Compare them at a less elongated size with --scale (narrower than about 10:1), or use a ' +
        'VMAF v0 model such as vmaf_v0.6.1.',
    );
  }
  const note = v1FrameRateNote(model.name, ctx.fps);
  return note ? [note] : [];
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
