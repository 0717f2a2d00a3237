// A per-shot encode in an app with the shared queue (a real redis-server, two real `vq worker`
// processes, the FFmpeg 7.1 + libvmaf 3.2 build for the app's scoring): the streams are encoded
// by the workers — one queue job per CRF, its title split at the shots — listed as renditions,
// and the chosen shots are cut from them and joined into a whole, checked output. FAILS (never
// skips) without redis-server or the build.
import type { ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ShotEncodeRun } from '../../../shared/shotEncode';
import { createCore, type Core } from '../core';
import { startRedis, type TestRedis } from '../../testing/redis';
import { makeEditedClip } from '../../testing/sceneClip';
import { scoreEnv } from '../../testing/scoreFixtures';
import { useTempDirs } from '../../testing/tempDir';
import { sharedVmaf3Build } from '../../testing/vmaf3Build';
import { runVq, startVq } from '../../testing/vqProcess';

const tempDir = useTempDirs('vq-shot-workers-');
const savedLdPath = process.env.LD_LIBRARY_PATH;
const children: ChildProcess[] = [];
let redis: TestRedis;
let media: string;
let clip: string;

beforeAll(async () => {
  const b = sharedVmaf3Build();
  if (b.env.LD_LIBRARY_PATH) process.env.LD_LIBRARY_PATH = b.env.LD_LIBRARY_PATH;
  redis = await startRedis();
  media = fs.mkdtempSync(path.join(os.tmpdir(), 'vq-shot-workers-media-'));
  clip = makeEditedClip(media, {
    parts: [50, 50, 50],
    transitions: [{ kind: 'cut' }, { kind: 'cut' }],
    width: 320,
    height: 180,
  }).path;
});
afterAll(async () => {
  for (const c of children) {
    if (c.exitCode === null && c.signalCode === null) {
      c.kill('SIGINT');
      await new Promise((r) => c.once('exit', r));
    }
  }
  await redis?.stop();
  if (savedLdPath === undefined) delete process.env.LD_LIBRARY_PATH;
  else process.env.LD_LIBRARY_PATH = savedLdPath;
  if (media) fs.rmSync(media, { recursive: true, force: true });
});

function worker(name: string) {
  return startVq(
    ['worker', '--name', name, '--threads', '1'],
    { ...process.env, VQ_REDIS_URL: redis.url, VQ_DATA_DIR: tempDir() },
    children,
  );
}

describe('per-shot encoding on the shared queue', () => {
  it('has the workers encode the shots, and joins the chosen ones into a whole title', async () => {
    const b = sharedVmaf3Build();
    await Promise.all([worker('shots-a'), worker('shots-b')].map((w) => w.waitFor(/Taking jobs/)));
    const c: Core = createCore({
      dataDir: tempDir(),
      host: { mode: 'web' },
      env: scoreEnv({ VQ_FFMPEG: b.ffmpeg, VQ_FFPROBE: b.ffprobe, VQ_REDIS_URL: redis.url }),
    });
    try {
      const imported = await c.api['library.import']({ paths: [clip] });
      const sourceId = (imported.imported[0] ?? imported.existing[0])!.id;
      const ended = new Promise<ShotEncodeRun>((resolve) => {
        const off = c.events.subscribe((e) => {
          if (e.type === 'shotencode.updated' && e.run.status !== 'running') {
            off();
            resolve(e.run);
          }
        });
      });
      await c.api['shotencode.start']({
        sourceId,
        encoder: 'libx264',
        preset: 'ultrafast',
        heights: [180, 90],
        target: { quality: 85 },
      });
      const run = await ended;
      expect(run.error).toBeNull();
      expect(run.status).toBe('done');
      expect(run.onWorkers).toBe(true);
      expect(run.done).toBe(run.total);
      expect(run.total).toBe(3 * 2 * 6); // shots × heights × CRFs

      // One job per stream, each run by the workers, each stream listed as a rendition.
      const snap = await c.api['queue.snapshot']({});
      const jobs = snap.jobs.filter((j) => j.kind === 'encode');
      expect(jobs).toHaveLength(12);
      for (const j of jobs) {
        expect(j.status).toBe('done');
        expect(j.worker).toMatch(/shots-(a|b)/);
      }
      const { renditions } = await c.api['renditions.list']({ sourceId });
      expect(renditions).toHaveLength(12);
      expect(new Set(renditions.map((r) => r.worker))).not.toContain(null);

      // The output: the whole title at one height, a keyframe at every shot start.
      const r = run.result!;
      expect([180, 90]).toContain(r.height);
      const frames = execFileSync(
        b.ffprobe,
        [
          ...['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'frame=key_frame,height'],
          ...['-of', 'csv=p=0', r.measured.file],
        ],
        { env: b.env, encoding: 'utf8' },
      )
        .trim()
        .split('\n')
        .map((l) => l.split(','));
      expect(frames).toHaveLength(150);
      expect(new Set(frames.map((f) => f[1]))).toEqual(new Set([String(r.height)]));
      for (const start of [0, 50, 100]) expect(frames[start]![0]).toBe('1');
      expect(r.met).toBe(true);
      expect(r.measured.vmaf).toBeGreaterThanOrEqual(85 - 1);
      expect(Math.abs(r.measured.vmaf - r.predicted.vmaf)).toBeLessThan(1);
    } finally {
      c.close();
    }
  }, 300_000);

  it('does so for `vq shot-encode` too when VQ_REDIS_URL is set, the streams beside the output', () => {
    const b = sharedVmaf3Build();
    const out = path.join(tempDir(), 'shots.mkv');
    const r = runVq(
      [
        ...['shot-encode', clip, '--encoder', 'x264', '--preset', 'ultrafast'],
        ...['--crfs', '22,34', '--target-kbps', '300', '--out', out, '--json'],
      ],
      {
        ...b.env,
        VQ_DATA_DIR: tempDir(),
        VQ_FFMPEG: b.ffmpeg,
        VQ_FFPROBE: b.ffprobe,
        VQ_REDIS_URL: redis.url,
      },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("the shared queue's workers encode the shots");
    expect(r.stderr).toMatch(/the workers encoded 6 of 6 shot encodes/);
    const res = JSON.parse(r.stdout) as { outputs: { result: { file: string } }[] };
    expect(res.outputs[0]!.result.file).toBe(out);
    const streams = fs.readdirSync(path.join(path.dirname(out), 'shots.streams'));
    expect(streams.filter((f) => f.endsWith('.mkv'))).toHaveLength(2);
  }, 300_000);
});
