import { describe, expect, it } from 'vitest';
import { VqError } from '../../../shared/errors';
import { VMAF_V1_MODELS } from '../../../shared/score';
import type { BinaryInfo, VmafModel } from '../../../shared/toolchain';
import { parseModelArg, resolveModel, wants4k } from './model';

const pkl = (name: string): VmafModel => ({
  name,
  path: `/m/${name}.pkl`,
  format: 'pkl',
  from: '/m',
});
const json = (name: string): VmafModel => ({
  name,
  path: `/m/${name}.json`,
  format: 'json',
  from: '/m',
});
const builtin = (name: string): VmafModel => ({
  name,
  path: null,
  format: 'builtin',
  from: 'built-in',
});

function build(api: 1 | 2, models: VmafModel[]): Pick<BinaryInfo, 'path' | 'libvmaf' | 'defects'> {
  return { path: '/bin/ffmpeg', libvmaf: { api, models }, defects: [] };
}

const v1 = build(1, [pkl('vmaf_v0.6.1'), pkl('vmaf_4k_v0.6.1'), pkl('vmaf_v0.6.1neg')]);
const v2 = build(2, [
  json('vmaf_v0.6.1'),
  builtin('vmaf_v0.6.1'),
  builtin('vmaf_v0.6.1neg'),
  builtin('vmaf_4k_v0.6.1'),
]);
const hd = { width: 1920, height: 1080 };
const uhd = { width: 3840, height: 2160 };

function thrown(fn: () => unknown): VqError {
  try {
    fn();
  } catch (e) {
    if (e instanceof VqError) return e;
    throw e;
  }
  throw new Error('did not throw');
}

