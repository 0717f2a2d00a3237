// Scoring through the API (createCore → score.plan / score.start → queue → ffmpeg → SQLite), with
// real ffmpeg (the npm libvmaf build, models from VQ_VMAF_MODEL_DIR) on the ffmpeg-quality-metrics
// pair and short generated clips. Each test has its own data dir.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VqEvent } from '../../../shared/api';
import type { Job } from '../../../shared/queue';
import type { ScoreRunResult } from '../../../shared/score';
import { createCore, type Core } from '../core';
import { runningProcesses } from '../ffmpeg/process';
import { perFrameCsv, perFrameJson, scoreRun } from '../scoreEngine';
import { makeDistorted, makeReference } from '../../testing/scoreFixtures';
import { makeClip, quickLadder, quickRung } from '../../testing/clips';
import { testMedia, useTempDirs } from '../../testing/tempDir';
import { scoreLogDir } from '../paths';

const tempDir = useTempDirs('vq-scores-');
let clips: string;
let ref: string;
let short: string;

beforeAll(() => {
  clips = fs.mkdtempSync(path.join(os.tmpdir(), 'vq-score-clips-'));
  ref = makeReference(clips, { width: 320, height: 240, fps: 24, seconds: 1 });
  short = makeDistorted(clips, ref, { crf: 30, frames: 12, name: 'short.mp4' });
});
afterAll(() => fs.rmSync(clips, { recursive: true, force: true }));

function core(): Core {
  return createCore({ dataDir: tempDir(), host: { mode: 'web' } });
}

async function importClip(c: Core, file: string): Promise<string> {
  const out = await c.api['library.import']({ paths: [file] });
  expect(out.failed).toEqual([]);
  return (out.imported[0] ?? out.existing[0])!.id;
}

/** Resolves with the job once it reaches a finished status. */
function whenJobFinished(c: Core, jobId: () => string | null): Promise<Job> {
  return new Promise((resolve) => {
    const off = c.events.subscribe((e) => {
      if (e.type !== 'job.updated' || e.job.id !== jobId()) return;
      if (e.job.status === 'queued' || e.job.status === 'running') return;
      off();
      resolve(e.job);
    });
  });
}

async function scoreAndWait(
  c: Core,
  args: Parameters<Core['api']['score.start']>[0],
): Promise<Job> {
  let id: string | null = null;
  const finished = whenJobFinished(c, () => id);
  const { job } = await c.api['score.start'](args);
  id = job.id;
  const done = await finished;
  await c.queue.whenIdle();
  return done;
}

