import { describe, expect, it, vi } from 'vitest';
import { createCore } from '../core';
import { openDatabase } from '../store/db';
import { testBatch, testJob } from '../../testing/queueRecords';
import { useTempDirs } from '../../testing/tempDir';
import { SqliteJobStore } from './sqliteJobStore';

// The API's retry plans the commands again (async), then queues the job with them. When another
// process retries and starts the job in between, this retry must change nothing: before, it wrote
// its commands onto the running job and then "restored" the old ones over what that run recorded.
const tempDir = useTempDirs();

describe("'queue.retry' that loses a race", () => {
  it('leaves the job and the commands its new run recorded as they are, and says why', async () => {
    const dataDir = tempDir();
    const core = createCore({ dataDir, host: { mode: 'web' }, queue: 'off' });
    const otherDb = openDatabase(dataDir);
    const other = new SqliteJobStore(otherDb);
    try {
      const runner = '1:other';
      other.takeLease(
        { runner, pid: 1, heartbeatAt: new Date().toISOString(), identity: null },
        () => false,
      );
      other.addBatch(testBatch('b'), [
        { ...testJob('j1', 'b'), rungIds: ['hd'], binary: '/old/ffmpeg', commands: [['old']] },
      ]);
      other.claim('j1', { runner, unowned: true }, new Date().toISOString());
      other.update(
        'j1',
        { status: 'failed', error: 'x', runner: null },
        { status: 'running', runner },
      );

      vi.spyOn(core.encode, 'retryCommands').mockImplementation(async () => {
        // While this process plans, the other one retries j1, starts it and records its command.
        other.requeue('j1', { status: 'failed' }, { atEnd: true, owner: null });
        other.claim('j1', { runner, unowned: true }, new Date().toISOString());
        other.update(
          'j1',
          { binary: '/their/ffmpeg', commands: [['theirs']] },
          { status: 'running', runner },
        );
        return { binary: '/mine/ffmpeg', commands: [['mine']] };
      });
      await expect(core.api['queue.retry']({ jobId: 'j1' })).rejects.toThrow(/Job j1 is running/);
      expect(other.getJob('j1')).toMatchObject({
        status: 'running',
        attempts: 2,
        binary: '/their/ffmpeg',
        commands: [['theirs']],
      });
    } finally {
      otherDb.close();
      core.close();
    }
  });

  it('writes the commands planned again together with the requeue', async () => {
    const dataDir = tempDir();
    const core = createCore({ dataDir, host: { mode: 'web' }, queue: 'off' });
    const db = openDatabase(dataDir);
    const store = new SqliteJobStore(db);
    try {
      store.addBatch(testBatch('b'), [
        { ...testJob('j1', 'b'), rungIds: ['hd'], binary: '/old/ffmpeg', commands: [['old']] },
      ]);
      store.update('j1', { status: 'failed', error: 'x' }, { status: 'queued' });
      vi.spyOn(core.encode, 'retryCommands').mockResolvedValue({
        binary: '/mine/ffmpeg',
        commands: [['mine']],
      });
      const job = await core.api['queue.retry']({ jobId: 'j1' });
      expect(job).toMatchObject({
        status: 'queued',
        binary: '/mine/ffmpeg',
        commands: [['mine']],
        error: null,
      });
    } finally {
      db.close();
      core.close();
    }
  });
});
