/**
 * One title encoded in chunks on one machine, end to end with real ffmpeg: scene cuts, the chunk
 * plan on the GOP grid, each chunk encoded by its own process, the join and its check — and the
 * joins a lost or repeated chunk makes, which the check must refuse.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildEncodeCommand,
  planLadder,
  type CommandInput,
  type PlannedRung,
} from '../../../../shared/encodePlan';
import type { Rung } from '../../../../shared/ladder';
import { runToolChecked } from '../../ffmpeg/process';
import { keyframeTimes, quickLadder, quickRung, streamFacts } from '../../../testing/clips';
import { makeSceneClip, type SceneClip } from '../../../testing/sceneClip';
import { useTempDirs } from '../../../testing/tempDir';
import { requiredTool } from '../../../testing/tools';
import type { FrameRate } from '../../media/frameSeek';
import { chunkEncodeArgs } from './chunkCommand';
import { fixedGopFrames, planChunks, type ChunkRange } from './chunkPlan';
import { concatList, joinChunks } from './joinChunks';
import { detectSceneCuts } from '../../shots/sceneScores';
import { verifyJoined } from './verifyJoined';

const ffmpeg = requiredTool('ffmpeg', { pathOnly: true });
const ffprobe = requiredTool('ffprobe', { pathOnly: true });
const tempDir = useTempDirs('vq-chunks-');

function planned(rung: Rung, clip: { width: number; height: number; fps: number }): PlannedRung {
  const plan = planLadder(quickLadder('t', [rung]), {
    width: clip.width,
    height: clip.height,
    sar: null,
    rotation: 0,
    frameRate: `${clip.fps}/1`,
    hasAudio: true,
  });
  return plan.rungs[0]!;
}

/** Encodes every chunk (one process each) into `dir`; returns the files in order. */
async function encodeChunks(
  source: CommandInput,
  p: PlannedRung,
  ranges: ChunkRange[],
  rate: FrameRate,
  dir: string,
  ext: string,
): Promise<string[]> {
  const files = ranges.map((r) => path.join(dir, `chunk-${r.index}.${ext}`));
  for (const r of ranges)
    await runToolChecked(ffmpeg, chunkEncodeArgs(source, p, r, rate, files[r.index]!));
  return files;
}

function audioCodec(file: string): string {
  return execFileSync(
    ffprobe,
    [
      '-v',
      'error',
      '-select_streams',
      'a:0',
      '-show_entries',
      'stream=codec_name',
      '-of',
      'csv=p=0',
      file,
    ],
    { encoding: 'utf8' },
  ).trim();
}

