// Project files through the API with real data: a short clip encoded (two rungs) and scored by
// real ffmpeg in data dir A, exported, imported into fresh data dirs, compared via the API.
// Real SQLite everywhere; each test makes its own data dir.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VqEvent } from '../../../shared/api';
import { VqError } from '../../../shared/errors';
import type { ProjectFile } from '../../../shared/project';
import { resolvePerTitleOptions } from '../../../shared/perTitle';
import { PerTitleRepo } from '../analysis/perTitleRepo';
import { createCore, type Core } from '../core';
import { FileIdentities, statFile } from '../media/fileIdentity';
import { openDatabase } from '../store/db';
import { makeClip, quickLadder, quickRung } from '../../testing/clips';
import { useTempDirs } from '../../testing/tempDir';

const tempDir = useTempDirs('vq-project-');
let clips: string;
let dirA: string;
let a: Core;
let srcId: string;
let otherId: string;
let exported: string;

function core(dataDir = tempDir(), queue: 'off' | 'all' = 'off'): Core {
  return createCore({ dataDir, host: { mode: 'web' }, queue });
}

async function importClip(c: Core, file: string): Promise<string> {
  const out = await c.api['library.import']({ paths: [file] });
  expect(out.failed).toEqual([]);
  return (out.imported[0] ?? out.existing[0])!.id;
}

/** Everything the API shows about the library: items, renditions, every score with its series. */
async function libraryView(c: Core): Promise<unknown> {
  const { items } = await c.api['library.list']({});
  const { renditions } = await c.api['renditions.list']({});
  const scores: unknown[] = [];
  for (const item of items) {
    const { results } = await c.api['scores.list']({ sourceId: item.id });
    for (const r of results)
      scores.push({ summary: r, detail: await c.api['scores.get']({ resultId: r.id }) });
  }
  const ladders = (await c.api['ladders.list']({})).filter((l) => !l.builtIn);
  return { items, renditions, scores, ladders };
}

/** Row counts of every table: "nothing changed" means these stay equal. */
async function counts(c: Core): Promise<unknown> {
  const snap = await c.api['queue.snapshot']({});
  const { items } = await c.api['library.list']({});
  const scores = await Promise.all(items.map((i) => c.api['scores.list']({ sourceId: i.id })));
  return {
    items: items.length,
    batches: snap.batches.length,
    jobs: snap.jobs.length,
    renditions: snap.renditions.length,
    scores: scores.reduce((n, s) => n + s.results.length, 0),
    ladders: (await c.api['ladders.list']({})).length,
  };
}

function withoutStamp(text: string): unknown {
  const p = JSON.parse(text) as ProjectFile;
  return { ...p, exportedAt: null };
}

async function expectInvalid(c: Core, text: string, message: RegExp): Promise<void> {
  const before = await counts(c);
  const err = await c.api['project.import']({ text }).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(VqError);
  expect((err as VqError).code).toBe('INVALID_ARGS');
  expect((err as VqError).message).toMatch(message);
  expect(await counts(c)).toEqual(before);
}

beforeAll(async () => {
  clips = fs.mkdtempSync(path.join(os.tmpdir(), 'vq-project-clips-'));
  dirA = fs.mkdtempSync(path.join(os.tmpdir(), 'vq-project-a-'));
  const src = makeClip(clips, { width: 320, height: 240, fps: 24, seconds: 1 });
  const other = makeClip(clips, {
    width: 320,
    height: 240,
    fps: 24,
    seconds: 1,
    name: 'other.mp4',
  });
  a = core(dirA, 'all');
  srcId = await importClip(a, src);
  otherId = await importClip(a, other);
  const ladder = quickLadder('proj', [
    quickRung({ id: 'r180', height: 180 }),
    quickRung({ id: 'r120', height: 120, rateControl: { mode: 'crf', crf: 40 } }),
  ]);
  await a.api['ladders.save']({ ladder });
  const done = (batchId: () => string | null): Promise<void> =>
    new Promise((resolve) => {
      a.events.subscribe((e) => {
        if (e.type === 'batch.finished' && e.batchId === batchId()) resolve();
      });
    });
  let encodeBatch: string | null = null;
  const encoded = done(() => encodeBatch);
  encodeBatch = (
    await a.api['encode.start']({
      sourceId: srcId,
      ladderId: 'proj',
      scoreAfterEncode: { options: { metrics: ['vmaf', 'psnr'] } },
    })
  ).batch.id;
  await encoded;
  // A source scored against itself: PSNR is +∞ on every frame (the series must survive JSON).
  let scoreBatch: string | null = null;
  const scored = done(() => scoreBatch);
  scoreBatch = (
    await a.api['score.start']({
      referenceId: srcId,
      distorted: [
        { kind: 'source', id: srcId },
        { kind: 'source', id: otherId },
      ],
      options: { metrics: ['psnr', 'ssim'] },
    })
  ).job.batchId;
  await scored;
  await a.queue.whenIdle();
  exported = (await a.api['project.export']({})).text;
});

