// The shared queue end to end, with nothing stood in: Debian's redis-server on a free loopback
// port (with a password), real `vq worker` processes and the real `vq encode`. Proves: with
// VQ_REDIS_URL and two workers, `vq encode --json` writes the manifest it writes alone, each
// rendition naming its worker; a worker killed with SIGKILL mid-job loses the job to another after
// the lock expires, and it is listed once; a worker whose ffmpeg lacks an encoder never takes that
// job, which waits for one that has it.
import { spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { WorkerListing } from '../../shared/workers';
import { keyframeTimes, makeClip, quickLadder, quickRung, streamFacts } from '../testing/clips';
import { makeSceneClip } from '../testing/sceneClip';
import { makeTlsFiles, startRedis, type TestRedis } from '../testing/redis';
import { useTempDirs } from '../testing/tempDir';
import { VQ_BIN, startVq } from '../testing/vqProcess';
import type { EncodeManifest } from './manifest';

const tempDir = useTempDirs();
let redis: TestRedis;
let env: NodeJS.ProcessEnv;
const children: ChildProcess[] = [];

beforeAll(async () => {
  redis = await startRedis({ password: 'cluster-test' });
  env = {
    ...process.env,
    VQ_REDIS_URL: redis.url,
    VQ_WORKER_HEARTBEAT_MS: '1000',
    VQ_WORKER_LOCK_MS: '2000',
  };
});

afterEach(async () => {
  for (const c of children.splice(0)) {
    if (c.exitCode === null && c.signalCode === null) {
      c.kill('SIGINT');
      await new Promise((r) => c.once('exit', r));
    }
  }
  // Each test starts from an empty shared queue.
  spawnSync('redis-cli', [
    '-p',
    String(redis.port),
    '-a',
    'cluster-test',
    '--no-auth-warning',
    'FLUSHALL',
  ]);
});

afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await redis?.stop();
});

/** A `vq worker` with one encoder thread per job (unless `args` say otherwise). */
function worker(name: string, extraEnv: NodeJS.ProcessEnv = {}, args = ['--threads', '1']) {
  return startVq(
    ['worker', '--name', name, ...args],
    {
      ...env,
      VQ_DATA_DIR: tempDir(),
      ...extraEnv,
    },
    children,
  );
}

function writeLadder(dir: string, ladder: unknown): string {
  const file = path.join(dir, 'ladder.json');
  fs.writeFileSync(file, JSON.stringify(ladder));
  return file;
}

function readManifest(out: string): EncodeManifest {
  return JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8')) as EncodeManifest;
}

function listed(): WorkerListing {
  const r = spawnSync(process.execPath, [VQ_BIN, 'workers', '--json'], {
    env,
    encoding: 'utf8',
    timeout: 30_000,
  });
  expect(r.status, `${r.stderr}\n${r.stdout}`).toBe(0);
  return JSON.parse(r.stdout) as WorkerListing;
}

/**
 * A manifest with what depends on where and when it was made taken out: the output folder (each
 * run has its own), the workers' names, the encode times, and the exact byte counts — x264 with
 * several threads does not promise the same bytes twice (a few bytes differ between two runs on
 * one machine too); the sizes are compared to 0.5 % apart.
 */
function madeAnywhere(m: EncodeManifest) {
  const here = (text: string): string => text.split(m.outDir).join('<out>');
  return {
    ...m,
    outDir: '<out>',
    renditions: m.renditions.map(
      ({ worker: _w, encodeSeconds: _s, sizeBytes: _b, bitrateKbps: _r, ...r }) => ({
        ...r,
        path: here(r.path),
        command: r.command.map(here),
      }),
    ),
  };
}

