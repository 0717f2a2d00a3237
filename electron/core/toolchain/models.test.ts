import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILTIN_MODELS, modelDirCandidates, modelsForApi, scanModelDirs } from './models';

// The model files of the project (copied from Netflix/vmaf); tests run with cwd = project root.
const SHARED_MODELS = path.resolve('../shared/vmaf-models');

describe('modelDirCandidates', () => {
  it('puts VQ_VMAF_MODEL_DIR entries first, then the usual install places', () => {
    const dirs = modelDirCandidates(
      { VQ_VMAF_MODEL_DIR: ['/m1', '', '/m2'].join(path.delimiter) },
      'linux',
    );
    expect(dirs.slice(0, 3)).toEqual(['/m1', '/m2', '/usr/share/model']);
    expect(dirs).toContain('/usr/local/share/model');
    expect(dirs).toContain('/opt/homebrew/share/libvmaf/model');
  });

  it('uses %ProgramData%\\vmaf\\model on Windows', () => {
    const dirs = modelDirCandidates({ ProgramData: 'C:\\ProgramData' }, 'win32');
    expect(dirs).toEqual([path.join('C:\\ProgramData', 'vmaf', 'model')]);
  });
});

describe('scanModelDirs', () => {
  let tmp: string;

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'vq-models-'));
    // A .pkl without its .pkl.model, a non-model JSON, and a real JSON model.
    await copyFile(path.join(SHARED_MODELS, 'vmaf_4k_v0.6.1.pkl'), path.join(tmp, 'lonely.pkl'));
    await writeFile(path.join(tmp, 'package.json'), '{"name":"not-a-model"}');
    await writeFile(path.join(tmp, 'broken.json'), '{');
    await copyFile(
      path.join(SHARED_MODELS, 'vmaf_v0.6.1.json'),
      path.join(tmp, 'vmaf_v0.6.1.json'),
    );
  });

  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it('finds the .pkl pairs and the .json models of the project folder', async () => {
    const scan = await scanModelDirs([SHARED_MODELS]);
    expect(scan.modelDirs).toEqual([{ path: SHARED_MODELS, exists: true }]);
    const names = (format: string): string[] =>
      scan.modelFiles.filter((m) => m.format === format).map((m) => m.name);
    expect(names('pkl')).toEqual(['vmaf_4k_v0.6.1', 'vmaf_v0.6.1', 'vmaf_v0.6.1neg']);
    expect(names('json')).toEqual([
      'vmaf_4k_v0.6.1',
      'vmaf_4k_v0.6.1neg',
      'vmaf_float_v0.6.1',
      'vmaf_v0.6.1',
      'vmaf_v0.6.1neg',
    ]);
    expect(scan.modelFiles.find((m) => m.name === 'vmaf_v0.6.1' && m.format === 'pkl')).toEqual({
      name: 'vmaf_v0.6.1',
      path: path.join(SHARED_MODELS, 'vmaf_v0.6.1.pkl'),
      format: 'pkl',
      from: SHARED_MODELS,
    });
    expect(scan.advice).toEqual([]);
  });

  it('leaves out a .pkl without .pkl.model (with advice) and JSON that is no model', async () => {
    const missing = path.join(tmp, 'nope');
    const scan = await scanModelDirs([missing, tmp], { VQ_VMAF_MODEL_DIR: missing });
    expect(scan.modelDirs).toEqual([
      { path: missing, exists: false },
      { path: tmp, exists: true },
    ]);
    expect(scan.modelFiles.map((m) => `${m.name}.${m.format}`)).toEqual(['vmaf_v0.6.1.json']);
    expect(scan.advice).toHaveLength(2);
    expect(scan.advice[0]).toMatch(/VQ_VMAF_MODEL_DIR lists .*nope/);
    expect(scan.advice[1]).toMatch(/lonely\.pkl has no lonely\.pkl\.model beside it/);
  });

  it('gives libvmaf 1.x the .pkl files and libvmaf 2 the .json files plus built-ins', async () => {
    const scan = await scanModelDirs([tmp, SHARED_MODELS]);
    const v1 = modelsForApi(1, scan.modelFiles);
    expect(v1.every((m) => m.format === 'pkl')).toBe(true);
    expect(v1.map((m) => m.name)).toContain('vmaf_v0.6.1');
    const v2 = modelsForApi(2, scan.modelFiles);
    // The first folder wins for a name found twice.
    expect(v2.filter((m) => m.name === 'vmaf_v0.6.1' && m.format === 'json')).toEqual([
      { name: 'vmaf_v0.6.1', path: path.join(tmp, 'vmaf_v0.6.1.json'), format: 'json', from: tmp },
    ]);
    expect(v2.filter((m) => m.format === 'builtin').map((m) => m.name)).toEqual([
      ...BUILTIN_MODELS,
    ]);
    expect(v2.find((m) => m.format === 'builtin')).toEqual({
      name: 'vmaf_v0.6.1',
      path: null,
      format: 'builtin',
      from: 'built-in',
    });
  });
});
