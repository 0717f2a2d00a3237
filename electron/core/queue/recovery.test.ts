import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { VqEvent } from '../../../shared/api';
import { createCore } from '../core';
import { makeClip, quickLadder, quickRung } from '../../testing/clips';
import { useTempDirs } from '../../testing/tempDir';

// A simulated crash: `vq encode` (a real child process) is SIGKILLed mid-job, then a new core opens
// the same data dir, as the app does on its next start.
const tempDir = useTempDirs();

interface RunningRow {
  id: string;
  pid: number | null;
  status: string;
}

/** The job the child's database shows running with its ffmpeg's process id, if any yet. */
function runningJob(dataDir: string): RunningRow | undefined {
  const file = path.join(dataDir, 'library.db');
  if (!fs.existsSync(file)) return undefined;
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return db
      .prepare(`SELECT id, pid, status FROM jobs WHERE status = 'running' AND pid IS NOT NULL`)
      .get() as RunningRow | undefined;
  } catch {
    return undefined; // the tables appear with the first migration
  } finally {
    db.close();
  }
}

/**
 * Polls `get` every 20 ms until it gives a value, which it returns (a condition, never a fixed
 * sleep standing in for one); throws naming `what` after `timeoutMs`.
 */
async function waitFor<T>(
  get: () => T | false | undefined,
  what: string,
  timeoutMs = 60_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = get();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** True once ffmpeg has written part of the output (the file exists and is not empty). */
function written(file: string): boolean {
  try {
    return fs.statSync(file).size > 0;
  } catch {
    return false;
  }
}

/** True while the process exists and is not a zombie (a container's init may not reap it at once). */
function alive(pid: number): boolean {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    return !/^State:\s+Z/m.test(status);
  } catch {
    return false;
  }
}

