// Rate–quality analysis and the per-title flow through the API (createCore → encode with score
// after encode → queue → real ffmpeg and libvmaf → SQLite → analysis.get / export / pertitle.*),
// on a short real clip (androidx-media bear-vp9.webm: 320x240, 82 frames). Each data dir is a
// temp dir; the first describe shares one (read-only after setup).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PerTitleRun } from '../../../shared/perTitle';
import { VqError } from '../../../shared/errors';
import { LadderSchema } from '../../../shared/ladder';
import type { PerTitleOptions } from '../../../shared/perTitle';
import { parseRdCsv } from '../../../shared/rd';
import { createCore, type Core } from '../core';
import { makeClip, quickLadder, quickRung } from '../../testing/clips';
import { testMedia, useTempDirs } from '../../testing/tempDir';

const tempDir = useTempDirs('vq-analysis-');
const CLIP = 'androidx-media/bear-vp9.webm';

function core(dataDir = tempDir()): Core {
  return createCore({ dataDir, host: { mode: 'web' } });
}

async function importClip(c: Core): Promise<string> {
  const out = await c.api['library.import']({ paths: [testMedia(CLIP)] });
  expect(out.failed).toEqual([]);
  return (out.imported[0] ?? out.existing[0])!.id;
}

/** Resolves when the batch's batch.finished arrives. */
function whenBatchFinished(c: Core, batchId: () => string | null): Promise<void> {
  return new Promise((resolve) => {
    const off = c.events.subscribe((e) => {
      if (e.type === 'batch.finished' && e.batchId === batchId()) {
        off();
        resolve();
      }
    });
  });
}

/** Every pertitle.updated of the core, from now on. */
function perTitleEvents(c: Core): PerTitleRun[] {
  const seen: PerTitleRun[] = [];
  c.events.subscribe((e) => {
    if (e.type === 'pertitle.updated') seen.push(e.run);
  });
  return seen;
}

/** Resolves with the run once it is done or failed. */
function whenRunEnds(c: Core, runId: () => string | null): Promise<PerTitleRun> {
  return new Promise((resolve) => {
    const off = c.events.subscribe((e) => {
      if (e.type !== 'pertitle.updated' || e.run.id !== runId()) return;
      if (e.run.status !== 'done' && e.run.status !== 'failed') return;
      off();
      resolve(e.run);
    });
  });
}

async function startAndWait(
  c: Core,
  sourceId: string,
  options: PerTitleOptions,
): Promise<PerTitleRun> {
  let id: string | null = null;
  const ended = whenRunEnds(c, () => id);
  const started = await c.api['pertitle.start']({ sourceId, options });
  id = started.run.id;
  const run = await ended;
  await c.queue.whenIdle();
  return run;
}

async function errorOf(p: Promise<unknown>): Promise<VqError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof VqError) return err;
    throw err;
  }
  throw new Error('expected a VqError');
}

const QUICK: PerTitleOptions = {
  preset: 'ultrafast',
  heights: [240, 120],
  crfs: [20, 30, 40],
  pick: { floorBitrate: 20_000 },
};

