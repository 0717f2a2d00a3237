// A rendition scored again with other metrics (issue 12): CAMBI and XPSNR are asked for by name,
// so a person often scores them after VMAF, PSNR and SSIM. The later score must hide nothing:
// scores.list keeps the earlier result while it has a series the later one lacks, and
// analysis.get makes ONE point whose every figure comes from the newest result that has it.
// For real: createCore → encode with score after encode → score.start → queue → FFmpeg 7.1.5 +
// libvmaf 3.2.0 from ../shared/toolchain (XPSNR needs FFmpeg ≥ 7.1) → SQLite. FAILS (never
// skips) when that build is missing.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from '../../../shared/queue';
import type { ScoreMetric } from '../../../shared/score';
import { replacedSeries, type ScoreResultSummary } from '../../../shared/scoreResults';
import { createCore, type Core } from '../core';
import { makeReference, scoreEnv } from '../../testing/scoreFixtures';
import { quickLadder, quickRung } from '../../testing/clips';
import { useTempDirs } from '../../testing/tempDir';
import { sharedVmaf3Build } from '../../testing/vmaf3Build';

const tempDir = useTempDirs('vq-scored-again-');
const savedLdPath = process.env.LD_LIBRARY_PATH;
let media: string;
/** 320x240, 25 fps, 1 s: CAMBI and XPSNR both run at this size. */
let ref: string;

beforeAll(() => {
  const b = sharedVmaf3Build();
  // Probes, encodes and scoring runs spawn with process.env: give them the build's library path.
  if (b.env.LD_LIBRARY_PATH) process.env.LD_LIBRARY_PATH = b.env.LD_LIBRARY_PATH;
  media = fs.mkdtempSync(path.join(os.tmpdir(), 'vq-scored-again-media-'));
  ref = makeReference(media, { width: 320, height: 240, fps: 25, seconds: 1 });
});

afterAll(() => {
  if (savedLdPath === undefined) delete process.env.LD_LIBRARY_PATH;
  else process.env.LD_LIBRARY_PATH = savedLdPath;
  if (media) fs.rmSync(media, { recursive: true, force: true });
});

function core(): Core {
  const b = sharedVmaf3Build();
  return createCore({
    dataDir: tempDir(),
    host: { mode: 'web' },
    env: scoreEnv({ VQ_FFMPEG: b.ffmpeg, VQ_FFPROBE: b.ffprobe }),
  });
}

/** Resolves with the job once it left the queue (done, failed or canceled). */
function whenJobEnds(c: Core, jobId: () => string | null): Promise<Job> {
  return new Promise((resolve) => {
    const off = c.events.subscribe((e) => {
      if (e.type !== 'job.updated' || e.job.id !== jobId()) return;
      if (e.job.status === 'queued' || e.job.status === 'running') return;
      off();
      resolve(e.job);
    });
  });
}

/** Scores the rendition against the source with these metrics; the new result. */
async function scoreAgain(
  c: Core,
  sourceId: string,
  renditionId: string,
  metrics: ScoreMetric[],
  frames?: number,
): Promise<ScoreResultSummary> {
  let id: string | null = null;
  const ended = whenJobEnds(c, () => id);
  const { job } = await c.api['score.start']({
    referenceId: sourceId,
    distorted: [{ kind: 'rendition', id: renditionId }],
    options: { metrics, frames, threads: 2 },
  });
  id = job.id;
  const done = await ended;
  await c.queue.whenIdle();
  expect(done.status, done.error ?? '').toBe('done');
  const { results } = await c.api['scores.list']({ sourceId });
  return results.find((r) => r.jobId === job.id)!;
}