describe('model choice', () => {
  it('v0.6.1 by default; the 4K model above 2560x1440 (both dimensions)', () => {
    expect(resolveModel(undefined, hd, v1).model).toMatchObject({
      name: 'vmaf_v0.6.1',
      path: '/m/vmaf_v0.6.1.pkl',
      format: 'pkl',
      transform: false,
    });
    const k = resolveModel(undefined, uhd, v1).model;
    expect(k).toMatchObject({ name: 'vmaf_4k_v0.6.1', path: '/m/vmaf_4k_v0.6.1.pkl' });
    expect(k.reason).toContain('above 2560x1440');
    expect(wants4k({ width: 2560, height: 1440 })).toBe(false);
    expect(wants4k({ width: 2561, height: 1441 })).toBe(true);
    expect(wants4k({ width: 3840, height: 1440 })).toBe(false);
  });

  it('libvmaf 2 prefers the built-in model to a file of the same name', () => {
    expect(resolveModel(undefined, hd, v2).model).toMatchObject({
      name: 'vmaf_v0.6.1',
      path: null,
      format: 'builtin',
    });
  });

  it('NEG on libvmaf 1.x is refused with the reason; on libvmaf 2 it works', () => {
    const e = thrown(() => resolveModel({ variant: 'neg', size: 'auto' }, hd, v1));
    expect(e.code).toBe('UNSUPPORTED');
    expect(e.message).toContain('silently return the regular VMAF score');
    expect(e.message).toContain('https://github.com/Netflix/vmaf/issues/661');
    expect(e.hint).toContain('libvmaf 2');
    // A NEG file given by path is refused too.
    expect(thrown(() => resolveModel({ path: '/m/vmaf_v0.6.1neg.pkl' }, hd, v1)).code).toBe(
      'UNSUPPORTED',
    );
    expect(resolveModel({ variant: 'neg', size: 'auto' }, hd, v2).model.name).toBe(
      'vmaf_v0.6.1neg',
    );
  });

  it('phone is v0.6.1 with the transform, never the 4K model', () => {
    const m = resolveModel({ variant: 'phone', size: '1080p' }, uhd, v1).model;
    expect(m).toMatchObject({ name: 'vmaf_v0.6.1', transform: true });
  });

  it('a missing model is NOT_FOUND with a hint naming VQ_VMAF_MODEL_DIR', () => {
    const e = thrown(() => resolveModel(undefined, hd, build(1, [])));
    expect(e.code).toBe('NOT_FOUND');
    expect(e.message).toContain('vmaf_v0.6.1');
    expect(e.hint).toContain('VQ_VMAF_MODEL_DIR');
    expect(e.hint).toContain('.pkl.model');
  });

  it('auto 4K falls back to the 1080p model with a warning when no 4K model exists', () => {
    const c = resolveModel(undefined, uhd, build(1, [pkl('vmaf_v0.6.1')]));
    expect(c.model.name).toBe('vmaf_v0.6.1');
    expect(c.warnings.map((w) => w.id)).toEqual(['model-4k-missing']);
    // Asked for explicitly, a missing 4K model is an error, not a silent substitute.
    expect(
      thrown(() =>
        resolveModel({ variant: 'default', size: '4k' }, uhd, build(1, [pkl('vmaf_v0.6.1')])),
      ).code,
    ).toBe('NOT_FOUND');
  });

  it('model files must match the libvmaf generation', () => {
    expect(thrown(() => resolveModel({ path: '/m/vmaf_v0.6.1.json' }, hd, v1)).message).toContain(
      'only .pkl',
    );
    expect(thrown(() => resolveModel({ path: '/m/vmaf_v0.6.1.pkl' }, hd, v2)).message).toContain(
      'only .json',
    );
    expect(thrown(() => resolveModel({ path: '/m/model.txt' }, hd, v2)).code).toBe('INVALID_ARGS');
    expect(resolveModel({ path: '/m/custom.json', transform: true }, hd, v2).model).toMatchObject({
      name: 'custom',
      path: '/m/custom.json',
      format: 'json',
      transform: true,
    });
  });

  it('reads --model names and paths', () => {
    expect(parseModelArg('vmaf_4k_v0.6.1')).toEqual({ variant: 'default', size: '4k' });
    expect(parseModelArg('NEG')).toEqual({ variant: 'neg', size: 'auto' });
    expect(parseModelArg('phone')).toEqual({ variant: 'phone', size: '1080p' });
    expect(parseModelArg('./my.json')).toEqual({ path: './my.json' });
    expect(parseModelArg('C:\\m\\x.pkl')).toEqual({ path: 'C:\\m\\x.pkl' });
    // Any other name is a model by name, checked against the build by resolveModel.
    expect(parseModelArg('vmaf_v9')).toEqual({ name: 'vmaf_v9' });
    expect(parseModelArg('not a name!')).toBeNull();
    expect(parseModelArg('')).toBeNull();
  });

  it('reads every VMAF v1 name (and a v1 name in capitals) as a model by name', () => {
    for (const name of VMAF_V1_MODELS) {
      expect(parseModelArg(name)).toEqual({ name });
      expect(parseModelArg(` ${name.toUpperCase()} `)).toEqual({ name });
    }
    expect(parseModelArg('vmaf_float_v0.6.1')).toEqual({ name: 'vmaf_float_v0.6.1' });
    // The classic names keep meaning a variant and a size.
    expect(parseModelArg('vmaf_v0.6.1')).toEqual({ variant: 'default', size: '1080p' });
    expect(parseModelArg('vmaf_4k_v0.6.1neg')).toEqual({ variant: 'neg', size: '4k' });
  });
});

const v1Builtins = VMAF_V1_MODELS.map(builtin);
const v32 = {
  path: '/bin/ffmpeg71',
  libvmaf: {
    api: 2 as const,
    version: '3.2.0',
    models: [json('my_model'), builtin('vmaf_v0.6.1'), builtin('vmaf_v0.6.1neg'), ...v1Builtins],
  },
  defects: [],
};
const vga = { width: 640, height: 480 };

