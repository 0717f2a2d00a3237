import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VqEvent } from '../../../shared/api';
import type { Ladder } from '../../../shared/ladder';
import type { Batch, Job, Rendition } from '../../../shared/queue';
import { createCore, type Core } from '../core';
import { runningProcesses } from '../ffmpeg/process';
import { encoderSettings, keyframeTimes, makeClip, quickLadder, quickRung, streamFacts, videoMd5 } from '../../testing/clips';
import { testMedia, useTempDirs } from '../../testing/tempDir';
import { requiredTool } from '../../testing/tools';

// Real encodes through the API (createCore → encode.start → queue → ffmpeg), on short generated
// clips and clips from ../shared/testmedia. Each test has its own data dir.
const tempDir = useTempDirs();
let clips: string;
let src360: string;

beforeAll(() => {
  clips = fs.mkdtempSync(path.join(os.tmpdir(), 'vq-clips-'));
  src360 = makeClip(clips, { width: 640, height: 360, fps: 30, seconds: 1, audio: true });
});
afterAll(() => fs.rmSync(clips, { recursive: true, force: true }));

function core(opts: { env?: NodeJS.ProcessEnv } = {}): Core {
  return createCore({ dataDir: tempDir(), host: { mode: 'web' }, env: opts.env });
}

async function importClip(c: Core, file: string, raw?: { width: number; height: number; pixFmt: string; fps: number }): Promise<string> {
  const out = await c.api['library.import']({ paths: [file], raw });
  expect(out.failed).toEqual([]);
  return (out.imported[0] ?? out.existing[0])!.id;
}

/** Resolves with the batch's final state once batch.finished arrives. */
function whenFinished(c: Core, batchId: () => string | null): Promise<{ jobs: Job[]; renditions: Rendition[]; batch: Batch }> {
  return new Promise((resolve) => {
    const off = c.events.subscribe((e) => {
      if (e.type !== 'batch.finished' || e.batchId !== batchId()) return;
      off();
      void c.api['queue.snapshot']({}).then((s) =>
        resolve({
          jobs: s.jobs.filter((j) => j.batchId === e.batchId),
          renditions: s.renditions.filter((r) => r.batchId === e.batchId),
          batch: s.batches.find((b) => b.id === e.batchId)!,
        }),
      );
    });
  });
}

async function encode(c: Core, sourceId: string, ladder: Ladder, opts: { decodeOnce?: boolean; outDir?: string; overwrite?: boolean } = {}) {
  let id: string | null = null;
  const done = whenFinished(c, () => id);
  const started = await c.api['encode.start']({ sourceId, ladder, decodeOnce: opts.decodeOnce, outDir: opts.outDir, overwrite: opts.overwrite });
  id = started.batch.id;
  const result = await done;
  await c.queue.whenIdle();
  return { ...result, started };
}

function byRung(renditions: Rendition[]): Record<string, Rendition> {
  return Object.fromEntries(renditions.map((r) => [r.rungId, r]));
}

