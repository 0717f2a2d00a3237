// Project files carry XPSNR, CAMBI, VMAF v1's 0–110 scale and libvmaf's elementary features:
// a score stored in data dir A (real SQLite, a real clip in the library) is exported, imported
// into fresh data dirs through the API and compared; hand-edited files are refused, field named.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VqError } from '../../../shared/errors';
import { MAX_FEATURES_PER_RESULT, type ProjectFile } from '../../../shared/project';
import { pool } from '../../../shared/pooling';
import type { ScoreResultDetail } from '../../../shared/scoreResults';
import { createCore, type Core } from '../core';
import { openDatabase } from '../store/db';
import { ScoreRepo } from '../store/scoreRepo';
import { makeClip } from '../../testing/clips';
import { testFullScore } from '../../testing/scores';
import { useTempDirs } from '../../testing/tempDir';

const tempDir = useTempDirs('vq-projscores-');
let clips: string;
let a: Core;
let srcId: string;
let exported: string;
let original: ScoreResultDetail;

function core(dataDir = tempDir()): Core {
  return createCore({ dataDir, host: { mode: 'web' }, queue: 'off' });
}

/** The project with `edit` applied to its parsed JSON. */
function edited(edit: (p: ProjectFile) => void): string {
  const p = JSON.parse(exported) as ProjectFile;
  edit(p);
  return JSON.stringify(p);
}

async function detailOf(c: Core): Promise<ScoreResultDetail> {
  const { results } = await c.api['scores.list']({ sourceId: srcId });
  expect(results).toHaveLength(1);
  return c.api['scores.get']({ resultId: results[0]!.id, features: true });
}

