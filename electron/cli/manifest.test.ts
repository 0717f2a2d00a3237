import { describe, expect, it } from 'vitest';
import type { LibraryItem } from '../../shared/library';
import type { Job, Rendition } from '../../shared/queue';
import { openDatabase } from '../core/store/db';
import { ScoreRepo } from '../core/store/scoreRepo';
import { testBatch } from '../testing/queueRecords';
import { testFullScore } from '../testing/scores';
import { useTempDirs } from '../testing/tempDir';
import { batchRecord, buildManifest } from './manifest';

// What `vq encode` writes its manifest from when its batch was cleared from another app's queue
// between "batch finished" and reading it back.
const job = (id: string, batchId: string): Job => ({
  id,
  batchId,
  kind: 'encode',
  status: 'done',
  rungIds: [id],
  plan: { kind: 'encode', rungs: [], outputs: [], twoPass: false },
  dependsOn: null,
  queueOrder: 1,
  attempts: 1,
  createdAt: '2026-01-01T00:00:00.000Z',
  startedAt: null,
  finishedAt: null,
  binary: null,
  commands: [],
  stderrTail: null,
  error: null,
  encodeSeconds: 1,
});
const rendition = (id: string, batchId: string | null): Rendition =>
  ({ id, batchId, jobId: batchId ? 'j1' : null, rungId: id }) as Rendition;

describe('batchRecord', () => {
  const plan = testBatch('b');
  const seen = { jobs: [job('j1', 'b'), job('x', 'other')], renditions: [rendition('r1', 'b')] };

  it('reads the stored batch, its jobs and renditions while the batch is in the snapshot', () => {
    const stored = { ...plan, outDir: '/stored' };
    const snapshot = {
      batches: [stored],
      jobs: [job('j1', 'b'), job('j2', 'b'), job('x', 'other')],
      renditions: [rendition('r1', 'b'), rendition('r2', 'b'), rendition('y', 'other')],
    };
    const r = batchRecord(snapshot, plan, seen);
    expect(r.stored).toBe(true);
    expect(r.batch).toBe(stored);
    expect(r.jobs.map((j) => j.id)).toEqual(['j1', 'j2']);
    expect(r.renditions.map((x) => x.id)).toEqual(['r1', 'r2']);
  });

  it('falls back to the plan and what the run was told when the batch was cleared', () => {
    // Cleared: no batch, no jobs, and the rendition's batch link is NULL in the database.
    const snapshot = { batches: [], jobs: [], renditions: [rendition('r1', null)] };
    const r = batchRecord(snapshot, plan, seen);
    expect(r.stored).toBe(false);
    expect(r.batch).toBe(plan);
    expect(r.jobs.map((j) => j.id)).toEqual(['j1']);
    expect(r.renditions.map((x) => x.id)).toEqual(['r1']);
  });
});

describe('buildManifest', () => {
  const tempDir = useTempDirs('vq-manifest-');

  it('carries the pooled XPSNR and CAMBI of a scored rendition and the VMAF v1 scale', () => {
    const db = openDatabase(tempDir());
    const [summary] = new ScoreRepo(db).insertRun(
      {
        id: 'run',
        jobId: null,
        referenceId: 'src',
        referencePath: '/v/src.mp4',
        command: ['ffmpeg'],
        ffmpeg: { path: 'ffmpeg', version: '7.1.5', libvmafApi: 2, libvmafVersion: '3.2.0' },
        model: null,
        startedAt: 't',
        durationMs: 1,
      },
      [
        {
          id: 'res',
          scored: {
            target: { kind: 'rendition', id: 'r1' },
            path: '/out/r1.mp4',
            label: 'r1',
            encoder: 'libx264',
            width: 64,
            height: 48,
            bitrateKbps: 100,
          },
          score: testFullScore(),
          createdAt: 't',
        },
      ],
    );
    db.close();
    const source = {
      path: '/v/src.mp4',
      media: {
        durationSeconds: 1,
        bitrateKbps: 1,
        video: {
          codec: 'h264',
          width: 64,
          height: 48,
          frameRate: 24,
          frameCount: 24,
          pixFmt: 'yuv420p',
          bitDepth: 8,
        },
      },
    } as LibraryItem;
    const r1 = {
      ...rendition('r1', 'b'),
      path: '/out/r1.mp4',
      encoder: 'libx264',
      command: [['ffmpeg']],
      createdAt: 't',
    } as Rendition;
    const m = buildManifest(source, testBatch('b'), [job('r1', 'b')], [r1], [summary!]);
    const scores = m.renditions[0]!.scores!;
    expect(Object.keys(scores.metrics)).toEqual(
      expect.arrayContaining(['xpsnr', 'xpsnrU', 'xpsnrV', 'cambi']),
    );
    expect(scores.metrics.cambi).toEqual(summary!.metrics.cambi);
    expect(scores.model).toBe('vmaf_v1.0.16_3d0h_2160');
    expect(scores.vmafMaxScore).toBe(110);
  });
});