describe('real encodes', () => {
  it('encodes with every encoder this machine has, each output as its rung says', async () => {
    const c = core();
    const report = await c.toolchain.report();
    const has = new Set(report.binaries.flatMap((b) => b.encoders));
    const rungs = [
      quickRung({ id: 'x264', audio: { mode: 'aac', bitrateKbps: 64 } }),
      quickRung({ id: 'x265', encoder: 'libx265', rateControl: { mode: 'crf', crf: 32 }, pixFmt: 'yuv420p10le', container: 'mkv' }),
      quickRung({ id: 'svtav1', encoder: 'libsvtav1', preset: '12', rateControl: { mode: 'crf', crf: 50 }, container: 'mkv' }),
      quickRung({ id: 'aom', encoder: 'libaom-av1', preset: '8', rateControl: { mode: 'crf', crf: 50 }, container: 'webm' }),
      quickRung({ id: 'vp9', encoder: 'libvpx-vp9', preset: '8', rateControl: { mode: 'crf', crf: 45 }, container: 'webm' }),
    ].filter((r) => has.has(r.encoder));
    expect(rungs.length).toBeGreaterThanOrEqual(1);
    const id = await importClip(c, src360);
    // 0.5 s GOP: keyframes at 0 and 0.5 s of the 1 s clip.
    const ladder = quickLadder('all-encoders', rungs.map((r) => ({ ...r, gopSeconds: 0.5 })));
    const { jobs, renditions } = await encode(c, id, ladder);
    expect(jobs.map((j) => [j.status, j.error])).toEqual(jobs.map(() => ['done', null]));
    const got = byRung(renditions);
    const codec = { x264: 'h264', x265: 'hevc', svtav1: 'av1', aom: 'av1', vp9: 'vp9' } as Record<string, string>;
    for (const r of rungs) {
      const file = got[r.id]!.path;
      expect(path.basename(file)).toBe(`${r.id}.${r.container}`);
      const facts = streamFacts(file);
      expect(facts, r.id).toMatchObject({ codec: codec[r.id], width: 320, height: 180, pixFmt: r.pixFmt, frames: 30 });
      expect(keyframeTimes(file), `${r.id} keyframes`).toEqual([0, 0.5]);
      expect(got[r.id]).toMatchObject({ encoder: r.encoder, width: 320, height: 180, sizeBytes: fs.statSync(file).size });
      expect(got[r.id]!.bitrateKbps).toBeGreaterThan(0);
    }
    expect(got['x264']!.media.audio[0]?.codec).toBe('aac');
    // Nothing temporary is left next to the outputs.
    expect(fs.readdirSync(path.dirname(got[rungs[0]!.id]!.path)).filter((n) => n.includes('.part.'))).toEqual([]);
    c.close();
  });

  it('decode once gives bit-identical video to one process per rung', async () => {
    const c = core();
    const id = await importClip(c, src360);
    const ladder = quickLadder('same', [
      quickRung({ id: 'a', height: 180, preset: 'fast', rateControl: { mode: 'crf', crf: 26 } }),
      quickRung({ id: 'b', height: 270, preset: 'fast', rateControl: { mode: 'abr', bitrateKbps: 400, maxrateKbps: 600 }, fixedGop: false }),
      quickRung({ id: 'c', height: 180, encoder: 'libx265', rateControl: { mode: 'crf', crf: 30 }, container: 'mkv' }),
    ]);
    const once = await encode(c, id, ladder, { decodeOnce: true, outDir: path.join(tempDir(), 'once') });
    const apart = await encode(c, id, ladder, { decodeOnce: false, outDir: path.join(tempDir(), 'apart') });
    expect(once.jobs).toHaveLength(1);
    expect(once.jobs[0]!.rungIds).toEqual(['a', 'b', 'c']);
    expect(apart.jobs).toHaveLength(3);
    const A = byRung(once.renditions);
    const B = byRung(apart.renditions);
    for (const rung of ['a', 'b', 'c']) {
      expect(streamFacts(A[rung]!.path), rung).toEqual(streamFacts(B[rung]!.path));
      // Every encoder setting x264/x265 used, as they write it into the stream, is the same.
      expect(encoderSettings(A[rung]!.path), rung).toBe(encoderSettings(B[rung]!.path));
      expect(encoderSettings(A[rung]!.path)).toMatch(/options: /);
    }
    // The encoders get the same frames with the same timestamps and options (thread counts are
    // automatic both ways), so CRF encodes are bit-identical. ABR with a VBV cap (rung b) is not
    // compared by bytes: x264's VBV with frame threads depends on thread timing, and two runs of
    // the very same command by hand already differ (checked with ffmpeg 5.1 / x264 164, 2 cores;
    // with -threads 1 they match). Its settings SEI above is the fair comparison.
    for (const rung of ['a', 'c']) expect(videoMd5(A[rung]!.path), rung).toBe(videoMd5(B[rung]!.path));
    c.close();
  });

  it('runs two-pass rungs as two processes and removes the pass logs', async () => {
    const tmp = tempDir();
    const c = createCore({ dataDir: tempDir(), host: { mode: 'web' }, tmpDir: tmp });
    const id = await importClip(c, src360);
    const ladder = quickLadder('two-pass', [
      quickRung({ id: 'x264-2p', height: 360, preset: 'fast', rateControl: { mode: 'abr', bitrateKbps: 500, twoPass: true } }),
      quickRung({ id: 'x265-2p', height: 360, encoder: 'libx265', rateControl: { mode: 'abr', bitrateKbps: 300, twoPass: true }, container: 'mkv' }),
    ]);
    const { jobs, renditions } = await encode(c, id, ladder);
    expect(jobs.map((j) => [j.status, j.commands.length])).toEqual([
      ['done', 2],
      ['done', 2],
    ]);
    expect(jobs[0]!.commands[0]).toEqual(expect.arrayContaining(['-pass', '1', '-f', 'null']));
    expect(jobs[0]!.commands[1]).toEqual(expect.arrayContaining(['-pass', '2']));
    expect(jobs[1]!.commands[1]!.join(' ')).toMatch(/pass=2:stats=/);
    const got = byRung(renditions);
    // Two-pass ABR lands near its target even on a 1 s clip.
    expect(got['x264-2p']!.bitrateKbps).toBeGreaterThan(250);
    expect(got['x264-2p']!.bitrateKbps).toBeLessThan(1000);
    expect(got['x264-2p']!.command).toHaveLength(2);
    expect(fs.readdirSync(tmp)).toEqual([]);
    c.close();
  });

  it('caps the frame rate and follows rotation (4K 60 fps portrait phone clip)', async () => {
    const c = core();
    const id = await importClip(c, testMedia('androidx-media/portrait_4k60.mp4'));
    // 360p on a portrait source is 360 wide: the size class is the short side.
    const ladder = quickLadder('portrait', [quickRung({ id: 'p360', height: 360, fpsCap: 30, gopSeconds: 1, audio: { mode: 'copy' } })]);
    const { jobs, renditions } = await encode(c, id, ladder);
    expect(jobs[0]?.status).toBe('done');
    const r = renditions[0]!;
    expect(r).toMatchObject({ width: 360, height: 640 });
    const facts = streamFacts(r.path);
    expect(facts).toMatchObject({ width: 360, height: 640 });
    // The source averages 60.06 fps (810000/13487): halved, not divided by 3.
    expect(facts.rate).toBe('405000/13487');
    expect(facts.frames).toBe(9);
    expect(r.media.video.rotation).toBe(0); // rotated pixels, no rotation flag left to apply
    expect(r.media.audio).toHaveLength(1);
    c.close();
  });

  it('uses the display aspect of an anamorphic source and writes square pixels; reads raw YUV', async () => {
    const c = core();
    const dvd = makeClip(tempDir(), { width: 720, height: 480, sar: '32/27', seconds: 0.5 });
    const id = await importClip(c, dvd);
    const wide = await encode(c, id, quickLadder('dvd', [quickRung({ id: 'sd', height: 480 })]));
    expect(wide.renditions[0]).toMatchObject({ width: 852, height: 480 });
    expect(wide.renditions[0]!.media.video.sar ?? '1:1').toBe('1:1');

    const rawId = await importClip(c, testMedia('openh264/CiscoVT2people_320x192_12fps.yuv'), { width: 320, height: 192, pixFmt: 'yuv420p', fps: 12 });
    const raw = await encode(c, rawId, quickLadder('raw', [quickRung({ id: 'small', height: 96 })]));
    expect(raw.jobs[0]?.status).toBe('done');
    expect(streamFacts(raw.renditions[0]!.path)).toMatchObject({ width: 160, height: 96, frames: 9 });
    c.close();
  });
});

