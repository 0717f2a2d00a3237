import { describe, expect, it } from 'vitest';
import { VqError } from '../../../shared/errors';
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
    expect(parseModelArg('vmaf_v9')).toBeNull();
  });
});