afterAll(() => {
  a?.close();
  fs.rmSync(clips, { recursive: true, force: true });
  fs.rmSync(dirA, { recursive: true, force: true });
});

describe('project.export', () => {
  it('writes every record of the library with series and media paths', async () => {
    const p = JSON.parse(exported) as ProjectFile;
    expect(p).toMatchObject({
      format: 'vq-studio-project',
      version: 2,
      app: { version: expect.any(String) },
    });
    expect(p.sources.map((s) => s.id).sort()).toEqual([srcId, otherId].sort());
    expect(p.ladders.map((l) => l.ladder.id)).toEqual(['proj']);
    expect(p.batches).toHaveLength(2);
    expect(p.jobs.map((j) => j.status)).toEqual(['done', 'done', 'done']);
    expect(p.renditions).toHaveLength(2);
    for (const r of p.renditions) {
      expect(path.isAbsolute(r.path)).toBe(true);
      expect(r.mtimeMs).toBe(statFile(r.path)!.mtimeMs);
      expect(r.sizeBytes).toBe(fs.statSync(r.path).size);
    }
    expect(p.scoreResults).toHaveLength(4);
    const self = p.scoreResults.find((r) => r.target.kind === 'source' && r.target.id === srcId)!;
    expect(self.series.psnr).toHaveLength(24);
    expect(self.series.psnr!.every((v) => v === 'inf')).toBe(true);
    // Each score carries the identity of the files it measured, as scoring recorded them.
    const files = new FileIdentities();
    for (const r of p.scoreResults) expect(r.identity, r.path).toEqual(files.of(r.path));
    for (const u of p.scoreRuns) expect(u.referenceIdentity).toEqual(files.of(u.referencePath));
    const rendition = p.scoreResults.find((r) => r.target.kind === 'rendition')!;
    expect(rendition.series.vmaf!.every((v) => typeof v === 'number' && v > 0 && v <= 100)).toBe(
      true,
    );
    // libvmaf's elementary features of the VMAF scores travel too, one record per feature.
    const features = (p.scoreFeatures ?? []).filter((f) => f.resultId === rendition.id);
    expect(features.map((f) => f.name)).toEqual(expect.arrayContaining([expect.stringMatching(/adm2$/)]));
    for (const f of features) expect(f.values).toHaveLength(rendition.frameNumbers.length);
    expect((p.scoreFeatures ?? []).some((f) => f.resultId === self.id)).toBe(false); // PSNR/SSIM only
  });

  it('exports one source with the sources its scores refer to; an unknown id is refused', async () => {
    const p = JSON.parse(
      (await a.api['project.export']({ sourceIds: [srcId] })).text,
    ) as ProjectFile;
    // `other` was scored against the source, so it comes along (the file stays self-contained).
    expect(p.sources.map((s) => s.id).sort()).toEqual([srcId, otherId].sort());
    const onlyOther = JSON.parse(
      (await a.api['project.export']({ sourceIds: [otherId] })).text,
    ) as ProjectFile;
    expect(onlyOther.sources.map((s) => s.id)).toEqual([otherId]);
    expect(onlyOther.renditions).toEqual([]);
    expect(onlyOther.scoreResults).toEqual([]);
    expect(onlyOther.ladders).toEqual([]);
    await expect(a.api['project.export']({ sourceIds: ['nope'] })).rejects.toMatchObject({
      code: 'UNKNOWN_ITEM',
    });
  });
});