describe('restart after a crash', () => {
  it('finds the job the killed process was running, kills its orphaned ffmpeg, deletes the partial output, re-queues and completes it', async () => {
    const dataDir = tempDir();
    const work = tempDir();
    const source = makeClip(work, { width: 1280, height: 720, seconds: 4 });
    const ladderFile = path.join(work, 'ladder.json');
    fs.writeFileSync(
      ladderFile,
      JSON.stringify(
        quickLadder('crash', [
          quickRung({
            id: 'hd',
            height: 720,
            preset: 'slow',
            rateControl: { mode: 'crf', crf: 23 },
          }),
        ]),
      ),
    );
    const outDir = path.join(work, 'out');
    // A temporary file of a job this data folder does not know: another data folder's `vq encode`
    // may be writing it into the same output folder, so recovery keeps it.
    fs.mkdirSync(outDir);
    const foreign = path.join(outDir, '.old.0123456789abcdef.part.mp4');
    fs.writeFileSync(foreign, 'half');

    const child = spawn(
      process.execPath,
      [path.resolve('bin/vq.mjs'), 'encode', source, '--ladder', ladderFile, '--out', outDir],
      {
        env: { ...process.env, VQ_DATA_DIR: dataDir },
        stdio: 'ignore',
      },
    );
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('exit', (_code, signal) => resolve(signal)),
    );
    const running = await waitFor(() => runningJob(dataDir), 'a job to run its ffmpeg');
    const part = path.join(outDir, `.hd.${running.id}.part.mp4`);
    await waitFor(() => written(part), 'ffmpeg to write some of the output');
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    expect(fs.existsSync(part)).toBe(true);
    // ffmpeg ignores SIGPIPE: it outlives its parent and keeps encoding.
    expect(alive(running.pid!)).toBe(true);

    const core = createCore({ dataDir, host: { mode: 'web' } });
    try {
      // Recovery is synchronous inside createCore; the re-run's ffmpeg has not started yet.
      expect(fs.readdirSync(outDir).filter((n) => n.includes('.part.'))).toEqual([
        path.basename(foreign),
      ]);
      await waitFor(() => !alive(running.pid!), 'the orphaned ffmpeg to die');

      const snap = await core.api['queue.snapshot']({});
      const job = snap.jobs.find((j) => j.id === running.id)!;
      expect(job.status).toBe('running'); // re-queued and started again
      expect(job.attempts).toBe(2);
      await new Promise<void>((resolve) => {
        const off = core.events.subscribe((e) => {
          if (e.type === 'batch.finished' && e.batchId === job.batchId) {
            off();
            resolve();
          }
        });
      });
      await core.queue.whenIdle();
      const after = await core.api['queue.snapshot']({});
      expect(after.jobs.find((j) => j.id === running.id)).toMatchObject({
        status: 'done',
        error: null,
      });
      expect(after.renditions.map((r) => r.path)).toEqual([path.join(outDir, 'hd.mp4')]);
      expect(fs.readdirSync(outDir).sort()).toEqual([path.basename(foreign), 'hd.mp4'].sort());
    } finally {
      core.close();
    }
  });

  it('a server recovers the jobs of a `vq encode` killed beside it, without a restart, and shows them', async () => {
    const dataDir = tempDir();
    const work = tempDir();
    // Long enough that the hd job spans several of the server's once-a-second looks at the
    // database (2 s of video encoded in under one: the job could start and end between two looks).
    const source = makeClip(work, { width: 1280, height: 720, seconds: 6 });
    const ladderFile = path.join(work, 'ladder.json');
    fs.writeFileSync(
      ladderFile,
      JSON.stringify(
        quickLadder('beside', [
          quickRung({ id: 'hd', height: 720, preset: 'slow' }),
          quickRung({ id: 'sd', height: 180 }),
        ]),
      ),
    );
    const outDir = path.join(work, 'out');
    const server = createCore({ dataDir, host: { mode: 'web' }, queue: 'all', concurrency: 1 });
    const seen: VqEvent[] = [];
    server.events.subscribe((e) => seen.push(e));
    try {
      const child = spawn(
        process.execPath,
        [
          path.resolve('bin/vq.mjs'),
          'encode',
          source,
          '--ladder',
          ladderFile,
          '--out',
          outDir,
          '--concurrency',
          '1',
          '--no-decode-once',
        ],
        { env: { ...process.env, VQ_DATA_DIR: dataDir }, stdio: 'ignore' },
      );
      const exited = new Promise<NodeJS.Signals | null>((resolve) =>
        child.on('exit', (_code, signal) => resolve(signal)),
      );
      // Generous: a fresh data dir probes every ffmpeg build first, slow on a busy machine.
      const running = await waitFor(() => runningJob(dataDir), 'a job to run its ffmpeg', 90_000);
      const shownRunning = (): boolean =>
        seen.some(
          (e) =>
            e.type === 'job.updated' &&
            e.job.id === running.id &&
            e.job.status === 'running' &&
            e.job.attempts === 1,
        );
      await waitFor(shownRunning, "the server's clients to see the CLI's job run");
      child.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');
      const batchId = (await server.api['queue.snapshot']({})).jobs.find(
        (j) => j.id === running.id,
      )!.batchId;
      // Its queued job stays its own while it lives; now the server's next heartbeat finds it gone.
      await new Promise<void>((resolve) => {
        const done = (): boolean =>
          seen.some((e) => e.type === 'batch.finished' && e.batchId === batchId);
        if (done()) return resolve();
        const off = server.events.subscribe(() => {
          if (done()) {
            off();
            resolve();
          }
        });
      });
      await server.queue.whenIdle();
      const snap = await server.api['queue.snapshot']({});
      const jobs = snap.jobs.filter((j) => j.batchId === batchId);
      expect(jobs.map((j) => [j.rungIds[0], j.status])).toEqual([
        ['hd', 'done'],
        ['sd', 'done'],
      ]);
      // The job the kill interrupted ran again: usually hd, but on a busy machine hd may finish
      // between the check above and the kill, and then it is sd. Exactly one job ran twice.
      expect(jobs.map((j) => j.attempts).sort()).toEqual([1, 2]);
      expect(alive(running.pid!)).toBe(false);
      expect(fs.readdirSync(outDir).sort()).toEqual(['hd.mp4', 'sd.mp4']);
      // The killed process's runner record is pruned once its jobs are recovered.
      const db = new Database(path.join(dataDir, 'library.db'), { readonly: true });
      try {
        expect(db.prepare('SELECT runner FROM queue_runners').all()).toEqual([
          { runner: server.queue.runnerId },
        ]);
      } finally {
        db.close();
      }
      // The server's clients saw the CLI's batch and its first run before the kill.
      expect(seen.some((e) => e.type === 'batch.added' && e.batch.id === batchId)).toBe(true);
      expect(shownRunning()).toBe(true);
    } finally {
      server.close();
    }
  }, 180_000);
});