describe('the plan', () => {
  it('shows the exact commands that then run, with the binary, and the skipped rungs', async () => {
    const c = core();
    const id = await importClip(c, src360);
    const ladder = quickLadder('plan', [quickRung({ id: 'small' }), quickRung({ id: 'big', height: 720 }), quickRung({ id: 'mid', height: 270, encoder: 'libx265', container: 'mkv' })]);
    const outDir = path.join(tempDir(), 'out');
    const plan = await c.api['encode.plan']({ sourceId: id, ladder, outDir });
    expect(plan.skipped).toEqual([{ rungId: 'big', reason: expect.stringMatching(/larger than the source \(640x360\)/) }]);
    expect(plan.rungs.map((r) => [r.rung.id, r.width, r.height])).toEqual([
      ['small', 320, 180],
      ['mid', 480, 270],
    ]);
    expect(plan.jobs).toHaveLength(1);
    const planned = plan.jobs[0]!;
    expect(planned.commands[0]![0]).toBe(planned.binary);
    expect(path.isAbsolute(planned.binary)).toBe(true);
    expect(planned.outputs.map((o) => o.path)).toEqual([path.join(outDir, 'small.mp4'), path.join(outDir, 'mid.mkv')]);
    expect(fs.existsSync(outDir)).toBe(false); // planning writes nothing

    const { renditions, jobs } = await encode(c, id, ladder, { outDir });
    // What ran is the plan, with the temporary names that were renamed on success.
    expect(renditions[0]!.command).toEqual(planned.commands);
    expect(jobs[0]!.commands[0]!.filter((a) => a.includes('.part.'))).toEqual([
      path.join(outDir, `.small.${jobs[0]!.id}.part.mp4`),
      path.join(outDir, `.mid.${jobs[0]!.id}.part.mkv`),
    ]);
    expect(fs.readdirSync(outDir).sort()).toEqual(['mid.mkv', 'small.mp4']);
    c.close();
  });

  it('without decode once plans one process per rung; defaults the folder to the data dir', async () => {
    const c = core();
    const id = await importClip(c, src360);
    const plan = await c.api['encode.plan']({ sourceId: id, ladderId: 'crf-sweep', decodeOnce: false });
    expect(plan.outDir).toBe(path.join(c.dataDir, 'renditions', id, 'crf-sweep'));
    expect(plan.jobs).toHaveLength(5); // only the 360p row fits a 640x360 source
    expect(plan.skipped).toHaveLength(15);
    c.close();
  });
});