describe('a title encoded in chunks (x264 CRF, fixed 1 s GOP, MP4 with AAC)', () => {
  const rate = { num: 25, den: 1 };
  let work: string;
  let clip: SceneClip;
  let source: CommandInput;
  let rung: PlannedRung;
  let ranges: ChunkRange[];
  let chunks: string[];

  beforeAll(async () => {
    // A quote and a space in the folder name: the concat list must quote paths properly.
    work = fs.mkdtempSync(path.join(os.tmpdir(), "vq-chunks 'all'-"));
    clip = makeSceneClip(work, { ffmpeg, scenes: [60, 70, 55, 65], audio: true });
    source = { path: clip.path, raw: null };
    rung = planned(
      quickRung({
        id: 'r360',
        height: 360,
        preset: 'veryfast',
        rateControl: { mode: 'crf', crf: 23 },
        audio: { mode: 'aac', bitrateKbps: 96 },
      }),
      { width: 640, height: 360, fps: 25 },
    );
    const cuts = await detectSceneCuts({ ffmpeg, input: clip.path });
    expect(cuts).toEqual([60, 130, 185]);
    // 2.5 s chunks on the 25-frame grid, each boundary the grid point nearest a cut.
    ranges = planChunks({
      frameCount: clip.frames,
      gopFrames: fixedGopFrames(rung),
      sceneCuts: cuts,
      targetFrames: 62,
    });
    expect(ranges.map((r) => [r.start, r.end])).toEqual([
      [0, 50],
      [50, 125],
      [125, 175],
      [175, 250],
    ]);
    chunks = await encodeChunks(source, rung, ranges, rate, work, 'mp4');
  });

  afterAll(() => {
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  const boundaries = (): number[] => ranges.map((r) => r.start);
  /** The verdict on a joined file of this title (chunk starts as planned unless given). */
  const check = (file: string, starts = boundaries()) =>
    verifyJoined({ ffprobe, ffmpeg, file, expectedFrames: clip.frames, boundaries: starts });

  it('joins into a file with every frame, the one-pass keyframe grid, the audio, and a size like one pass', async () => {
    const dir = tempDir();
    const joined = path.join(dir, '.r360.job.part.mp4');
    await joinChunks({ ffmpeg, chunks, source, rung, output: joined });
    expect(fs.readdirSync(dir)).toEqual(['.r360.job.part.mp4']); // the list is gone
    const verdict = await check(joined);
    expect(verdict).toEqual({ ok: true });

    const facts = streamFacts(joined);
    expect(facts).toMatchObject({ codec: 'h264', width: 640, height: 360, frames: 250 });
    expect(audioCodec(joined)).toBe('aac');

    const onePass = path.join(dir, 'one-pass.mp4');
    await runToolChecked(ffmpeg, buildEncodeCommand(source, [rung], [onePass]));
    const grid = Array.from({ length: 10 }, (_, i) => i); // a keyframe every second
    expect(keyframeTimes(onePass)).toEqual(grid);
    expect(keyframeTimes(joined)).toEqual(grid);

    const ratio = fs.statSync(joined).size / fs.statSync(onePass).size;
    console.log(
      `chunked ${fs.statSync(joined).size} B vs one pass ${fs.statSync(onePass).size} B: ratio ${ratio.toFixed(3)}`,
    );
    expect(ratio).toBeGreaterThan(0.85);
    expect(ratio).toBeLessThan(1.15);
  });

  it('a missing chunk is caught by the frame count', async () => {
    const joined = path.join(tempDir(), 'missing.mp4');
    await joinChunks({
      ffmpeg,
      chunks: [chunks[0]!, chunks[2]!, chunks[3]!],
      source,
      rung,
      output: joined,
    });
    const verdict = await check(joined);
    expect(verdict.ok).toBe(false);
    if (!verdict.ok)
      expect(verdict.problems.join('\n')).toMatch(/has 175 frames; the title has 250/);
  });

  it('a chunk in twice is caught by the frame count', async () => {
    const joined = path.join(tempDir(), 'twice.mp4');
    await joinChunks({
      ffmpeg,
      chunks: [chunks[0]!, chunks[1]!, chunks[1]!, chunks[2]!, chunks[3]!],
      source,
      rung,
      output: joined,
    });
    const verdict = await check(joined);
    expect(verdict.ok).toBe(false);
    if (!verdict.ok)
      expect(verdict.problems.join('\n')).toMatch(/has 325 frames; the title has 250/);
  });

  it('a join with a hole in its timeline is caught even when the frame count is right', async () => {
    // A concat list that says chunk 0 lasts one frame longer than it does: every frame is there,
    // but the second chunk starts 40 ms late.
    const dir = tempDir();
    const list = path.join(dir, 'list.txt');
    const body = concatList(chunks).replace(/(chunk-0\.mp4'\n)/, '$1duration 2.04\n');
    expect(body).toContain('duration 2.04');
    fs.writeFileSync(list, body);
    const joined = path.join(dir, 'gap.mp4');
    execFileSync(ffmpeg, [
      '-v',
      'error',
      '-f',
      'concat',
      '-safe',
      '0',
      '-i',
      list,
      '-c',
      'copy',
      '-an',
      joined,
    ]);
    const verdict = await check(joined);
    expect(verdict.ok).toBe(false);
    if (!verdict.ok) {
      expect(verdict.problems).toHaveLength(1);
      expect(verdict.problems[0]).toMatch(
        /not evenly spaced: 2 frame intervals after frame 49 \(1\.96 s\)/,
      );
    }
  });

  it('a boundary that is not a keyframe is named', async () => {
    const joined = path.join(tempDir(), 'ok.mp4');
    await joinChunks({ ffmpeg, chunks, source, rung, output: joined });
    const verdict = await check(joined, [0, 60, 125]);
    expect(verdict).toEqual({
      ok: false,
      problems: ['A chunk does not start on a keyframe: frame 60.'],
    });
  });

  it('a damaged file is caught by the decode', async () => {
    const dir = tempDir();
    const joined = path.join(dir, 'ok.mp4');
    await joinChunks({ ffmpeg, chunks, source, rung, output: joined });
    const bytes = fs.readFileSync(joined);
    // Overwrite part of the video data (after the front index of +faststart) with noise.
    const mdat = bytes.indexOf('mdat');
    for (let i = mdat + 40_000; i < mdat + 48_000; i += 7) bytes[i] = (i * 31) & 0xff;
    fs.writeFileSync(joined, bytes);
    const verdict = await check(joined);
    expect(verdict.ok).toBe(false);
    if (!verdict.ok)
      expect(verdict.problems.join('\n')).toMatch(/Decoding the joined file reports errors/);
  });

  it('refuses a chunk file that is not there (the concat demuxer would just stop there)', async () => {
    const dir = tempDir();
    const missing = path.join(dir, 'no-such-chunk.mp4');
    await expect(
      joinChunks({
        ffmpeg,
        chunks: [chunks[0]!, missing],
        source,
        rung,
        output: path.join(dir, 'o.mp4'),
      }),
    ).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringContaining(missing) as unknown,
    });
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('a failed join says so and leaves nothing behind', async () => {
    const dir = tempDir();
    const notVideo = path.join(dir, 'not-video.mp4');
    fs.writeFileSync(notVideo, 'not a video');
    const joined = path.join(dir, 'bad.mp4');
    await expect(
      joinChunks({ ffmpeg, chunks: [chunks[0]!, notVideo], source, rung, output: joined }),
    ).rejects.toMatchObject({
      code: 'FFMPEG_FAILED',
      message: expect.stringContaining('Joining 2 chunks') as unknown,
    });
    expect(fs.readdirSync(dir)).toEqual(['not-video.mp4']);
  });
});

describe('a title encoded in chunks into Matroska at 30 fps (millisecond timestamps), audio copied', () => {
  it('joins and checks ok', async () => {
    const dir = tempDir();
    const clip = makeSceneClip(dir, {
      ffmpeg,
      scenes: [50, 46, 44],
      width: 320,
      height: 180,
      fps: 30,
      audio: true,
    });
    const source = { path: clip.path, raw: null };
    const rung = planned(
      quickRung({ id: 'mkv', height: 180, container: 'mkv', audio: { mode: 'copy' } }),
      { width: 320, height: 180, fps: 30 },
    );
    const cuts = await detectSceneCuts({ ffmpeg, input: clip.path });
    expect(cuts).toEqual([50, 96]);
    const ranges = planChunks({
      frameCount: clip.frames,
      gopFrames: fixedGopFrames(rung),
      sceneCuts: cuts,
      targetFrames: 45,
    });
    expect(ranges.map((r) => r.start)).toEqual([0, 60, 90]);
    const chunks = await encodeChunks(source, rung, ranges, { num: 30, den: 1 }, dir, 'mkv');
    const joined = path.join(dir, 'joined.mkv');
    await joinChunks({ ffmpeg, chunks, source, rung, output: joined });
    const check = await verifyJoined({
      ffprobe,
      ffmpeg,
      file: joined,
      expectedFrames: clip.frames,
      boundaries: ranges.map((r) => r.start),
    });
    expect(check).toEqual({ ok: true });
    // The same keyframe times as one pass (both start the video 23 ms in: the copied AAC's
    // priming samples come first in Matroska).
    const onePass = path.join(dir, 'one-pass.mkv');
    await runToolChecked(ffmpeg, buildEncodeCommand(source, [rung], [onePass]));
    expect(keyframeTimes(joined)).toEqual(keyframeTimes(onePass));
    expect(keyframeTimes(joined).map(Math.round)).toEqual([0, 1, 2, 3, 4]);
    expect(audioCodec(joined)).toBe('aac');
  });
});