/** Resolves once one of the processes printed `pattern`. */
async function waitForEither(ps: { out(): string }[], pattern: RegExp): Promise<void> {
  const end = Date.now() + 30_000;
  while (!ps.some((p) => pattern.test(p.out()))) {
    if (Date.now() > end) throw new Error(`nobody printed ${pattern}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function partFiles(dir: string): string[] {
  return fs.readdirSync(dir).filter((n) => n.includes('.part.'));
}

describe('the shared queue (BullMQ on a real Redis) with vq worker processes', () => {
  it('vq encode --json with two workers writes the manifest it writes alone, each rendition naming its worker', async () => {
    const dir = tempDir();
    const source = makeClip(dir, { width: 640, height: 360, seconds: 2 });
    const ladder = writeLadder(
      dir,
      quickLadder('four', [
        quickRung({ id: 'r144', height: 144, preset: 'medium' }),
        quickRung({ id: 'r180', height: 180, preset: 'medium' }),
        quickRung({ id: 'r270', height: 270, preset: 'medium' }),
        quickRung({ id: 'r360', height: 360, preset: 'medium' }),
      ]),
    );
    const alone = path.join(dir, 'alone');
    const solo = spawnSync(
      process.execPath,
      [VQ_BIN, 'encode', source, '--ladder', ladder, '--out', alone, '--json', '--no-decode-once'],
      { env: { ...process.env, VQ_DATA_DIR: tempDir() }, encoding: 'utf8', timeout: 120_000 },
    );
    expect(solo.status, `${solo.stderr}\n${solo.stdout}`).toBe(0);

    // Workers with the encoders' default threads, like the app alone: the same commands.
    const a = worker('node-a', {}, []);
    const b = worker('node-b', {}, []);
    await Promise.all([a.waitFor(/Taking jobs/), b.waitFor(/Taking jobs/)]);
    const shared = path.join(dir, 'shared');
    const r = spawnSync(
      process.execPath,
      [VQ_BIN, 'encode', source, '--ladder', ladder, '--out', shared, '--json', '--no-decode-once'],
      { env: { ...env, VQ_DATA_DIR: tempDir() }, encoding: 'utf8', timeout: 120_000 },
    );
    expect(r.status, `${r.stderr}\n${r.stdout}`).toBe(0);
    const manifest = readManifest(shared);
    expect(JSON.parse(r.stdout)).toEqual(manifest);
    // The same manifest: the same files (sizes, bit rates, measured facts) from the same commands.
    expect(madeAnywhere(manifest)).toEqual(madeAnywhere(readManifest(alone)));
    for (const [i, x] of readManifest(alone).renditions.entries()) {
      expect(Math.abs(manifest.renditions[i]!.sizeBytes / x.sizeBytes - 1)).toBeLessThan(0.005);
    }
    expect(manifest.renditions).toHaveLength(4);
    const made = manifest.renditions.map((x) => x.worker);
    for (const w of made) expect(['node-a', 'node-b']).toContain(w);
    expect(readManifest(alone).renditions.every((x) => x.worker === undefined)).toBe(true);
    // Both worked (four jobs of about the same length, one at a time each), and the counts add up.
    expect(new Set(made).size).toBe(2);
    const done = listed().workers.reduce((n, w) => n + w.jobsDone, 0);
    expect(done).toBe(4);
    expect(partFiles(shared)).toEqual([]);
  });

  it('a worker killed mid-job loses it to another after the lock expires; the rendition is listed once', async () => {
    const dir = tempDir();
    const source = makeClip(dir, { width: 1280, height: 720, seconds: 4 });
    const ladder = writeLadder(
      dir,
      quickLadder('slow', [quickRung({ id: 'slow', height: 720, preset: 'slower' })]),
    );
    const out = path.join(dir, 'out');
    const first = worker('first');
    await first.waitFor(/Taking jobs/);
    const encode = startVq(
      ['encode', source, '--ladder', ladder, '--out', out, '--json'],
      {
        ...env,
        VQ_DATA_DIR: tempDir(),
      },
      children,
    );
    await first.waitFor(/-a1 started/);
    await new Promise((r) => setTimeout(r, 1_000)); // well into the encode
    first.child.kill('SIGKILL');
    await first.exited;
    const second = worker('second');
    await second.waitFor(/-a1 started/, 30_000);
    expect(await encode.exited, encode.out()).toBe(0);
    await second.waitFor(/-a1 done/);
    expect(first.out()).not.toMatch(/-a1 done/);
    const manifest = readManifest(out);
    expect(manifest.renditions).toHaveLength(1);
    expect(manifest.renditions[0]).toMatchObject({
      rungId: 'slow',
      worker: 'second',
      width: 1280,
      height: 720,
    });
    expect(manifest.failed).toEqual([]);
    expect(fs.readdirSync(out).filter((n) => n.endsWith('.mp4'))).toEqual(['slow.mp4']);
    expect(partFiles(out)).toEqual([]);
  });

  it('a worker whose ffmpeg lacks an encoder never takes that job; it waits for a worker that has it', async () => {
    const dir = tempDir();
    const source = makeClip(dir, { width: 640, height: 360, seconds: 1 });
    const ladder = writeLadder(
      dir,
      quickLadder('mixed', [
        quickRung({ id: 'h264', height: 180 }),
        quickRung({ id: 'av1', height: 180, encoder: 'libsvtav1', container: 'mkv', preset: '12' }),
      ]),
    );
    const out = path.join(dir, 'out');
    // Only the npm ffmpeg 4.1 (x264, no SVT-AV1): nothing on PATH.
    const old = worker('old-ffmpeg', { PATH: path.join(dir, 'no-bin') });
    await old.waitFor(/Taking jobs/);
    const info = listed().workers.find((w) => w.name === 'old-ffmpeg')!;
    expect(info.builds.some((b) => b.encoders.includes('libx264'))).toBe(true);
    expect(info.builds.some((b) => b.encoders.includes('libsvtav1'))).toBe(false);
    const encode = startVq(
      ['encode', source, '--ladder', ladder, '--out', out, '--json', '--no-decode-once'],
      {
        ...env,
        VQ_DATA_DIR: tempDir(),
      },
      children,
    );
    await old.waitFor(/-a1 done/);
    // The AV1 job waits in its lane: several seconds, several looks for work, never taken.
    await new Promise((r) => setTimeout(r, 3_000));
    expect(old.out().match(/started/g)).toHaveLength(1);
    expect(encode.child.exitCode).toBeNull();
    const waiting = spawnSync(
      'redis-cli',
      [
        '-p',
        String(redis.port),
        '-a',
        'cluster-test',
        '--no-auth-warning',
        'LLEN',
        'vq-bull:encode.libsvtav1:wait',
      ],
      { encoding: 'utf8' },
    );
    expect(waiting.stdout.trim()).toBe('1');
    const full = worker('full-ffmpeg');
    expect(await encode.exited, encode.out()).toBe(0);
    await full.waitFor(/-a1 done/);
    const manifest = readManifest(out);
    expect(Object.fromEntries(manifest.renditions.map((r) => [r.rungId, r.worker]))).toEqual({
      h264: 'old-ffmpeg',
      av1: 'full-ffmpeg',
    });
    expect(old.out().match(/started/g)).toHaveLength(1);
  });
});

describe('media without a shared disk (VQ_TRANSFER=http)', () => {
  it("a worker that cannot see the app's files fetches the source over HTTP, sends the outputs back (checked before they are listed) and scores them over HTTP", async () => {
    const dir = tempDir();
    const source = makeClip(dir, { width: 640, height: 360, seconds: 1, audio: true });
    const ladder = writeLadder(
      dir,
      quickLadder('http', [
        quickRung({ id: 'r180', height: 180, audio: { mode: 'aac', bitrateKbps: 64 } }),
        quickRung({ id: 'r360', height: 360 }),
      ]),
    );
    // Every path the app could send maps to a folder that does not exist on this "machine".
    const remote = worker('remote-node', {}, [
      '--threads',
      '1',
      '--map',
      `/=${path.join(dir, 'not-here')}`,
    ]);
    await remote.waitFor(/Taking jobs/);
    const out = path.join(dir, 'out');
    const r = spawnSync(
      process.execPath,
      [
        VQ_BIN,
        'encode',
        source,
        '--ladder',
        ladder,
        '--out',
        out,
        '--json',
        '--score',
        '--metrics',
        'psnr,ssim',
      ],
      {
        env: { ...env, VQ_DATA_DIR: tempDir(), VQ_TRANSFER: 'http' },
        encoding: 'utf8',
        timeout: 120_000,
      },
    );
    expect(r.status, `${r.stderr}\n${r.stdout}`).toBe(0);
    const manifest = readManifest(out);
    expect(manifest.renditions.map((x) => [x.rungId, x.worker])).toEqual([
      ['r180', 'remote-node'],
      ['r360', 'remote-node'],
    ]);
    expect(streamFacts(path.join(out, 'r180.mp4'))).toMatchObject({
      width: 320,
      height: 180,
      frames: 30,
    });
    expect(fs.readdirSync(out).sort()).toEqual(['manifest.json', 'r180.mp4', 'r360.mp4']);
    // Scored on the worker too, from copies it downloaded with the score task's own token.
    expect(manifest.scoreFailed ?? []).toEqual([]);
    for (const r of manifest.renditions) {
      expect(r.scores, r.rungId).toMatchObject({ frames: 30 });
      expect(r.scores!.metrics.psnr!.mean).toBeGreaterThan(25);
      expect(r.scores!.metrics.ssim!.mean).toBeGreaterThan(0.8);
      expect(r.scores!.warnings).toContain('Scored on vq worker remote-node.');
    }
    // The worker worked in a folder of its own, gone with the task.
    expect(fs.existsSync(path.join(dir, 'not-here'))).toBe(false);
  });

  it('refuses a VQ_TRANSFER it does not know, saying what it takes', () => {
    const dir = tempDir();
    const source = makeClip(dir, { width: 320, height: 240, seconds: 1 });
    const r = spawnSync(
      process.execPath,
      [VQ_BIN, 'encode', source, '--ladder', 'hls-h264', '--out', path.join(dir, 'o')],
      {
        env: { ...env, VQ_DATA_DIR: tempDir(), VQ_TRANSFER: 'ftp' },
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/VQ_TRANSFER is "ftp"; it takes "http"/);
  });
});

describe('one title across workers (chunks at scene-aware keyframes, a BullMQ flow, a join)', () => {
  it('encodes a rung in chunks on two workers, joins them without re-encoding and lists a verified rendition', async () => {
    const dir = tempDir();
    // 12 s at 25 fps with cuts at frames 70, 170 and 230; audio to be encoded once by the join.
    const clip = makeSceneClip(dir, { scenes: [70, 100, 60, 70], audio: true });
    const ladder = writeLadder(
      dir,
      quickLadder('chunked', [
        quickRung({
          id: 'r360',
          height: 360,
          preset: 'medium',
          audio: { mode: 'aac', bitrateKbps: 96 },
        }),
      ]),
    );
    const a = worker('chunk-a');
    const b = worker('chunk-b');
    await Promise.all([a.waitFor(/Taking jobs/), b.waitFor(/Taking jobs/)]);
    const out = path.join(dir, 'chunked');
    const r = spawnSync(
      process.execPath,
      [
        VQ_BIN,
        'encode',
        clip.path,
        '--ladder',
        ladder,
        '--out',
        out,
        '--json',
        '--chunk-seconds',
        '3',
      ],
      { env: { ...env, VQ_DATA_DIR: tempDir() }, encoding: 'utf8', timeout: 180_000 },
    );
    expect(r.status, `${r.stderr}\n${r.stdout}`).toBe(0);
    const manifest = readManifest(out);
    expect(manifest.renditions).toHaveLength(1);
    const made = manifest.renditions[0]!;
    // Several chunks, encoded by both workers; the join ran on one of them. (spawnSync held this
    // process's event loop: the workers' output is read as it turns again.)
    await waitForEither([a, b], /-join done/);
    const chunkLines = (a.out() + b.out()).match(/-c\d+ done/g) ?? [];
    expect(chunkLines.length, `${a.out()}\n${b.out()}`).toBeGreaterThanOrEqual(3);
    expect(a.out()).toMatch(/-c\d+ done/);
    expect(b.out()).toMatch(/-c\d+ done/);
    expect((a.out() + b.out()).match(/-join done/g)).toHaveLength(1);
    expect(made.worker).toBe('chunk-a, chunk-b');
    // The workers' --threads 1, in the command that stands for the title.
    expect(made.command.join(' ')).toContain('-threads 1');
    // The joined file: every frame, the keyframe grid of a one-pass encode (1 s GOP), audio.
    const file = path.join(out, 'r360.mp4');
    expect(streamFacts(file)).toMatchObject({
      codec: 'h264',
      width: 640,
      height: 360,
      frames: clip.frames,
    });
    expect(keyframeTimes(file)).toEqual(Array.from({ length: 12 }, (_, i) => i));
    const audio = spawnSync(
      'ffprobe',
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
    );
    expect(audio.stdout.trim()).toBe('aac');
    const decode = spawnSync('ffmpeg', ['-v', 'error', '-i', file, '-f', 'null', '-'], {
      encoding: 'utf8',
    });
    expect(decode.stderr).toBe('');
    // Nothing of the chunks is left beside the rendition.
    expect(fs.readdirSync(out).sort()).toEqual(['manifest.json', 'r360.mp4']);
  });
});

describe('one title across workers: faults', () => {
  it('a worker killed in the middle of a chunk loses it to another; the title is joined and listed once', async () => {
    const dir = tempDir();
    const clip = makeSceneClip(dir, { scenes: [50, 50, 50], width: 1280, height: 720 });
    const ladder = writeLadder(
      dir,
      quickLadder('fault', [quickRung({ id: 'r720', height: 720, preset: 'slower' })]),
    );
    const out = path.join(dir, 'out');
    const first = worker('chunk-victim');
    await first.waitFor(/Taking jobs/);
    const encode = startVq(
      ['encode', clip.path, '--ladder', ladder, '--out', out, '--json', '--chunk-seconds', '2'],
      { ...env, VQ_DATA_DIR: tempDir() },
      children,
    );
    await first.waitFor(/-c\d+ started/);
    await new Promise((r) => setTimeout(r, 700));
    first.child.kill('SIGKILL');
    await first.exited;
    const killedIn = /(\S+-c\d+) started(?![\s\S]*\1 done)/.exec(first.out())?.[1];
    expect(killedIn).toBeDefined();
    const second = worker('chunk-survivor');
    expect(await encode.exited, encode.out()).toBe(0);
    await second.waitFor(/-join done/);
    // The chunk the killed worker held was encoded by the other after its lock expired.
    expect(second.out()).toContain(`${killedIn} done`);
    const manifest = readManifest(out);
    expect(manifest.renditions).toHaveLength(1);
    expect(manifest.failed).toEqual([]);
    expect(streamFacts(path.join(out, 'r720.mp4')).frames).toBe(clip.frames);
    expect(fs.readdirSync(out).sort()).toEqual(['manifest.json', 'r720.mp4']);
  });
});

describe('the shared queue over TLS (rediss://, a private CA, a password)', () => {
  it('a worker and vq encode that trust the CA work as over plain Redis; without it they refuse, saying why', async () => {
    const dir = tempDir();
    const tls = makeTlsFiles(dir);
    const secure = await startRedis({ password: 'tls-pass', tls });
    try {
      const tlsEnv = {
        ...process.env,
        VQ_REDIS_URL: secure.url,
        VQ_WORKER_HEARTBEAT_MS: '1000',
        NODE_EXTRA_CA_CERTS: tls.ca,
      };
      expect(secure.url).toMatch(/^rediss:\/\//);
      const untrusted = spawnSync(process.execPath, [VQ_BIN, 'workers'], {
        env: { ...tlsEnv, NODE_EXTRA_CA_CERTS: '' },
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(untrusted.status).toBe(1);
      expect(untrusted.stderr).toMatch(
        /Cannot reach Redis at rediss:\/\/:\*\*\*@127\.0\.0\.1:\d+\/0: .*certificate/i,
      );
      const w = startVq(
        ['worker', '--name', 'tls-node'],
        { ...tlsEnv, VQ_DATA_DIR: tempDir() },
        children,
      );
      await w.waitFor(/Taking jobs/);
      const source = makeClip(dir, { width: 320, height: 240, seconds: 1 });
      const ladder = writeLadder(dir, quickLadder('tls', [quickRung({ id: 'r180', height: 180 })]));
      const out = path.join(dir, 'out');
      const r = spawnSync(
        process.execPath,
        [VQ_BIN, 'encode', source, '--ladder', ladder, '--out', out, '--json'],
        {
          env: { ...tlsEnv, VQ_DATA_DIR: tempDir() },
          encoding: 'utf8',
          timeout: 120_000,
        },
      );
      expect(r.status, `${r.stderr}\n${r.stdout}`).toBe(0);
      expect(readManifest(out).renditions.map((x) => x.worker)).toEqual(['tls-node']);
      await w.waitFor(/-a1 done/);
      expect(r.stderr + w.out()).not.toContain('tls-pass');
    } finally {
      await secure.stop();
    }
  });
});