describe('refused at submit', () => {
  it('refuses an encoder no ffmpeg has, naming it', async () => {
    const c = core();
    const id = await importClip(c, src360);
    const ladder = quickLadder('hw', [quickRung({ id: 'vt', encoder: 'h264_videotoolbox', preset: null, rateControl: { mode: 'abr', bitrateKbps: 1000 } })]);
    const r = await c.dispatch('encode.start', { sourceId: id, ladder });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatchObject({ code: 'UNSUPPORTED', message: expect.stringMatching(/no ffmpeg on this machine has h264_videotoolbox/) });
    expect((await c.api['queue.snapshot']({})).jobs).toEqual([]);
    c.close();
  });

  it('names the build that has the encoder when the chosen ffmpeg lacks it', async () => {
    // The npm build (no libsvtav1) chosen by VQ_FFMPEG; the ffmpeg on PATH (Debian's) has it.
    const onPath = requiredTool('ffmpeg');
    const looking = core();
    const npmBuild = (await looking.toolchain.report()).binaries.find((b) => b.source === '@ffmpeg-installer')?.path;
    looking.close();
    if (!npmBuild) throw new Error('This test needs the npm @ffmpeg-installer/ffmpeg build: `npm ci` installs it.');
    const c = core({ env: { ...process.env, VQ_FFMPEG: npmBuild } });
    const id = await importClip(c, src360);
    const r = await c.dispatch('encode.start', { sourceId: id, ladder: quickLadder('svt', [quickRung({ id: 'av1', encoder: 'libsvtav1', preset: '12', rateControl: { mode: 'crf', crf: 50 } })]) });
    expect(!r.ok && r.error.message).toMatch(/The ffmpeg you chose .*has no libsvtav1 encoder: libsvtav1 is in /);
    expect(!r.ok && r.error.message).toContain(`libsvtav1 is in ${onPath}`);
    c.close();
  });

  it('refuses an output folder that cannot be created (a path under a file fails even for root)', async () => {
    const c = core();
    const id = await importClip(c, src360);
    const file = path.join(tempDir(), 'a-file');
    fs.writeFileSync(file, 'x');
    const r = await c.dispatch('encode.start', { sourceId: id, ladder: quickLadder('x', [quickRung({ id: 'a' })]), outDir: path.join(file, 'sub') });
    expect(!r.ok && r.error).toMatchObject({ code: 'PERMISSION_DENIED', message: expect.stringMatching(/cannot be written: part of the path is a file/) });
    expect((await c.api['queue.snapshot']({})).batches).toEqual([]);
    c.close();
  });

  it('never replaces renditions silently: OUTPUT_EXISTS unless overwrite, a fresh folder offered (issue 11)', async () => {
    const c = core();
    const id = await importClip(c, src360);
    const ladder = quickLadder('twice', [quickRung({ id: 'a' }), quickRung({ id: 'b', height: 360 })]);
    const outDir = path.join(tempDir(), 'out');
    await encode(c, id, ladder, { outDir });
    fs.writeFileSync(path.join(outDir, 'notes.txt'), 'mine'); // not an output: never in the way

    const plan = await c.api['encode.plan']({ sourceId: id, ladder, outDir });
    const first = (await c.api['renditions.list']({ sourceId: id })).renditions;
    expect(plan.existing).toEqual(
      ['a', 'b'].map((rung) => ({
        rungId: rung,
        path: path.join(outDir, `${rung}.mp4`),
        fileName: `${rung}.mp4`,
        renditionId: first.find((r) => r.rungId === rung)!.id,
        scores: 0,
      })),
    );
    expect(path.dirname(plan.newOutDir)).toBe(outDir);
    expect(path.basename(plan.newOutDir)).toMatch(/^twice-\d{8}-\d{6}$/);

    const refused = await c.dispatch('encode.start', { sourceId: id, ladder, outDir });
    expect(!refused.ok && refused.error).toMatchObject({
      code: 'OUTPUT_EXISTS',
      message: `2 output files of "Test twice" already exist in ${outDir}: a.mp4, b.mp4. Encoding would replace them.`,
      hint: expect.stringMatching(/new folder .*overwrite/),
    });
    expect((await c.api['queue.snapshot']({})).batches).toHaveLength(1);

    // The fresh folder: a batch of its own beside the first one's files.
    const fresh = await encode(c, id, ladder, { outDir: plan.newOutDir });
    expect(fresh.renditions.map((r) => path.dirname(r.path))).toEqual([plan.newOutDir, plan.newOutDir]);
    expect(fs.readdirSync(outDir).sort()).toEqual(['a.mp4', 'b.mp4', 'notes.txt', path.basename(plan.newOutDir)]);

    // Asked for: the files are replaced, and the renditions at those paths are new rows.
    const replaced = await encode(c, id, ladder, { outDir, overwrite: true });
    expect(replaced.jobs.map((j) => j.status)).toEqual(['done']);
    const ids = replaced.renditions.map((r) => r.id);
    for (const old of first) expect(ids).not.toContain(old.id);
    c.close();
  });

  it('offers a fresh folder whose name is free', async () => {
    const { freshBatchDir } = await import('./outDir');
    const dir = tempDir();
    const at = new Date(2026, 0, 2, 3, 4, 5);
    expect(freshBatchDir(dir, 'hls h264/x', at)).toBe(path.join(dir, 'hls_h264_x-20260102-030405'));
    fs.mkdirSync(path.join(dir, 'l-20260102-030405'));
    fs.mkdirSync(path.join(dir, 'l-20260102-030405-2'));
    expect(freshBatchDir(dir, 'l', at)).toBe(path.join(dir, 'l-20260102-030405-3'));
  });

  it('refuses a second batch writing the same files while the first is queued', async () => {
    const c = core();
    const id = await importClip(c, src360);
    const ladder = quickLadder('dup', [quickRung({ id: 'a', preset: 'veryslow', height: 360 })]);
    const first = await c.api['encode.start']({ sourceId: id, ladder });
    const again = await c.dispatch('encode.start', { sourceId: id, ladder });
    expect(!again.ok && again.error.message).toMatch(/already being encoded by job/);
    await c.api['queue.cancelAll']({ batchId: first.batch.id });
    c.close();
  });
});