describe('analysis.get / analysis.export on two scored renditions', () => {
  let c: Core;
  let sourceId: string;
  let batchId: string;
  // Its own data dir: useTempDirs removes its dirs after each test.
  let shared: string;

  beforeAll(async () => {
    shared = fs.mkdtempSync(path.join(os.tmpdir(), 'vq-analysis-shared-'));
    c = core(shared);
    sourceId = await importClip(c);
    const ladder = quickLadder('two', [
      quickRung({ id: 'r240', height: 240, rateControl: { mode: 'crf', crf: 24 } }),
      quickRung({ id: 'r120', height: 120, rateControl: { mode: 'crf', crf: 36 } }),
    ]);
    let id: string | null = null;
    const finished = whenBatchFinished(c, () => id);
    const started = await c.api['encode.start']({
      sourceId,
      ladder,
      scoreAfterEncode: { options: { metrics: ['vmaf', 'psnr', 'ssim'] } },
    });
    id = batchId = started.batch.id;
    await finished;
    await c.queue.whenIdle();
  });
  afterAll(() => {
    c.close();
    fs.rmSync(shared, { recursive: true, force: true });
  });

  it('lists each scored rendition with its measured bitrate, rung facts and pooled figures', async () => {
    const { renditions } = await c.api['renditions.list']({ sourceId });
    const { results } = await c.api['scores.list']({ sourceId });
    expect(renditions).toHaveLength(2);
    expect(results).toHaveLength(2);

    const data = await c.api['analysis.get']({ sourceId });
    expect(data.sourceId).toBe(sourceId);
    expect(data.points.map((p) => p.rungId)).toEqual(['r120', 'r240']); // bitrate ascending
    for (const p of data.points) {
      const r = renditions.find((x) => x.id === p.renditionId)!;
      const s = results.find((x) => x.target.id === r.id)!;
      expect(p).toMatchObject({
        scoreResultId: s.id,
        batchId,
        jobId: r.jobId,
        ladderId: 'two',
        ladderName: 'Test two',
        label: r.rungId,
        encoder: 'libx264',
        width: r.width,
        height: r.height,
        sizeBytes: r.sizeBytes,
        createdAt: s.createdAt,
      });
      expect(p.bitrate).toBe(r.bitrateKbps! * 1000);
      expect(p.metrics).toEqual({
        vmafMean: s.metrics.vmaf!.mean,
        vmafHmean: s.metrics.vmaf!.harmonicMean,
        vmafP5: s.metrics.vmaf!.p5,
        psnr: s.metrics.psnr!.mean,
        psnrY: s.metrics.psnrY!.mean,
        ssim: s.metrics.ssim!.mean,
        msSsim: null, // not asked for
        xpsnr: null,
        cambi: null,
      });
      expect(p.vmafModel).toEqual({ name: s.model!.name, maxScore: 100 });
    }
    const [low, high] = data.points;
    expect(low!.rateControl).toBe('CRF 36');
    expect(high!.rateControl).toBe('CRF 24');
    // What curves group by (shared/rd/groupCurves.ts): the rung's preset and rate-control mode.
    expect([low!.preset, low!.rateMode]).toEqual(['ultrafast', 'crf']);
    expect(low!.width).toBe(160);
    expect(high!.bitrate).toBeGreaterThan(low!.bitrate);
    expect(high!.metrics.vmafMean!).toBeGreaterThan(low!.metrics.vmafMean!);
  });

  it('takes each figure of a rendition scored twice from the newest score that has it', async () => {
    const before = await c.api['analysis.get']({ sourceId });
    const target = before.points[0]!;
    let id: string | null = null;
    const done = new Promise<void>((resolve) => {
      const off = c.events.subscribe((e) => {
        if (e.type === 'job.updated' && e.job.id === id && e.job.status === 'done') {
          off();
          resolve();
        }
      });
    });
    // SSIM again on the first 30 frames only: a figure the first score's SSIM is not.
    const { job } = await c.api['score.start']({
      referenceId: sourceId,
      distorted: [{ kind: 'rendition', id: target.renditionId }],
      options: { metrics: ['ssim'], frames: 30 },
    });
    id = job.id;
    await done;
    await c.queue.whenIdle();
    // The Scores list keeps the first score's row: its VMAF and PSNR are the only ones.
    const { results } = await c.api['scores.list']({ sourceId });
    const ofTarget = results.filter((r) => r.target.id === target.renditionId);
    expect(ofTarget.map((r) => r.id)).toEqual([ofTarget[0]!.id, target.scoreResultId]);
    const newer = ofTarget[0]!;
    expect(newer.frames).toBe(30);
    const after = await c.api['analysis.get']({ sourceId });
    expect(after.points).toHaveLength(2);
    const again = after.points.find((p) => p.renditionId === target.renditionId)!;
    expect(again.scoreResultId).toBe(newer.id);
    expect(again.scoreResultIds).toEqual([newer.id, target.scoreResultId]);
    expect(again.metrics).toEqual({
      ...target.metrics,
      ssim: newer.metrics.ssim!.mean,
    });
    expect(again.metrics.ssim).not.toBe(target.metrics.ssim);
    expect(again.vmafModel).toEqual(target.vmafModel);
    // Restore: delete the newer score, the older one is the newest again.
    await c.api['scores.delete']({ resultId: again.scoreResultId });
    expect((await c.api['analysis.get']({ sourceId })).points).toEqual(before.points);
  });

  it('exports pooled CSV that vq bdrate reads, and JSON of the same points', async () => {
    const data = await c.api['analysis.get']({ sourceId });
    const csv = await c.api['analysis.export']({ sourceId, format: 'csv' });
    expect(csv.fileName).toBe('bear-vp9-pooled.csv');
    expect(csv.mimeType).toBe('text/csv');
    const lines = csv.text.trimEnd().split('\n');
    expect(lines[0]).toBe(
      'rendition_id,label,ladder,encoder,width,height,rate_control,bitrate,size_bytes,quality,vmaf_mean,vmaf_hmean,vmaf_p5,psnr,psnr_y,ssim,ms_ssim,xpsnr_y,cambi,score_result_id,batch_id,created_at',
    );
    expect(lines).toHaveLength(3);
    expect(lines[1]!.split(',').slice(0, 7)).toEqual([
      data.points[0]!.renditionId,
      'r120',
      'Test two',
      'libx264',
      '160',
      '120',
      'CRF 36',
    ]);
    expect(parseRdCsv(csv.text)).toEqual(
      data.points.map((p) => ({ bitrate: p.bitrate, quality: p.metrics.vmafMean })),
    );

    const json = await c.api['analysis.export']({ sourceId, format: 'json' });
    expect(json).toMatchObject({ fileName: 'bear-vp9-pooled.json', mimeType: 'application/json' });
    const parsed = JSON.parse(json.text) as {
      sourceId: string;
      source: string;
      bitrateUnit: string;
      renditions: unknown[];
    };
    expect(parsed).toEqual({
      sourceId,
      source: 'bear-vp9.webm',
      bitrateUnit: 'bit/s',
      renditions: data.points,
    });
  });

  it('says NOT_FOUND for an unknown source, through the dispatcher too', async () => {
    expect((await errorOf(c.api['analysis.get']({ sourceId: 'nope' }))).code).toBe('NOT_FOUND');
    expect(
      (await errorOf(c.api['analysis.export']({ sourceId: 'nope', format: 'csv' }))).code,
    ).toBe('NOT_FOUND');
    const reply = await c.dispatch('analysis.export', { sourceId, format: 'xml' });
    expect(reply.ok).toBe(false);
  });
});