describe('models by name (VMAF v1 and any built-in)', () => {
  it('a v1 name is the built-in of libvmaf 3.2, with its top score', () => {
    const c = resolveModel({ name: 'vmaf_v1.0.16_3d0h' }, vga, v32);
    expect(c.model).toEqual({
      name: 'vmaf_v1.0.16_3d0h',
      path: null,
      format: 'builtin',
      transform: false,
      reason: 'requested',
      maxScore: 100,
    });
    expect(c.warnings).toEqual([]);
    // Only the 4K-at-3H models run to 110 (score_clip [0, 110] in their model files).
    const top = VMAF_V1_MODELS.map((n) => resolveModel({ name: n }, vga, v32).model.maxScore);
    expect(top).toEqual([100, 100, 110, 100, 100, 100, 110, 100]);
  });

  it('any other name: a built-in or a .json file of that name, without maxScore', () => {
    expect(resolveModel({ name: 'my_model' }, vga, v32).model).toEqual({
      name: 'my_model',
      path: '/m/my_model.json',
      format: 'json',
      transform: false,
      reason: 'requested',
    });
    expect(resolveModel({ name: 'vmaf_v0.6.1neg' }, vga, v32).model.format).toBe('builtin');
    // libvmaf 1.x: a .pkl of that name; a NEG one is refused as ever.
    expect(resolveModel({ name: 'vmaf_4k_v0.6.1' }, vga, v1).model.path).toBe(
      '/m/vmaf_4k_v0.6.1.pkl',
    );
    expect(thrown(() => resolveModel({ name: 'vmaf_v0.6.1neg' }, vga, v1)).message).toContain(
      'issues/661',
    );
  });

  it('an unknown name is NOT_FOUND listing the names the build has', () => {
    const e = thrown(() => resolveModel({ name: 'vmaf_v9' }, vga, v32));
    expect(e.code).toBe('NOT_FOUND');
    expect(e.message).toContain('No VMAF model named vmaf_v9');
    expect(e.message).toContain('libvmaf 3.2.0');
    expect(e.message).toContain('my_model, vmaf_v0.6.1, vmaf_v0.6.1neg, vmaf_v1.0.16_3d0h');
    expect(e.hint).toContain('vmaf_v9.json');
    expect(e.hint).toContain('VQ_VMAF_MODEL_DIR');
    const old = thrown(() => resolveModel({ name: 'vmaf_v9' }, vga, v1));
    expect(old.message).toContain('libvmaf 1.x');
    expect(old.hint).toContain('vmaf_v9.pkl.model');
  });

  it('a v1 model on libvmaf 1.x or 3.1: UNSUPPORTED, it needs 3.2.0, and how to get it', () => {
    const e = thrown(() => resolveModel({ name: 'vmaf_v1.0.16_3d0h' }, vga, v1));
    expect(e.code).toBe('UNSUPPORTED');
    expect(e.message).toBe(
      'vmaf_v1.0.16_3d0h is a VMAF v1 model, which needs libvmaf 3.2.0 or later; the libvmaf ' +
        'of /bin/ffmpeg is 1.x.',
    );
    expect(e.hint).toContain('libvmaf 3.2 or later');
    expect(e.hint).toContain('VQ_FFMPEG');
    expect(e.hint).toContain('vq doctor');
    // libvmaf 3.1 has no v1 features (adm3, motion3, speed_chroma): even a v1 .json file fails.
    const v31 = {
      ...v32,
      libvmaf: { api: 2 as const, version: '3.1.0', models: [json('vmaf_v1.0.16_3d0h')] },
    };
    expect(thrown(() => resolveModel({ name: 'vmaf_v1.0.16_3d0h' }, vga, v31)).message).toContain(
      'is 3.1.0',
    );
    expect(
      thrown(() => resolveModel({ path: '/m/vmaf_v1.0.16_hfr_5d0h.json' }, vga, v31)).code,
    ).toBe('UNSUPPORTED');
    // Version unknown and no v1 built-in proven: refused with the probe's words.
    const unknown = {
      ...v32,
      libvmaf: { api: 2 as const, version: null, models: [], probeError: 'exit 1: boom' },
    };
    expect(
      thrown(() => resolveModel({ name: 'vmaf_v1.0.16_3d0h' }, vga, unknown)).message,
    ).toContain('did not say its version (exit 1: boom)');
  });

  it('libvmaf 3.2 whose test run proved no v1 built-in: NOT_FOUND, refresh the doctor', () => {
    const unproven = { ...v32, libvmaf: { ...v32.libvmaf, models: [builtin('vmaf_v0.6.1')] } };
    const e = thrown(() => resolveModel({ name: 'vmaf_v1.0.16_5d0h' }, vga, unproven));
    expect(e.code).toBe('NOT_FOUND');
    expect(e.hint).toContain('vq doctor --refresh');
  });

  it('a v1 model file keeps its top score', () => {
    const m = resolveModel({ path: '/m/vmaf_v1.0.16_3d0h_2160.json' }, uhd, v32).model;
    expect(m).toMatchObject({ format: 'json', maxScore: 110 });
  });
});