describe('cancel, failures, retry, re-run', () => {
  it('cancel mid-encode kills ffmpeg, deletes the partial output and marks the job canceled', async () => {
    const c = core();
    const long = makeClip(tempDir(), { width: 1280, height: 720, seconds: 6 });
    const id = await importClip(c, long);
    const outDir = path.join(tempDir(), 'out');
    const firstProgress = new Promise<string>((resolve) => {
      c.events.subscribe((e) => {
        if (e.type === 'job.progress' && (e.fraction ?? 0) > 0) resolve(e.jobId);
      });
    });
    await c.api['encode.start']({ sourceId: id, ladder: quickLadder('slow', [quickRung({ id: 'slow', height: 720, preset: 'veryslow' })]), outDir });
    const jobId = await firstProgress;
    expect(fs.readdirSync(outDir).some((n) => n.includes('.part.'))).toBe(true);
    const job = await c.api['queue.cancel']({ jobId });
    expect(job).toMatchObject({ status: 'canceled', error: 'Canceled.' });
    expect(fs.readdirSync(outDir)).toEqual([]);
    expect(runningProcesses()).toEqual([]);
    expect((await c.api['renditions.list']({})).renditions).toEqual([]);
    c.close();
  });

  it('a source deleted mid-queue fails its job with the reason; the queue carries on; retry and re-run work', async () => {
    const c = core();
    const dir = tempDir();
    const doomed = path.join(dir, 'doomed.mp4');
    fs.copyFileSync(src360, doomed);
    const doomedId = await importClip(c, doomed);
    const otherId = await importClip(c, makeClip(dir, { name: 'other.mp4', seconds: 0.5 }));
    const events: VqEvent[] = [];
    c.events.subscribe((e) => events.push(e));

    let firstBatch: string | null = null;
    const firstDone = whenFinished(c, () => firstBatch);
    // One process per rung: the first job may already have the file open when it is deleted.
    const a = await c.api['encode.start']({ sourceId: doomedId, ladder: quickLadder('doomed', [quickRung({ id: 'one', preset: 'medium' }), quickRung({ id: 'two' })]), decodeOnce: false });
    firstBatch = a.batch.id;
    fs.rmSync(doomed);
    const b = await encode(c, otherId, quickLadder('fine', [quickRung({ id: 'ok' })]));
    const first = await firstDone;
    const two = first.jobs.find((j) => j.rungIds[0] === 'two')!;
    expect(two).toMatchObject({ status: 'failed', error: `The source file ${doomed} is gone (deleted or moved after the job was queued).` });
    expect(b.jobs[0]?.status).toBe('done');

    // Put the file back: retry runs the failed job again.
    fs.copyFileSync(src360, doomed);
    const retried = whenFinished(c, () => firstBatch);
    expect((await c.api['queue.retry']({ jobId: two.id })).status).toMatch(/queued|running/);
    const after = await retried;
    await c.queue.whenIdle();
    expect(after.jobs.find((j) => j.id === two.id)).toMatchObject({ status: 'done', attempts: 2, error: null });

    // Re-run a rung: a new job; the new file replaces the rendition at that path.
    const before = byRung(after.renditions)['two']!;
    const rerun = whenFinished(c, () => firstBatch);
    const job = await c.api['queue.rerunRung']({ batchId: firstBatch, rungId: 'two' });
    expect(job.rungIds).toEqual(['two']);
    const final = await rerun;
    await c.queue.whenIdle();
    const now = byRung(final.renditions)['two']!;
    expect(now.id).not.toBe(before.id);
    expect(now.path).toBe(before.path);
    expect(events).toContainEqual(expect.objectContaining({ type: 'rendition.removed', id: before.id }));
    expect((await c.api['renditions.list']({ sourceId: doomedId })).renditions.filter((r) => r.rungId === 'two')).toHaveLength(1);
    c.close();
  });

  it('a rung whose encoder fails at run time fails with the stderr reason; the next job still runs', async () => {
    const c = core();
    const id = await importClip(c, src360);
    const ladder = quickLadder('tiny', [
      // A valid rung that SVT-AV1 itself refuses when it runs: it needs at least 64×64.
      quickRung({ id: 'tiny', encoder: 'libsvtav1', width: 32, height: 32, preset: '12', container: 'mkv', rateControl: { mode: 'crf', crf: 40 } }),
      quickRung({ id: 'cpu' }),
    ]);
    const { jobs } = await encode(c, id, ladder, { decodeOnce: false });
    const tiny = jobs.find((j) => j.rungIds[0] === 'tiny')!;
    expect(tiny.status).toBe('failed');
    expect(tiny.error).toMatch(/^ffmpeg failed \(exit code 1\)/);
    expect(tiny.stderrTail).toMatch(/svt|width|height|64/i);
    expect(jobs.find((j) => j.rungIds[0] === 'cpu')?.status).toBe('done');
    c.close();
  });
});

