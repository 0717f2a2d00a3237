// libvmaf's elementary features from a real scoring run (createCore → score.start → queue →
// ffmpeg → SQLite): stored with the result, returned by scores.get aligned with its frames and
// equal to libvmaf's own log, exported in CSV and JSON, gone when the result is deleted.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from '../../../shared/queue';
import { createCore } from '../core';
import { makeDistorted, makeReference } from '../../testing/scoreFixtures';
import { openDatabase } from '../store/db';
import { useTempDirs } from '../../testing/tempDir';
import { scoreLogDir } from '../paths';

const tempDir = useTempDirs('vq-features-');
let clips: string;
let ref: string;
let dist: string;

beforeAll(() => {
  clips = fs.mkdtempSync(path.join(os.tmpdir(), 'vq-features-clips-'));
  ref = makeReference(clips, { width: 320, height: 240, fps: 24, seconds: 0.5 });
  dist = makeDistorted(clips, ref, { crf: 35, name: 'dist.mp4' });
});
afterAll(() => fs.rmSync(clips, { recursive: true, force: true }));

describe('elementary features of a real VMAF run', () => {
  it('are stored, read back equal to libvmaf’s log, exported, and deleted with their result', async () => {
    const c = createCore({ dataDir: tempDir(), host: { mode: 'web' } });
    try {
      const [refId, distId] = await Promise.all(
        [ref, dist].map(
          async (f) => (await c.api['library.import']({ paths: [f] })).imported[0]!.id,
        ),
      );
      let jobId: string | null = null;
      const finished = new Promise<Job>((resolve) => {
        const off = c.events.subscribe((e) => {
          if (e.type !== 'job.updated' || e.job.id !== jobId) return;
          if (e.job.status === 'queued' || e.job.status === 'running') return;
          off();
          resolve(e.job);
        });
      });
      jobId = (
        await c.api['score.start']({
          referenceId: refId!,
          distorted: [{ kind: 'source', id: distId! }],
          options: { metrics: ['vmaf'] },
        })
      ).job.id;
      const job = await finished;
      await c.queue.whenIdle();
      expect(job.status, job.error ?? '').toBe('done');

      const { results } = await c.api['scores.list']({ sourceId: refId! });
      // Features are sent only when asked for: they are large.
      const plain = await c.api['scores.get']({ resultId: results[0]!.id });
      expect(plain.features).toEqual({});
      const detail = await c.api['scores.get']({ resultId: results[0]!.id, features: true });
      const names = Object.keys(detail.features);
      // libvmaf logs the model's features beside the score: ADM, VIF and motion.
      for (const f of [/adm2$/, /motion2$/, /vif_scale0$/])
        expect(
          names.some((n) => f.test(n)),
          String(f),
        ).toBe(true);
      expect(names).not.toContain('vmaf');
      for (const values of Object.values(detail.features)) {
        expect(values).toHaveLength(detail.frameNumbers.length);
      }

      // The very numbers libvmaf wrote in its JSON log, frame by frame.
      const logDir = scoreLogDir(c.dataDir, job.id);
      const logFile = fs.readdirSync(logDir).find((f) => f.endsWith('.json'))!;
      const log = JSON.parse(fs.readFileSync(path.join(logDir, logFile), 'utf8')) as {
        frames: { frameNum: number; metrics: Record<string, number> }[];
      };
      expect(log.frames.map((f) => f.frameNum)).toEqual(detail.frameNumbers);
      for (const name of names) {
        expect(detail.features[name], name).toEqual(log.frames.map((f) => f.metrics[name]));
      }

      const csv = (await c.api['scores.export']({ resultIds: [detail.id], format: 'csv' })).text;
      const header = csv.split('\n')[0]!.split(',');
      expect(header.slice(0, 3)).toEqual(['distorted', 'frame', 'vmaf']);
      expect(header.slice(3)).toEqual([...names].sort());
      const json = JSON.parse(
        (await c.api['scores.export']({ resultIds: [detail.id], format: 'json' })).text,
      ) as { results: { features: Record<string, number[]> }[] };
      expect(json.results[0]!.features).toEqual(detail.features);

      await c.api['scores.delete']({ resultId: detail.id });
      const db = openDatabase(c.dataDir);
      try {
        expect(db.prepare('SELECT count(*) AS n FROM score_features').get()).toEqual({ n: 0 });
      } finally {
        db.close();
      }
    } finally {
      c.close();
    }
  }, 60_000);
});