describe('a v1 model against the comparison size, before ffmpeg runs', () => {
  it('too small is UNSUPPORTED naming the minimum and a --scale that works', () => {
    const e = thrown(() =>
      resolveModel({ name: 'vmaf_v1.0.16_5d0h' }, { width: 320, height: 240 }, v32),
    );
    expect(e.code).toBe('UNSUPPORTED');
    expect(e.message).toBe(
      'vmaf_v1.0.16_5d0h cannot score videos compared at 320x240: in libvmaf 3.2 it needs at ' +
        'least 266x266 pixels (yuv420p) with one side of at least 216, and below that ffmpeg ' +
        'crashes or writes no scores.',
    );
    expect(e.hint).toContain('--scale 356x266');
    // CAMBI inside every v1 model: one side must reach 216 pixels.
    const cambi = thrown(() =>
      resolveModel({ name: 'vmaf_v1.0.16_3d0h' }, { width: 200, height: 200 }, v32),
    );
    expect(cambi.message).toContain(
      'at least 160x160 pixels (yuv420p) with one side of at least 216',
    );
    expect(cambi.hint).toContain('--scale 216x216');
  });

  it('too elongated for CAMBI (inside every v1 model): UNSUPPORTED, a less elongated size', () => {
    const e = thrown(() =>
      resolveModel({ name: 'vmaf_v1.0.16_hfr_3d0h' }, { width: 1920, height: 160 }, v32),
    );
    expect(e.code).toBe('UNSUPPORTED');
    expect(e.message).toContain('every VMAF v1 model computes CAMBI');
    expect(e.message).toContain("CAMBI's 23-pixel window does not fit");
    expect(e.hint).toContain('narrower than about 10:1');
    expect(
      resolveModel({ name: 'vmaf_v1.0.16_3d0h' }, { width: 1600, height: 160 }, v32).model.name,
    ).toBe('vmaf_v1.0.16_3d0h');
  });

  it('the layout libvmaf sees decides; without it 4:2:0, the strictest, is assumed', () => {
    const size = { width: 216, height: 100 };
    expect(() => resolveModel({ name: 'vmaf_v1.0.16_3d0h' }, size, v32)).toThrow(/160x160/);
    const c = resolveModel({ name: 'vmaf_v1.0.16_3d0h' }, size, v32, {
      pixFmt: 'yuv444p10le',
      fps: 25,
    });
    expect(c.model.name).toBe('vmaf_v1.0.16_3d0h');
    // Other models have no such limit here.
    expect(
      resolveModel({ name: 'vmaf_v0.6.1neg' }, { width: 64, height: 36 }, v32).warnings,
    ).toEqual([]);
  });

  it('a note when the frame rate is in the other model’s regime (hfr: about 50/60 fps)', () => {
    const at = (name: string, fps: number | null): string[] =>
      resolveModel({ name }, vga, v32, { pixFmt: 'yuv420p', fps }).warnings.map((w) => w.id);
    expect(at('vmaf_v1.0.16_3d0h', 24)).toEqual([]);
    expect(at('vmaf_v1.0.16_3d0h', 59.94)).toEqual(['vmaf-v1-frame-rate']);
    expect(at('vmaf_v1.0.16_hfr_3d0h', 50)).toEqual([]);
    expect(at('vmaf_v1.0.16_hfr_3d0h', 25)).toEqual(['vmaf-v1-frame-rate']);
    expect(at('vmaf_v1.0.16_hfr_3d0h', null)).toEqual([]);
    const w = resolveModel({ name: 'vmaf_v1.0.16_5d0h' }, vga, v32, { pixFmt: 'yuv420p', fps: 60 })
      .warnings[0]!;
    expect(w.message).toContain('vmaf_v1.0.16_hfr_5d0h');
    expect(w.reference).toContain('models_v1.md');
  });
});
