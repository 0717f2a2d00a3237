import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ladder } from '../../../shared/ladder';
import type { Batch, Job, Rendition } from '../../../shared/queue';
import { createCore, type Core } from '../core';
import { openDatabase } from '../store/db';
import { makeClip, quickLadder, quickRung } from '../../testing/clips';
import { useTempDirs } from '../../testing/tempDir';

// HDR sources through the API (encode.plan / encode.start → queue → real ffmpeg), checked with
// ffprobe on the outputs: kept HDR is 10-bit BT.2020 with the source's transfer, tone-mapped is
// 8-bit BT.709, and a rung that cannot carry HDR is refused rather than flattened (issue 11).
const tempDir = useTempDirs();
let clips: string;
let pqPortrait: string;
let hlg: string;

beforeAll(() => {
  clips = fs.mkdtempSync(path.join(os.tmpdir(), 'vq-hdr-'));
  pqPortrait = makeClip(clips, {
    width: 360,
    height: 640,
    fps: 24,
    seconds: 0.5,
    hdr: 'pq',
    name: 'pq-portrait.mp4',
  });
  hlg = makeClip(clips, {
    width: 320,
    height: 180,
    fps: 24,
    seconds: 0.5,
    hdr: 'hlg',
    name: 'hlg.mp4',
  });
});
afterAll(() => fs.rmSync(clips, { recursive: true, force: true }));

/** ffprobe's size, pixel format and colour tags of the first video stream. */
function colourFacts(file: string): Record<string, string | number> {
  const out = execFileSync(
    'ffprobe',
    [
      '-v',
      'error',
      '-select_streams',
      'v:0',
      '-show_entries',
      'stream=width,height,pix_fmt,color_primaries,color_transfer,color_space',
      '-of',
      'json',
      file,
    ],
    { encoding: 'utf8' },
  );
  return (JSON.parse(out) as { streams: Record<string, string | number>[] }).streams[0]!;
}

/** Mean luma (0–255 scale for 8-bit) of the first frame. */
function meanLuma(file: string): number {
  const out = execFileSync(
    'ffmpeg',
    [
      '-v',
      'error',
      '-i',
      file,
      '-vf',
      'signalstats,metadata=print:key=lavfi.signalstats.YAVG:file=-',
      '-frames:v',
      '1',
      '-f',
      'null',
      '-',
    ],
    { encoding: 'utf8' },
  );
  return Number(/YAVG=([\d.]+)/.exec(out)![1]);
}

async function setup(file: string): Promise<{ c: Core; sourceId: string }> {
  const c = createCore({ dataDir: tempDir(), host: { mode: 'web' } });
  const out = await c.api['library.import']({ paths: [file] });
  expect(out.failed).toEqual([]);
  return { c, sourceId: out.imported[0]!.id };
}

async function encode(
  c: Core,
  args: { sourceId: string; ladder: Ladder; hdr?: 'keep' | 'tonemap' },
): Promise<{ batch: Batch; jobs: Job[]; renditions: Rendition[] }> {
  const started = await c.api['encode.start'](args);
  await c.queue.whenIdle();
  const s = await c.api['queue.snapshot']({});
  const jobs = s.jobs.filter((j) => j.batchId === started.batch.id);
  expect(jobs.map((j) => [j.status, j.error])).toEqual(jobs.map(() => ['done', null]));
  return {
    batch: s.batches.find((b) => b.id === started.batch.id)!,
    jobs,
    renditions: s.renditions.filter((r) => r.batchId === started.batch.id),
  };
}