describe('score.plan / score.start on the ffmpeg-quality-metrics pair', () => {
  const dir = 'ffmpeg-quality-metrics';
  let direct: ScoreRunResult;

  beforeAll(async () => {
    const c = core();
    try {
      direct = await scoreRun(
        {
          reference: { path: fs.realpathSync(testMedia(`${dir}/ref-1280x720.mkv`)) },
          distorted: [{ path: fs.realpathSync(testMedia(`${dir}/dist-854x480.mkv`)) }],
        },
        { toolchain: c.toolchain },
      );
    } finally {
      c.close();
    }
  });

  it('plans with findings and the exact command, runs in the queue, stores what scoreRun computes', async () => {
    const c = core();
    const events: VqEvent[] = [];
    c.events.subscribe((e) => events.push(e));
    const refId = await importClip(c, testMedia(`${dir}/ref-1280x720.mkv`));
    const distId = await importClip(c, testMedia(`${dir}/dist-854x480.mkv`));
    const args = { referenceId: refId, distorted: [{ kind: 'source' as const, id: distId }] };

    const plan = await c.api['score.plan'](args);
    expect(plan.blocked).toBe(false);
    expect(plan.reference).toEqual({
      id: refId,
      fileName: 'ref-1280x720.mkv',
      width: 1280,
      height: 720,
    });
    expect(plan.distorted[0]).toMatchObject({
      target: { kind: 'source', id: distId },
      label: 'dist-854x480.mkv',
      width: 854,
      height: 480,
      blocked: false,
    });
    expect(plan.distorted[0]!.findings.map((f) => f.id)).toContain('upscale');
    expect(plan.command[0]).toBe(plan.binary.path);
    expect(plan.command.join(' ')).toMatch(/libvmaf=model_path=.*vmaf_v0\.6\.1\.pkl/);
    expect(plan.binary.libvmafApi).toBe(1);
    expect(plan.model?.name).toBe('vmaf_v0.6.1');
    expect(plan.scoring).toMatchObject({
      width: 1280,
      height: 720,
      metrics: ['vmaf', 'psnr', 'ssim', 'ms_ssim'],
    });

    const job = await scoreAndWait(c, args);
    expect(job.status).toBe('done');
    expect(job.kind).toBe('score');
    expect(job.commands).toHaveLength(1);
    expect(job.commands[0]!.join(' ')).toContain(scoreLogDir(c.dataDir, job.id));

    const { results, seq } = await c.api['scores.list']({ sourceId: refId });
    expect(seq).toBe(c.events.seq);
    expect(results).toHaveLength(1);
    const summary = results[0]!;
    const want = direct.results[0]!;
    expect(summary).toMatchObject({
      jobId: job.id,
      referenceId: refId,
      target: { kind: 'source', id: distId },
      label: 'dist-854x480.mkv',
      encoder: null,
      width: 854,
      height: 480,
      frames: 3,
      fixes: [],
    });
    for (const s of ['vmaf', 'psnrY', 'psnr', 'ssimY', 'ssim', 'msSsim'] as const) {
      expect(summary.metrics[s]!.mean).toBe(want.metrics[s]!.mean);
      expect(summary.metrics[s]!.harmonicMean).toBe(want.metrics[s]!.harmonicMean);
      expect(summary.metrics[s]!.p5).toBe(want.metrics[s]!.p5);
    }
    expect(summary.metrics.vmaf!.below).toEqual({ threshold: 80, share: 1 });
    expect(Math.abs(summary.metrics.vmaf!.mean! - 15.642656)).toBeLessThan(5e-6);
    expect(
      events
        .filter((e) => e.type === 'score.added')
        .map((e) => e.type === 'score.added' && e.result),
    ).toEqual([summary]);

    const detail = await c.api['scores.get']({ resultId: summary.id });
    expect(detail.frameNumbers).toEqual([0, 1, 2]);
    expect(detail.perFrame.vmaf).toEqual([15.44212, 15.85038, 15.63546]);
    expect(detail.perFrame.psnrY).toEqual(want.perFrame.psnrY);
    expect(detail.command).toEqual(job.commands[0]);
    expect(detail.ffmpeg).toMatchObject({ libvmafApi: 1, libvmafVersion: '1.3.7' });
    expect(detail.alignment).toMatchObject({ width: 1280, height: 720, scaler: 'bicubic' });
    expect(detail.model).toMatchObject({ name: 'vmaf_v0.6.1', format: 'pkl' });
    expect(detail.preflight.map((f) => f.id)).toContain('upscale');
    expect(detail.worstBy).toBe('vmaf');
    expect(detail.worstFrames.map((w) => [w.frame, w.vmaf])).toEqual([
      [0, 15.44212],
      [2, 15.63546],
      [1, 15.85038],
    ]);

    // Export: the engine's own CSV/JSON of the same pair, byte for byte.
    const csv = await c.api['scores.export']({ resultIds: [summary.id], format: 'csv' });
    expect(csv).toMatchObject({ fileName: 'ref-1280x720-scores.csv', mimeType: 'text/csv' });
    expect(csv.text).toBe(perFrameCsv(direct));
    const json = await c.api['scores.export']({ resultIds: [summary.id], format: 'json' });
    expect(JSON.parse(json.text)).toEqual(perFrameJson(direct));

    // Delete: the result, its event, and the job's logs (no result of that run is left).
    expect(fs.existsSync(scoreLogDir(c.dataDir, job.id))).toBe(true);
    expect(await c.api['scores.delete']({ resultId: summary.id })).toEqual({ id: summary.id });
    expect(events.at(-1)).toMatchObject({ type: 'score.removed', id: summary.id });
    expect((await c.api['scores.list']({ sourceId: refId })).results).toEqual([]);
    expect(fs.existsSync(scoreLogDir(c.dataDir, job.id))).toBe(false);
    const gone = await c.dispatch('scores.get', { resultId: summary.id });
    expect(gone).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    c.close();
  });
});

