// Jobs handed to other machines (the shared queue's workers) do not take this machine's slots:
// with one local slot, every encode of a batch goes out at once while score jobs still run one at
// a time here. Over the real SQLite store, with executors the test ends by hand.
import { describe, expect, it } from 'vitest';
import { EventHub } from '../events';
import { openDatabase } from '../store/db';
import { testBatch, testJob } from '../../testing/queueRecords';
import { HandExecutor } from '../../testing/handExecutor';
import { useTempDirs } from '../../testing/tempDir';
import { JobQueue } from './jobQueue';
import { SqliteJobStore } from './sqliteJobStore';

const tempDir = useTempDirs();

describe('remote kinds', () => {
  it('hand every encode out at once while local score jobs keep to the concurrency', async () => {
    const db = openDatabase(tempDir());
    const store = new SqliteJobStore(db);
    const encode = new HandExecutor();
    const score = new HandExecutor();
    const queue = new JobQueue({
      store,
      events: new EventHub(),
      executors: { encode, score },
      remoteKinds: ['encode'],
      concurrency: () => 1,
      onRestart: () => 'requeue',
      mode: 'all',
    });
    try {
      queue.start();
      const scoreJob = (id: string) => ({ ...testJob(id, 'b'), kind: 'score' as const });
      queue.submit(testBatch('b'), [
        scoreJob('s1'),
        testJob('e1', 'b'),
        scoreJob('s2'),
        testJob('e2', 'b'),
        testJob('e3', 'b'),
      ]);
      expect(encode.started).toEqual(['e1', 'e2', 'e3']);
      expect(score.started).toEqual(['s1']);
      await encode.finish('e1');
      expect(score.started).toEqual(['s1']); // a remote job ending frees no local slot
      await score.finish('s1');
      expect(score.started).toEqual(['s1', 's2']);
    } finally {
      queue.close();
      db.close();
    }
  });
});