describe('HDR sources', () => {
  it('keeps a portrait PQ source HDR: 10-bit BT.2020 PQ on ffprobe, portrait sizes, in x265 and VP9', async () => {
    const { c, sourceId } = await setup(pqPortrait);
    try {
      const ladder = quickLadder('hdr-keep', [
        // Asks for 8-bit: encoded 10-bit, said so in the plan.
        quickRung({
          id: 'x265',
          encoder: 'libx265',
          height: 180,
          rateControl: { mode: 'crf', crf: 30 },
        }),
        quickRung({
          id: 'vp9',
          encoder: 'libvpx-vp9',
          preset: '8',
          height: 120,
          pixFmt: 'yuv420p10le',
          rateControl: { mode: 'crf', crf: 45 },
          container: 'webm',
        }),
      ]);
      const plan = await c.api['encode.plan']({ sourceId, ladder });
      const ids = plan.findings.map((f) => f.id);
      expect(ids).toEqual(expect.arrayContaining(['portrait', 'hdr-kept', 'hdr-ten-bit']));
      expect(plan.findings.find((f) => f.id === 'hdr-ten-bit')!.rungIds).toEqual(['x265']);

      const { batch, renditions } = await encode(c, { sourceId, ladder });
      // The default is recorded with the batch like a choice, so a retry derives the same.
      expect(batch.ladder?.hdr).toBe('keep');
      expect(renditions).toHaveLength(2);
      for (const r of renditions) {
        const facts = colourFacts(r.path);
        // A 180p rung on a portrait source is 180 wide (the short side), the aspect kept.
        const expected =
          r.rungId === 'x265' ? { width: 180, height: 320 } : { width: 120, height: 214 };
        expect(facts, r.rungId).toEqual({
          ...expected,
          pix_fmt: 'yuv420p10le',
          color_space: 'bt2020nc',
          color_transfer: 'smpte2084',
          color_primaries: 'bt2020',
        });
      }
    } finally {
      c.close();
    }
  });

  it('keeps HLG as HLG', async () => {
    const { c, sourceId } = await setup(hlg);
    try {
      const ladder = quickLadder('hlg', [
        quickRung({ id: 'x265', encoder: 'libx265', height: 90, container: 'mkv' }),
      ]);
      const { renditions } = await encode(c, { sourceId, ladder, hdr: 'keep' });
      expect(colourFacts(renditions[0]!.path)).toMatchObject({
        pix_fmt: 'yuv420p10le',
        color_transfer: 'arib-std-b67',
        color_primaries: 'bt2020',
      });
    } finally {
      c.close();
    }
  });

  it('refuses to keep HDR in x264, naming the rung and both ways out, before anything runs', async () => {
    const { c, sourceId } = await setup(pqPortrait);
    try {
      const ladder = quickLadder('avc', [quickRung({ id: 'avc-180' })]);
      for (const method of ['encode.plan', 'encode.start'] as const) {
        const err = await c.api[method]({ sourceId, ladder }).then(
          () => null,
          (e: unknown) => e as { code: string; message: string; hint?: string },
        );
        expect(err?.code).toBe('INVALID_ARGS');
        expect(err?.message).toBe(
          'The source is HDR (PQ) and the ladder keeps HDR, but x264 (H.264/AVC) cannot carry HDR (rung avc-180).',
        );
        expect(err?.hint).toMatch(/Tone-map to SDR.*x265, SVT-AV1, libaom or VP9/);
      }
      expect((await c.api['queue.snapshot']({})).jobs).toEqual([]);
    } finally {
      c.close();
    }
  });

  it('tone-maps to 8-bit BT.709 when chosen, keeps the choice with the batch, and a retry derives the same tone mapping', async () => {
    const { c, sourceId } = await setup(pqPortrait);
    try {
      const ladder = quickLadder('avc', [quickRung({ id: 'avc-180', height: 180 })]);
      const plan = await c.api['encode.plan']({ sourceId, ladder, hdr: 'tonemap' });
      expect(plan.findings.map((f) => f.id)).toContain('hdr-tonemapped');
      const { batch, jobs, renditions } = await encode(c, { sourceId, ladder, hdr: 'tonemap' });
      expect(colourFacts(renditions[0]!.path)).toEqual({
        width: 180,
        height: 320,
        pix_fmt: 'yuv420p',
        color_space: 'bt709',
        color_transfer: 'bt709',
        color_primaries: 'bt709',
      });
      // The picture is tone-mapped, not only re-tagged: the PQ code values flattened to 8 bits
      // (what an encode did before) are far brighter than SDR white-referenced light.
      const naive = path.join(clips, 'naive.mp4');
      execFileSync('ffmpeg', [
        '-v',
        'error',
        '-y',
        '-i',
        pqPortrait,
        '-vf',
        'scale=180:320,format=yuv420p',
        '-c:v',
        'libx264',
        '-preset',
        'ultrafast',
        '-crf',
        '10',
        naive,
      ]);
      expect(Math.abs(meanLuma(renditions[0]!.path) - meanLuma(naive))).toBeGreaterThan(10);
      expect(batch.ladder?.hdr).toBe('tonemap');
      const retry = await c.encode.retryCommands(jobs[0]!);
      expect(retry.commands[0]!.join(' ')).toContain('tonemap=tonemap=hable');
      expect(retry.commands).toEqual(jobs[0]!.commands);

      // The same batch as one queued before HDR was kept (no choice in its ladder): its renditions
      // were flattened, which is no longer done, so a retry or re-run is refused saying what to do.
      const db = openDatabase(c.dataDir);
      const { hdr: _hdr, ...old } = batch.ladder!;
      db.prepare('UPDATE batches SET ladder_json = ? WHERE id = ?').run(
        JSON.stringify(old),
        batch.id,
      );
      db.close();
      for (const attempt of [
        () => c.encode.retryCommands(jobs[0]!),
        () => c.api['queue.rerunRung']({ batchId: batch.id, rungId: 'avc-180' }),
      ]) {
        const err = await attempt().then(
          () => null,
          (e: unknown) => e as { code: string; message: string; hint?: string },
        );
        expect(err?.code).toBe('INVALID_ARGS');
        expect(err?.message).toMatch(/queued before VQ Studio kept HDR.*HDR \(PQ\)/);
        expect(err?.hint).toBe(
          'Encode the ladder "Test avc" again from Ladders and choose Keep HDR or Tone-map to SDR.',
        );
      }
    } finally {
      c.close();
    }
  });
});