describe('pre-flight blocks, fixes and bad requests', () => {
  it('refuses a distorted video shorter than the reference until trim-to-shortest is chosen (recorded)', async () => {
    const c = core();
    const refId = await importClip(c, ref);
    const shortId = await importClip(c, short);
    const args = {
      referenceId: refId,
      distorted: [{ kind: 'source' as const, id: shortId }],
      options: { metrics: ['psnr' as const, 'ssim' as const] },
    };
    const plan = await c.api['score.plan'](args);
    expect(plan.blocked).toBe(true);
    expect(plan.distorted[0]!.blocked).toBe(true);
    const block = plan.distorted[0]!.findings.find((f) => f.severity === 'block')!;
    expect(block.id).toBe('frames-mismatch');
    expect(block.fixes).toContain('trim-to-shortest');

    const refused = await c.dispatch('score.start', args);
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.error.code).toBe('PREFLIGHT_BLOCKED');
    expect(refused.error.message).toContain('short.mp4');
    expect(refused.error.message).toContain(block.message);
    expect(refused.error.hint).toContain('trim-to-shortest');
    expect((await c.api['queue.snapshot']({})).jobs).toEqual([]);

    const fixed = { ...args, fixes: [['trim-to-shortest' as const]] };
    const fixedPlan = await c.api['score.plan'](fixed);
    expect(fixedPlan.blocked).toBe(false);
    expect(fixedPlan.distorted[0]!.fixes).toEqual(['trim-to-shortest']);
    const job = await scoreAndWait(c, fixed);
    expect(job.status).toBe('done');
    expect(job.plan).toMatchObject({ kind: 'score', fixes: [['trim-to-shortest']] });
    const [result] = (await c.api['scores.list']({ sourceId: refId })).results;
    expect(result).toMatchObject({ fixes: ['trim-to-shortest'], frames: 12 });
    expect(result!.metrics.vmaf).toBeUndefined();
    expect(Object.keys(result!.metrics).sort()).toEqual(['psnr', 'psnrY', 'ssim', 'ssimY']);
    const detail = await c.api['scores.get']({ resultId: result!.id });
    expect(detail.alignment.frames).toBe(12);
    expect(detail.worstBy).toBe('psnrY');
    expect(detail.worstFrames).toHaveLength(10);
    c.close();
  });

  it('rejects unknown targets and malformed requests with readable errors', async () => {
    const c = core();
    const refId = await importClip(c, ref);
    const unknown = await c.dispatch('score.plan', {
      referenceId: refId,
      distorted: [{ kind: 'rendition', id: 'nope' }],
    });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const noRef = await c.dispatch('score.start', {
      referenceId: 'gone',
      distorted: [{ kind: 'source', id: refId }],
    });
    expect(noRef).toMatchObject({ ok: false, error: { code: 'UNKNOWN_ITEM' } });
    const empty = await c.dispatch('score.start', { referenceId: refId, distorted: [] });
    expect(empty).toMatchObject({ ok: false, error: { code: 'INVALID_ARGS' } });
    const badExport = await c.dispatch('scores.export', { resultIds: ['x'], format: 'xml' });
    expect(badExport).toMatchObject({ ok: false, error: { code: 'INVALID_ARGS' } });
    c.close();
  });
});