async function expectRefused(text: string, message: RegExp): Promise<void> {
  const c = core();
  try {
    const err = await c.api['project.import']({ text }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(VqError);
    expect((err as VqError).code).toBe('INVALID_ARGS');
    expect((err as VqError).message).toMatch(message);
    expect((await c.api['library.list']({})).items).toEqual([]);
  } finally {
    c.close();
  }
}

beforeAll(async () => {
  clips = fs.mkdtempSync(path.join(os.tmpdir(), 'vq-projscores-clips-'));
  const clip = makeClip(clips, { width: 320, height: 240, fps: 24, seconds: 1 });
  a = core(fs.mkdtempSync(path.join(os.tmpdir(), 'vq-projscores-a-')));
  srcId = (await a.api['library.import']({ paths: [clip] })).imported[0]!.id;
  // A score as a libvmaf 3.2 + FFmpeg 7.1 run stores it, VMAF pooled with a 100 threshold.
  const score = testFullScore();
  score.metrics.vmaf = pool(score.perFrame.vmaf!, 100);
  const db = openDatabase(a.dataDir);
  new ScoreRepo(db).insertRun(
    {
      id: 'run1',
      jobId: null,
      referenceId: srcId,
      referencePath: clip,
      command: ['ffmpeg', '-i', clip],
      ffmpeg: { path: 'ffmpeg', version: '7.1.5', libvmafApi: 2, libvmafVersion: '3.2.0' },
      model: score.model,
      startedAt: '2026-01-01T00:00:00.000Z',
      durationMs: 10,
    },
    [
      {
        id: 'res1',
        scored: {
          target: { kind: 'source', id: srcId },
          path: clip,
          label: path.basename(clip),
          encoder: null,
          width: 320,
          height: 240,
          bitrateKbps: null,
        },
        score,
        createdAt: '2026-01-01T00:00:01.000Z',
      },
    ],
  );
  db.close();
  original = await detailOf(a);
  exported = (await a.api['project.export']({})).text;
});

afterAll(() => {
  a?.close();
  if (a) fs.rmSync(a.dataDir, { recursive: true, force: true });
  fs.rmSync(clips, { recursive: true, force: true });
});

describe('project export', () => {
  it('writes the new series with the result and each feature as its own record', () => {
    const p = JSON.parse(exported) as ProjectFile;
    const r = p.scoreResults[0]!;
    expect(r.series.xpsnr).toEqual([37.1508, 1 / 3, 35.5]);
    expect(r.series.cambi).toEqual([0, 3.75, null]);
    expect(r.series.psnr).toEqual(['inf', 42.5, 39.25]);
    expect(r.model).toMatchObject({ name: 'vmaf_v1.0.16_3d0h_2160', maxScore: 110 });
    expect(p.scoreFeatures).toEqual([
      { resultId: 'res1', name: 'cambi_hrs_1080_cmxv_17_vlt_0.06', values: [null, 2 / 7, 0.125] },
      { resultId: 'res1', name: 'integer_adm2', values: [0.987654321, 0.9, 0.5] },
      { resultId: 'res1', name: 'integer_motion2', values: [0, 1.25, 0] },
    ]);
  });
});

describe('project import', () => {
  it('round-trips series, features, the pooled figures and the model scale into a fresh library', async () => {
    const b = core();
    try {
      const summary = await b.api['project.import']({ text: exported });
      expect(summary.scoreResults).toEqual({ added: 1, skipped: 0 });
      const got = await detailOf(b);
      expect(got).toEqual(original);
      expect(got.features.integer_adm2).toEqual([0.987654321, 0.9, 0.5]);
      expect(got.metrics.vmaf!.below).toEqual({ threshold: 100, share: 2 / 3 });
      // Importing the same file again adds nothing and leaves the features as they were.
      const again = await b.api['project.import']({ text: exported });
      expect(again.scoreResults).toEqual({ added: 0, skipped: 1 });
      expect((await detailOf(b)).features).toEqual(original.features);
    } finally {
      fs.rmSync(b.dataDir, { recursive: true, force: true });
      b.close();
    }
  });

  it('pools the figures again from the frames instead of trusting the file', async () => {
    const text = edited((p) => {
      const pooled = p.scoreResults[0]!.pooled;
      pooled.cambi = { ...pooled.cambi!, mean: 0, count: 99 };
      pooled.xpsnr = { ...pooled.xpsnr!, mean: 99 };
      delete pooled.xpsnrV;
    });
    const b = core();
    try {
      await b.api['project.import']({ text });
      const got = await detailOf(b);
      expect(got.metrics).toEqual(original.metrics);
      expect(got.metrics.cambi).toMatchObject({ mean: 1.875, count: 2, skipped: 1 });
    } finally {
      b.close();
    }
  });

  it('imports a file without features (an older export) as scores without features', async () => {
    const b = core();
    try {
      await b.api['project.import']({ text: edited((p) => delete p.scoreFeatures) });
      const got = await detailOf(b);
      expect(got.features).toEqual({});
      expect(got.perFrame).toEqual(original.perFrame);
    } finally {
      b.close();
    }
  });

  it('leaves nothing when an import fails after the features were stored (they go with their results)', async () => {
    // A per-title run is the last thing an import stores; the test makes its insert fail.
    const text = edited((p) => {
      p.perTitleRuns = [
        {
          id: 'pt1',
          sourceId: srcId,
          batchId: 'gone',
          status: 'done',
          options: {
            encoder: 'libx264',
            preset: 'ultrafast',
            heights: [240],
            crfs: [23, 30],
            quality: 'vmafMean',
            pick: {},
            outDir: null,
          },
          ladder: null,
          hull: null,
          picks: null,
          scoredPoints: null,
          error: null,
          createdAt: 't',
          updatedAt: 't',
        },
      ];
    });
    const dataDir = tempDir();
    const b = core(dataDir);
    const db = openDatabase(dataDir);
    const count = (t: string): number =>
      (db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n;
    try {
      // A witness outside the import's journal counts the features that were really stored.
      db.exec(`CREATE TABLE witness (name TEXT);
        CREATE TRIGGER seen AFTER INSERT ON score_features BEGIN INSERT INTO witness VALUES (NEW.name); END;
        CREATE TRIGGER refuse BEFORE INSERT ON pertitle_runs BEGIN SELECT RAISE(ABORT, 'refused by test'); END`);
      await expect(b.api['project.import']({ text })).rejects.toThrow(/refused by test/);
      expect(count('witness')).toBe(3);
      for (const t of ['sources', 'score_runs', 'score_results', 'score_features']) {
        expect(count(t), t).toBe(0);
      }
    } finally {
      db.close();
      b.close();
    }
  });

  it('refuses features that do not fit their result, naming the field', async () => {
    const feature = (values: unknown[], name = 'integer_vif_scale0', resultId = 'res1') => ({
      resultId,
      name,
      values,
    });
    const add = (...f: ReturnType<typeof feature>[]) =>
      edited((p) => p.scoreFeatures!.push(...(f as NonNullable<ProjectFile['scoreFeatures']>)));
    await expectRefused(add(feature([1, 2])), /scoreFeatures\.3\.values: 2 values for 3 frames/);
    await expectRefused(
      add(feature([1, 2, 3], '__proto__')),
      /scoreFeatures\.3\.name: not a libvmaf feature name/,
    );
    await expectRefused(
      add(feature([1, 2, 3], 'a b')),
      /scoreFeatures\.3\.name: not a libvmaf feature name/,
    );
    await expectRefused(add(feature([1, 'wide', 3])), /scoreFeatures\.3\.values\.1: /);
    await expectRefused(
      add(feature([1, 2, 3], 'integer_adm2')),
      /scoreFeatures\.3\.name: "integer_adm2" appears twice/,
    );
    await expectRefused(
      add(feature([1, 2, 3], 'x', 'nope')),
      /scoreFeatures\.3\.resultId: score result "nope" is not in the file/,
    );
    // 1e999 is valid JSON that parses to Infinity: not a finite number.
    await expectRefused(
      add(feature([1, 2, 3])).replace('"values":[1,2,3]', '"values":[1,1e999,3]'),
      /scoreFeatures\.3\.values\.1: /,
    );
    const many = Array.from({ length: MAX_FEATURES_PER_RESULT }, (_, i) =>
      feature([1, 2, 3], `f${i}`),
    );
    await expectRefused(
      add(...many),
      new RegExp(`has more than ${MAX_FEATURES_PER_RESULT} features`),
    );
  });

  it('refuses new series of the wrong length and a model scale that is not a number', async () => {
    await expectRefused(
      edited((p) => (p.scoreResults[0]!.series.xpsnrU = [1, 2])),
      /scoreResults\.0\.series\.xpsnrU: 2 values for 3 frames/,
    );
    await expectRefused(
      edited((p) => Object.assign(p.scoreResults[0]!.model!, { maxScore: -110 })),
      /scoreResults\.0\.model\.maxScore/,
    );
  });
});