describe('a rendition scored again with other metrics', () => {
  it('keeps the earlier VMAF, PSNR and SSIM in the Scores list and in its one Analysis point', async () => {
    const c = core();
    try {
      const [item] = (await c.api['library.import']({ paths: [ref] })).imported;
      const sourceId = item!.id;
      let batchId: string | null = null;
      const encoded = new Promise<void>((resolve) => {
        const off = c.events.subscribe((e) => {
          if (e.type === 'batch.finished' && e.batchId === batchId) {
            off();
            resolve();
          }
        });
      });
      const ladder = quickLadder('one', [
        quickRung({ id: 'r240', height: 240, rateControl: { mode: 'crf', crf: 35 } }),
      ]);
      const started = await c.api['encode.start']({
        sourceId,
        ladder,
        scoreAfterEncode: { options: { metrics: ['vmaf', 'psnr', 'ssim'], threads: 2 } },
      });
      batchId = started.batch.id;
      await encoded;
      await c.queue.whenIdle();
      const { results: scored } = await c.api['scores.list']({ sourceId });
      expect(scored).toHaveLength(1);
      const first = scored[0]!;
      expect(Object.keys(first.metrics).sort()).toEqual(['psnr', 'psnrY', 'ssim', 'ssimY', 'vmaf']);
      const renditionId = first.target.id;

      // XPSNR asked for later: the list keeps both rows, the first with no figure replaced.
      const xpsnr = await scoreAgain(c, sourceId, renditionId, ['xpsnr']);
      expect(Object.keys(xpsnr.metrics).sort()).toEqual(['xpsnr', 'xpsnrU', 'xpsnrV']);
      const both = (await c.api['scores.list']({ sourceId })).results;
      expect(both.map((r) => r.id)).toEqual([xpsnr.id, first.id]);
      expect(replacedSeries(both)).toEqual(new Map([[first.id, []]]));

      // One point: VMAF, PSNR and SSIM of the first score, XPSNR of the second.
      const merged = await c.api['analysis.get']({ sourceId });
      expect(merged.stalePoints).toEqual([]);
      expect(merged.points).toHaveLength(1);
      const point = merged.points[0]!;
      expect(point).toMatchObject({
        renditionId,
        scoreResultId: xpsnr.id,
        scoreResultIds: [xpsnr.id, first.id],
        createdAt: xpsnr.createdAt,
        vmafModel: { name: first.model!.name, maxScore: 100 },
        stale: null,
      });
      expect(point.metrics).toEqual({
        vmafMean: first.metrics.vmaf!.mean,
        vmafHmean: first.metrics.vmaf!.harmonicMean,
        vmafP5: first.metrics.vmaf!.p5,
        psnr: first.metrics.psnr!.mean,
        psnrY: first.metrics.psnrY!.mean,
        ssim: first.metrics.ssim!.mean,
        msSsim: null,
        xpsnr: xpsnr.metrics.xpsnr!.mean,
        cambi: null,
      });
      expect(point.metrics.vmafMean).toBeGreaterThan(0);
      expect(point.metrics.xpsnr).toBeGreaterThan(20);

      // VMAF and PSNR again on the first 10 frames: they replace the first score's, whose row
      // stays for its SSIM (shown with VMAF and PSNR replaced); XPSNR still comes from the second.
      const again = await scoreAgain(c, sourceId, renditionId, ['vmaf', 'psnr'], 10);
      expect(again.frames).toBe(10);
      const three = (await c.api['scores.list']({ sourceId })).results;
      expect(three.map((r) => r.id)).toEqual([again.id, xpsnr.id, first.id]);
      expect(replacedSeries(three)).toEqual(
        new Map([
          [xpsnr.id, []],
          [first.id, ['vmaf', 'psnrY', 'psnr']],
        ]),
      );
      const p3 = (await c.api['analysis.get']({ sourceId })).points;
      expect(p3).toHaveLength(1);
      expect(p3[0]!.scoreResultIds).toEqual([again.id, xpsnr.id, first.id]);
      expect(p3[0]!.metrics).toMatchObject({
        vmafMean: again.metrics.vmaf!.mean,
        psnrY: again.metrics.psnrY!.mean,
        ssim: first.metrics.ssim!.mean,
        xpsnr: xpsnr.metrics.xpsnr!.mean,
      });
      // 10 of 25 frames: not the first score's VMAF, so the figure really is the newer one.
      expect(p3[0]!.metrics.vmafMean).not.toBe(first.metrics.vmaf!.mean);

      // Deleting the newest score brings back what it had replaced.
      await c.api['scores.delete']({ resultId: again.id });
      expect((await c.api['scores.list']({ sourceId })).results.map((r) => r.id)).toEqual([
        xpsnr.id,
        first.id,
      ]);
      expect((await c.api['analysis.get']({ sourceId })).points).toEqual(merged.points);
    } finally {
      c.close();
    }
  });
});