describe('score jobs in the queue', () => {
  it('cancels a running score job: ffmpeg killed, no result, no logs left', async () => {
    const dir = tempDir();
    const big = makeReference(dir, {
      width: 1280,
      height: 720,
      fps: 24,
      seconds: 4,
      name: 'big.mkv',
    });
    const c = core();
    const id = await importClip(c, big);
    let jobId: string | null = null;
    const running = new Promise<void>((resolve) => {
      const off = c.events.subscribe((e) => {
        if (e.type === 'job.progress' && e.jobId === jobId && (e.fraction ?? 0) > 0) {
          off();
          resolve();
        }
      });
    });
    const finished = whenJobFinished(c, () => jobId);
    // The item against itself, with MS-SSIM (slow on libvmaf 1.3.7): long enough to cancel.
    const { job } = await c.api['score.start']({
      referenceId: id,
      distorted: [{ kind: 'source', id }],
      options: { metrics: ['vmaf', 'ms_ssim'], threads: 1 },
    });
    jobId = job.id;
    await running;
    expect(runningProcesses().length).toBeGreaterThan(0);
    const canceled = await c.api['queue.cancel']({ jobId: job.id });
    expect(canceled.status).toBe('canceled');
    expect((await finished).status).toBe('canceled');
    expect(runningProcesses()).toEqual([]);
    expect((await c.api['scores.list']({ sourceId: id })).results).toEqual([]);
    expect(fs.existsSync(scoreLogDir(c.dataDir, job.id))).toBe(false);
    c.close();
  });

  it('scores after encode: one score job per encode job, results linked to the renditions', async () => {
    const dir = tempDir();
    const src = makeClip(dir, { width: 320, height: 240, fps: 24, seconds: 1 });
    const c = core();
    const sourceId = await importClip(c, src);
    const ladder = quickLadder('scored', [
      quickRung({ id: 'r180', height: 180 }),
      quickRung({ id: 'r120', height: 120, rateControl: { mode: 'crf', crf: 40 } }),
    ]);
    const options = { metrics: ['psnr' as const, 'ssim' as const] };
    const plan = await c.api['encode.plan']({ sourceId, ladder, scoreAfterEncode: { options } });
    expect(plan.scoreAfterEncode).toEqual(options);

    let batchId: string | null = null;
    const finished = new Promise<void>((resolve) => {
      c.events.subscribe((e) => {
        if (e.type === 'batch.finished' && e.batchId === batchId) resolve();
      });
    });
    const started = await c.api['encode.start']({
      sourceId,
      ladder,
      scoreAfterEncode: { options },
    });
    batchId = started.batch.id;
    const encodeJob = started.jobs.find((j) => j.kind === 'encode')!;
    const scoreJob = started.jobs.find((j) => j.kind === 'score')!;
    expect(started.jobs).toHaveLength(2);
    expect(scoreJob).toMatchObject({ dependsOn: encodeJob.id, rungIds: ['r180', 'r120'] });
    expect(scoreJob.plan).toMatchObject({
      kind: 'score',
      referenceId: sourceId,
      fromJob: encodeJob.id,
    });
    await finished;
    await c.queue.whenIdle();

    const snap = await c.api['queue.snapshot']({});
    expect(snap.jobs.map((j) => j.status)).toEqual(['done', 'done']);
    const renditions = snap.renditions;
    expect(renditions).toHaveLength(2);
    const { results } = await c.api['scores.list']({ sourceId });
    expect(results).toHaveLength(2);
    expect(results.map((r) => r.label)).toEqual(['r180', 'r120']);
    for (const r of results) {
      const rendition = renditions.find((x) => x.rungId === r.label)!;
      expect(r).toMatchObject({
        jobId: scoreJob.id,
        target: { kind: 'rendition', id: rendition.id },
        encoder: 'libx264',
        width: rendition.width,
        height: rendition.height,
        bitrateKbps: rendition.bitrateKbps,
        frames: 24,
      });
      // The same number as the engine on the same pair.
      const direct = await scoreRun(
        {
          reference: { path: fs.realpathSync(src) },
          distorted: [{ path: rendition.path }],
          ...options,
        },
        { toolchain: c.toolchain },
      );
      expect(r.metrics.psnr!.mean).toBe(direct.results[0]!.metrics.psnr!.mean);
      expect(r.metrics.ssimY!.mean).toBe(direct.results[0]!.metrics.ssimY!.mean);
    }
    // A lower rung scores lower.
    expect(results[0]!.metrics.psnrY!.mean!).toBeGreaterThan(results[1]!.metrics.psnrY!.mean!);
    c.close();
  });
});