describe('ladders, settings and the snapshot', () => {
  it('saves, lists and deletes ladders; built-in ids are refused', async () => {
    const c = core();
    const events: VqEvent[] = [];
    c.events.subscribe((e) => events.push(e));
    const mine = quickLadder('mine', [quickRung({ id: 'a' })]);
    await c.api['ladders.save']({ ladder: mine });
    const list = await c.api['ladders.list']({});
    expect(list.map((e) => [e.ladder.id, e.builtIn])).toEqual([
      ['hls-h264', true],
      ['hls-hevc', true],
      ['netflix-2015', true],
      ['crf-sweep', true],
      ['codec-shootout', true],
      ['mine', false],
    ]);
    expect(events.map((e) => e.type)).toEqual(['ladders.changed']);
    const builtIn = await c.dispatch('ladders.save', { ladder: { ...mine, id: 'hls-h264' } });
    expect(!builtIn.ok && builtIn.error.message).toMatch(/built-in/);
    const invalid = await c.dispatch('ladders.save', { ladder: { ...mine, rungs: [{ ...mine.rungs[0]!, height: 181 }] } });
    expect(!invalid.ok && invalid.error).toMatchObject({ code: 'INVALID_ARGS', message: expect.stringMatching(/height must be even/) });
    expect((await c.dispatch('ladders.delete', { id: 'crf-sweep' })).ok).toBe(false);
    await c.api['ladders.delete']({ id: 'mine' });
    expect((await c.api['ladders.list']({})).some((e) => e.ladder.id === 'mine')).toBe(false);
    expect((await c.dispatch('ladders.delete', { id: 'mine' })).ok).toBe(false);
    c.close();
  });

  it('stores concurrency and the restart policy, and reports the concurrency in force', async () => {
    const c = core();
    expect(await c.api['settings.get']({})).toMatchObject({ concurrency: null, onRestart: 'requeue' });
    const snap = await c.api['queue.snapshot']({});
    expect(snap.concurrency).toEqual({ setting: null, auto: snap.concurrency.auto, effective: snap.concurrency.auto });
    await c.api['settings.set']({ concurrency: 3, onRestart: 'mark-interrupted' });
    expect((await c.api['queue.snapshot']({})).concurrency).toMatchObject({ setting: 3, effective: 3 });
    expect((await c.dispatch('settings.set', { concurrency: 0 })).ok).toBe(false);
    expect((await c.dispatch('encode.start', { sourceId: 'x' })).ok).toBe(false); // no ladder
    c.close();
  });
});
