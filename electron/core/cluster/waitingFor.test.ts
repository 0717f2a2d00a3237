import { describe, expect, it } from 'vitest';
import type { ListedWorker, WorkerBuild } from '../../../shared/workers';
import { waitingText } from './waitingFor';

function build(encoders: string[], libvmaf: WorkerBuild['libvmaf'] = null): WorkerBuild {
  return {
    path: '/usr/bin/ffmpeg',
    version: '7.1.5',
    encoders,
    libvmaf,
  };
}

function worker(name: string, builds: WorkerBuild[]): ListedWorker {
  return {
    id: '0'.repeat(32),
    name,
    host: 'h',
    pid: 1,
    startedAt: 0,
    lastHeartbeat: 0,
    concurrency: 1,
    threads: null,
    cores: 2,
    builds,
    currentJob: null,
    jobsDone: 0,
    silentMs: 0,
  };
}

describe('waitingText', () => {
  it('says no worker runs, and how to start one', () => {
    expect(waitingText('encode.libx264', { workers: [], invalid: 0 })).toMatch(
      /none is running\. Start one with `vq worker`/,
    );
  });

  it('names each worker that cannot run the lane, with what its ffmpeg lacks', () => {
    const text = waitingText('encode.libsvtav1', {
      workers: [worker('a', [build(['libx264'])]), worker('b', [build(['libx265'])])],
      invalid: 0,
    });
    expect(text).toBe(
      'Waiting for a worker that can run it (encode.libsvtav1): a: /usr/bin/ffmpeg: no libsvtav1 — b: /usr/bin/ffmpeg: no libsvtav1.',
    );
  });

  it('names the workers that can run it when they are busy', () => {
    const text = waitingText('encode.libx264', {
      workers: [worker('a', [build(['libx264'])]), worker('b', [build(['libx265'])])],
      invalid: 0,
    });
    expect(text).toBe('Waiting for a free worker: a can run it.');
  });

  it('reads what a score lane needs: VMAF needs libvmaf', () => {
    const text = waitingText('score.vmaf+model-vmaf_v0.6.1', {
      workers: [worker('plain', [build(['libx264'])])],
      invalid: 0,
    });
    expect(text).toMatch(
      /^Waiting for a worker that can run it \(score\.vmaf\+model-vmaf_v0\.6\.1\): plain: .*libvmaf/,
    );
  });
});