describe('pertitle.start / pertitle.list', () => {
  it('encodes and scores the grid, then recommends a fixed-bitrate ladder, top first', async () => {
    const c = core();
    try {
      const sourceId = await importClip(c);
      const events = perTitleEvents(c);
      const run = await startAndWait(c, sourceId, QUICK);
      expect(run.error).toBeNull();
      expect(run.status).toBe('done');
      // encoding → scoring → done, each announced once.
      expect(events.map((e) => e.status)).toEqual(['encoding', 'scoring', 'done']);
      expect(run.options).toMatchObject({
        encoder: 'libx264',
        preset: 'ultrafast',
        heights: [240, 120],
        crfs: [20, 30, 40],
        quality: 'vmafMean',
      });

      // The grid: 2 heights × 3 CRFs, all scored.
      const points = (await c.api['analysis.get']({ sourceId })).points.filter(
        (p) => p.batchId === run.batchId,
      );
      expect(points).toHaveLength(6);
      expect(run.scoredPoints).toBe(6);
      expect(points.every((p) => p.ladderId === `pertitle-grid-${run.id}`)).toBe(true);

      // The hull is made of grid points and rises with bitrate.
      const hull = run.hull!;
      expect(hull.length).toBeGreaterThanOrEqual(2);
      for (const h of hull) {
        const p = points.find((x) => x.renditionId === h.renditionId)!;
        expect(h).toEqual({
          renditionId: p.renditionId,
          group: `${p.height}p`,
          width: p.width,
          height: p.height,
          bitrate: p.bitrate,
          quality: p.metrics.vmafMean,
        });
      }
      for (let i = 1; i < hull.length; i++) {
        expect(hull[i]!.bitrate).toBeGreaterThan(hull[i - 1]!.bitrate);
        expect(hull[i]!.quality).toBeGreaterThan(hull[i - 1]!.quality);
      }

      // The ladder: valid, fixed-bitrate rungs, top first, 1.5–2× apart or the pick says why not.
      const ladder = run.ladder!;
      expect(LadderSchema.safeParse(ladder).success).toBe(true);
      expect(ladder.name).toBe('Per-title: bear-vp9.webm');
      expect(ladder.rungs).toHaveLength(run.picks!.length);
      const kbps = ladder.rungs.map((r) =>
        r.rateControl.mode === 'abr' ? r.rateControl.bitrateKbps : NaN,
      );
      for (const r of ladder.rungs) {
        expect(r.rateControl).toMatchObject({ mode: 'abr' });
        expect(r).toMatchObject({ encoder: 'libx264', preset: 'ultrafast', fixedGop: true });
        expect([240, 120]).toContain(r.height);
      }
      for (let i = 1; i < kbps.length; i++) {
        const ratio = run.picks![i - 1]!.bitrate / run.picks![i]!.bitrate;
        expect(kbps[i]!).toBeLessThan(kbps[i - 1]!);
        if (ratio < 1.5 - 1e-9 || ratio > 2 + 1e-9)
          expect(run.picks![i]!.why).toMatch(/floor|lowest hull point/);
      }
      run.picks!.forEach((p, i) => {
        expect(p.rungId).toBe(ladder.rungs[i]!.id);
        expect(Math.round(p.bitrate / 1000)).toBe(kbps[i]);
        expect(p.bitrate).toBeGreaterThanOrEqual(20_000);
        expect(p.why.length).toBeGreaterThan(0);
      });

      // Persisted: the list (newest first) has it, and the ladder can be encoded as it is.
      const { runs } = await c.api['pertitle.list']({ sourceId });
      expect(runs).toEqual([run]);
      const plan = await c.api['encode.plan']({ sourceId, ladder });
      expect(plan.skipped).toEqual([]);
      expect(plan.rungs).toHaveLength(ladder.rungs.length);
    } finally {
      c.close();
    }
  });

  it('ends failed with the reason when the grid is canceled, and completes once it is retried', async () => {
    const c = core();
    try {
      const sourceId = await importClip(c);
      let id: string | null = null;
      const ended = whenRunEnds(c, () => id);
      const started = await c.api['pertitle.start']({ sourceId, options: QUICK });
      id = started.run.id;
      expect(started.run.status).toBe('encoding');
      expect(started.jobs.map((j) => j.kind).sort()).toEqual(['encode', 'score']);
      await c.api['queue.cancelAll']({ batchId: started.batch.id });
      const run = await ended;
      await c.queue.whenIdle();
      expect(run.status).toBe('failed');
      expect(run.ladder).toBeNull();
      expect(run.error).toMatch(/did not finish: [12] canceled of 2 jobs\./);
      expect((await c.api['pertitle.list']({ sourceId })).runs.map((r) => r.status)).toEqual([
        'failed',
      ]);

      // Retrying the grid's jobs in the queue brings the run back; it then completes.
      const done = new Promise<PerTitleRun>((resolve) => {
        c.events.subscribe((e) => {
          if (e.type === 'pertitle.updated' && e.run.id === id && e.run.status === 'done')
            resolve(e.run);
        });
      });
      const revived = perTitleEvents(c);
      const jobs = (await c.api['queue.snapshot']({})).jobs.filter(
        (j) => j.batchId === started.batch.id,
      );
      for (const kind of ['encode', 'score'] as const) {
        const job = jobs.find((j) => j.kind === kind)!;
        if (job.status === 'canceled') await c.api['queue.retry']({ jobId: job.id });
      }
      expect(revived[0]).toMatchObject({ id: run.id, status: 'encoding', error: null });
      const again = await done;
      await c.queue.whenIdle();
      expect(again.error).toBeNull();
      expect(again.scoredPoints).toBe(6);
      expect(LadderSchema.safeParse(again.ladder).success).toBe(true);
    } finally {
      c.close();
    }
  });

  it('completes, on the next start, a run whose grid finished while nobody followed it', async () => {
    const dataDir = tempDir();
    const a = core(dataDir);
    let sourceId: string;
    let runId: string;
    try {
      sourceId = await importClip(a);
      let batchId: string | null = null;
      const finished = whenBatchFinished(a, () => batchId);
      const started = await a.api['pertitle.start']({
        sourceId,
        options: { ...QUICK, heights: [120], crfs: [24, 36] },
      });
      runId = started.run.id;
      batchId = started.batch.id;
      a.perTitle.close(); // as if the app had quit before the grid finished
      await finished;
      await a.queue.whenIdle();
      expect((await a.api['pertitle.list']({ sourceId })).runs[0]!.status).toBe('encoding');
    } finally {
      a.close();
    }
    const b = core(dataDir);
    try {
      const [run] = (await b.api['pertitle.list']({ sourceId })).runs;
      expect(run!.id).toBe(runId);
      expect(run!.status).toBe('done');
      expect(run!.scoredPoints).toBe(2);
      expect(LadderSchema.safeParse(run!.ladder).success).toBe(true);
    } finally {
      b.close();
    }
  });

  it('encodes each run into a new folder inside the given outDir, so running again needs no overwrite', async () => {
    const c = core();
    try {
      const sourceId = await importClip(c);
      const outDir = path.join(tempDir(), 'grids');
      const opts: PerTitleOptions = { ...QUICK, heights: [120], crfs: [24, 36], outDir };
      const first = await startAndWait(c, sourceId, opts);
      expect(first.status).toBe('done');
      expect(first.options.outDir).toBe(path.join(outDir, `pertitle-grid-${first.id}`));
      expect(fs.readdirSync(first.options.outDir!).filter((f) => f.endsWith('.mp4'))).toHaveLength(2);
      // The same options again: not OUTPUT_EXISTS, and the first run's files stay as they were.
      const again = await c.api['pertitle.start']({ sourceId, options: opts });
      expect(again.batch.outDir).toBe(path.join(outDir, `pertitle-grid-${again.run.id}`));
      expect(again.batch.outDir).not.toBe(first.options.outDir);
      await c.queue.cancelAll(again.batch.id);
      await c.queue.whenIdle();
    } finally {
      c.close();
    }
  });

  it('on an HDR source: refuses x264 naming both ways out; tone-maps or keeps HDR when one is taken', async () => {
    const c = core();
    try {
      const clip = makeClip(tempDir(), { width: 320, height: 180, seconds: 0.5, hdr: 'pq' });
      const sourceId = (await c.api['library.import']({ paths: [clip] })).imported[0]!.id;
      const grid = { preset: 'ultrafast', heights: [90], crfs: [30, 40] };
      const e = await errorOf(c.api['pertitle.start']({ sourceId, options: grid }));
      expect(e.code).toBe('INVALID_ARGS');
      expect(e.message).toContain('cannot carry HDR');
      expect(e.hint).toMatch(/x265.*SVT-AV1.*tone-map/);
      expect((await c.api['queue.snapshot']({})).batches).toEqual([]);
      const mapped = await c.api['pertitle.start']({ sourceId, options: { ...grid, hdr: 'tonemap' } });
      expect(mapped.batch.ladder?.hdr).toBe('tonemap');
      expect(mapped.run.options.hdr).toBe('tonemap');
      const kept = await c.api['pertitle.start']({
        sourceId,
        options: { ...grid, encoder: 'libx265' },
      });
      expect(kept.batch.ladder?.hdr).toBe('keep');
      await c.queue.cancelAll();
      await c.queue.whenIdle();
    } finally {
      c.close();
    }
  });

  it('refuses an unknown source and heights above the source before queueing anything', async () => {
    const c = core();
    try {
      const sourceId = await importClip(c);
      expect((await errorOf(c.api['pertitle.start']({ sourceId: 'nope' }))).code).toBe('NOT_FOUND');
      const e = await errorOf(
        c.api['pertitle.start']({ sourceId, options: { heights: [360, 240] } }),
      );
      expect(e.code).toBe('INVALID_ARGS');
      expect(e.message).toContain('360');
      expect((await c.api['queue.snapshot']({})).batches).toEqual([]);
      expect((await c.api['pertitle.list']({ sourceId })).runs).toEqual([]);
      const reply = await c.dispatch('pertitle.start', { sourceId, options: { heights: [241] } });
      expect(reply).toMatchObject({ ok: false, error: { code: 'INVALID_ARGS' } });
      // Pick options the picker refuses fail now, not after the whole grid was encoded and scored.
      const step = await errorOf(
        c.api['pertitle.start']({ sourceId, options: { pick: { maxStepRatio: 1.2 } } }),
      );
      expect(step.code).toBe('INVALID_ARGS');
      expect(step.message).toContain('maxStepRatio');
      const one = await c.dispatch('pertitle.start', { sourceId, options: { pick: { minStepRatio: 1 } } });
      expect(one).toMatchObject({ ok: false, error: { code: 'INVALID_ARGS' } });
      expect((await c.api['queue.snapshot']({})).batches).toEqual([]);
    } finally {
      c.close();
    }
  });
});