describe('project.import', () => {
  it('reads a version 1 file (written before features and the new series)', async () => {
    const v1 = JSON.parse(exported) as ProjectFile & { scoreFeatures?: unknown };
    delete v1.scoreFeatures;
    const summary = await core().api['project.import']({ text: JSON.stringify({ ...v1, version: 1 }) });
    expect(summary.scoreResults).toEqual({ added: 4, skipped: 0 });
  });

  it('round-trips into a fresh data dir: library, renditions, scores and series equal; events sent', async () => {
    const b = core();
    const events: VqEvent[] = [];
    b.events.subscribe((e) => events.push(e));
    const summary = await b.api['project.import']({ text: exported });
    expect(summary).toMatchObject({
      sources: { added: 2, skipped: 0 },
      ladders: { added: 1, skipped: 0 },
      batches: { added: 2, skipped: 0 },
      jobs: { added: 3, skipped: 0 },
      renditions: { added: 2, skipped: 0 },
      scoreRuns: { added: 2, skipped: 0 },
      scoreResults: { added: 4, skipped: 0 },
      remapped: [],
      interruptedJobs: [],
      missingFiles: [],
      changedFiles: [],
    });
    expect(await libraryView(b)).toEqual(await libraryView(a));
    // The scored files' identities came along (the export of B below has them too): the scores
    // are fresh here, and a file changed later would show them stale.
    for (const id of [srcId, otherId]) {
      const { results } = await b.api['scores.list']({ sourceId: id });
      expect(results.map((s) => s.stale)).toEqual(results.map(() => null));
    }
    // Bit for bit: exporting B gives the same file (the +∞ PSNR series included).
    expect(withoutStamp((await b.api['project.export']({})).text)).toEqual(withoutStamp(exported));
    const types = events.map((e) => e.type);
    expect(types.filter((t) => t === 'library.added')).toHaveLength(2);
    expect(types.filter((t) => t === 'rendition.added')).toHaveLength(2);
    expect(types.filter((t) => t === 'score.added')).toHaveLength(4);
    expect(types.filter((t) => t === 'ladders.changed')).toHaveLength(1);
    expect(types.filter((t) => t === 'batch.added')).toHaveLength(2);
    // The queue view shows the history as it was.
    const snap = await b.api['queue.snapshot']({});
    expect(snap.jobs.map((j) => j.status)).toEqual(['done', 'done', 'done']);

    // Importing again adds nothing: everything is already in the library.
    const again = await b.api['project.import']({ text: exported });
    expect(again).toMatchObject({
      sources: { added: 0, skipped: 2 },
      ladders: { added: 0, skipped: 1 },
      batches: { added: 0, skipped: 2 },
      jobs: { added: 0, skipped: 3 },
      renditions: { added: 0, skipped: 2 },
      scoreRuns: { added: 0, skipped: 2 },
      scoreResults: { added: 0, skipped: 4 },
    });
    expect(await libraryView(b)).toEqual(await libraryView(a));
    b.close();
  });

  it('maps a source already in the library under another id, and remaps its references', async () => {
    const d = core();
    const p = JSON.parse(exported) as ProjectFile;
    const srcPath = p.sources.find((s) => s.id === srcId)!.path;
    const localId = await importClip(d, srcPath);
    expect(localId).not.toBe(srcId);
    const summary = await d.api['project.import']({ text: exported });
    expect(summary.sources).toEqual({ added: 1, skipped: 1 });
    expect(summary.remapped).toEqual([
      { kind: 'source', fromId: srcId, toId: localId, path: srcPath },
    ]);
    const { renditions } = await d.api['renditions.list']({ sourceId: localId });
    expect(renditions).toHaveLength(2);
    const { results } = await d.api['scores.list']({ sourceId: localId });
    expect(results).toHaveLength(4);
    const self = results.find(
      (r) => r.target.kind === 'source' && r.label === path.basename(srcPath),
    )!;
    expect(self.target.id).toBe(localId);
    expect(
      results
        .filter((r) => r.target.kind === 'rendition')
        .map((r) => r.target.id)
        .sort(),
    ).toEqual(renditions.map((r) => r.id).sort());
    expect((await d.api['library.list']({})).items.map((i) => i.id).sort()).toEqual(
      [localId, otherId].sort(),
    );
    const snap = await d.api['queue.snapshot']({});
    expect(snap.batches.every((b) => b.sourceId === localId)).toBe(true);
    const scoreJob = snap.jobs.find((j) => j.plan.kind === 'score' && j.plan.targets.length === 2)!;
    expect(scoreJob.plan).toMatchObject({
      referenceId: localId,
      targets: [
        { kind: 'source', id: localId },
        { kind: 'source', id: otherId },
      ],
    });
    d.close();
  });

  it('maps a rendition already in the library at the same path under another id', async () => {
    const d = core();
    await d.api['project.import']({ text: exported });
    // Another library that recorded the same files under other ids (and scored them again).
    const p = JSON.parse(exported) as ProjectFile;
    const renamed = new Map(p.renditions.map((r) => [r.id, `other-${r.id}`]));
    for (const r of p.renditions) r.id = renamed.get(r.id)!;
    for (const run of p.scoreRuns) run.id = `other-${run.id}`;
    for (const r of p.scoreResults) {
      r.id = `other-${r.id}`;
      r.runId = `other-${r.runId}`;
      if (r.target.kind === 'rendition') r.target.id = renamed.get(r.target.id)!;
    }
    for (const f of p.scoreFeatures ?? []) f.resultId = `other-${f.resultId}`;
    const summary = await d.api['project.import']({ text: JSON.stringify(p) });
    expect(summary.renditions).toEqual({ added: 0, skipped: 2 });
    expect(summary.scoreResults).toEqual({ added: 4, skipped: 0 });
    expect(summary.remapped.map((m) => [m.kind, m.fromId, m.toId])).toEqual(
      [...renamed].map(([was, now]) => ['rendition', now, was]),
    );
    // scores.list shows the newest result per rendition (these tie with the first import's), so
    // the imported results are read one by one.
    const fresh = await Promise.all(
      p.scoreResults
        .filter((r) => r.target.kind === 'rendition')
        .map((r) => d.api['scores.get']({ resultId: r.id })),
    );
    expect(fresh.map((r) => r.target.id).sort()).toEqual([...renamed.keys()].sort());
    d.close();
  });

  it('imports queued or running jobs as interrupted (the queue never runs them) and lists missing media', async () => {
    const dataDir = tempDir();
    const p = JSON.parse(exported) as ProjectFile;
    p.jobs[0]!.status = 'queued';
    p.jobs[1]!.status = 'running';
    const gone = path.join(os.tmpdir(), 'vq-project-gone', 'r180.mp4');
    p.renditions[0]!.path = gone;
    const changed = p.sources[0]!;
    changed.sizeBytes += 1;
    const c = core(dataDir, 'all');
    const summary = await c.api['project.import']({ text: JSON.stringify(p) });
    expect(summary.interruptedJobs).toEqual([p.jobs[0]!.id, p.jobs[1]!.id]);
    expect(summary.missingFiles).toEqual([gone]);
    expect(summary.changedFiles).toEqual([changed.path]);
    await c.queue.whenIdle();
    const jobs = (await c.api['queue.snapshot']({})).jobs;
    expect(jobs.map((j) => j.status)).toEqual(['interrupted', 'interrupted', 'done']);
    expect(jobs[0]!.error).toMatch(/Imported from a project while it was queued/);
    c.close();
    // Not even a restart of the queue picks them up.
    const again = core(dataDir, 'all');
    await again.queue.whenIdle();
    expect((await again.api['queue.snapshot']({})).jobs.map((j) => j.status)).toEqual([
      'interrupted',
      'interrupted',
      'done',
    ]);
    again.close();
  });

  it('refuses a bad file with a clear error and changes nothing', async () => {
    const c = core();
    await importClip(c, JSON.parse(exported).sources[0].path);
    const p = (): ProjectFile => JSON.parse(exported) as ProjectFile;
    await expectInvalid(
      c,
      JSON.stringify({ ...p(), format: 'something-else' }),
      /not a VQ Studio project.*"something-else"/,
    );
    await expectInvalid(
      c,
      JSON.stringify({ ...p(), version: 99 }),
      /version 99 is not supported; this app reads versions 1 and 2/,
    );
    // Cut off half-way, as a broken download would be.
    await expectInvalid(c, exported.slice(0, Math.floor(exported.length / 2)), /not valid JSON/);
    const unknownTarget = p();
    const i = unknownTarget.scoreResults.findIndex((r) => r.target.kind === 'rendition');
    unknownTarget.scoreResults[i]!.target.id = 'no-such-rendition';
    await expectInvalid(
      c,
      JSON.stringify(unknownTarget),
      new RegExp(
        `scoreResults\\.${i}\\.target\\.id: rendition "no-such-rendition" is not in the file`,
      ),
    );
    const badField = p();
    (badField.renditions[1] as { width: unknown }).width = 'wide';
    await expectInvalid(c, JSON.stringify(badField), /renditions\.1\.width: /);
    const extra = { ...p(), surprise: 1 };
    await expectInvalid(c, JSON.stringify(extra), /surprise/);
    c.close();
  });

  it('rolls everything back when the database refuses a row half-way', async () => {
    const dataDir = tempDir();
    const c = core(dataDir);
    // A second connection makes the last table refuse inserts, as a full disk or a constraint would.
    const db = openDatabase(dataDir);
    db.exec(
      `CREATE TRIGGER refuse BEFORE INSERT ON score_results BEGIN SELECT RAISE(ABORT, 'refused by test'); END`,
    );
    const before = await counts(c);
    await expect(c.api['project.import']({ text: exported })).rejects.toThrow(/refused by test/);
    expect(await counts(c)).toEqual(before);
    expect(before).toMatchObject({ items: 0, batches: 0, jobs: 0, renditions: 0, scores: 0 });
    db.exec('DROP TRIGGER refuse');
    db.close();
    // With the obstacle gone the same file imports completely.
    const summary = await c.api['project.import']({ text: exported });
    expect(summary.scoreResults.added).toBe(4);
    c.close();
  });

  it('carries per-title runs; one still scoring arrives failed, never resumed', async () => {
    const p = JSON.parse(exported) as ProjectFile;
    const batch = p.batches.find((b) => b.ladder !== null)!;
    const src = p.sources.find((s) => s.id === srcId)!;
    // A run as the per-title flow stores it, caught mid-way (second connection to A's database).
    const db = openDatabase(dirA);
    const now = new Date().toISOString();
    new PerTitleRepo(db).insert({
      id: 'pt-scoring',
      sourceId: srcId,
      batchId: batch.id,
      status: 'scoring',
      options: resolvePerTitleOptions(
        { heights: [180, 120], crfs: [30, 40] },
        { ...src.media.video, sar: null, rotation: 0, frameRate: 24, hasAudio: false },
      ),
      ladder: null,
      hull: null,
      picks: null,
      scoredPoints: null,
      error: null,
      createdAt: now,
      updatedAt: now,
    });
    db.close();
    const text = (await a.api['project.export']({ sourceIds: [srcId] })).text;
    expect((JSON.parse(text) as ProjectFile).perTitleRuns?.map((r) => r.id)).toEqual([
      'pt-scoring',
    ]);

    const c = core(tempDir(), 'all');
    const events: VqEvent[] = [];
    c.events.subscribe((e) => events.push(e));
    const summary = await c.api['project.import']({ text });
    expect(summary.perTitleRuns).toEqual({ added: 1, skipped: 0 });
    const { runs } = await c.api['pertitle.list']({ sourceId: srcId });
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ id: 'pt-scoring', status: 'failed', batchId: batch.id });
    expect(runs[0]!.error).toMatch(/while it was scoring/);
    expect(events.some((e) => e.type === 'pertitle.updated' && e.run.id === 'pt-scoring')).toBe(
      true,
    );
    expect((await c.api['project.import']({ text })).perTitleRuns).toEqual({
      added: 0,
      skipped: 1,
    });
    c.close();
  });
});
