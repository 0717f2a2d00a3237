// A shared project file is untrusted: its jobs arrive as history, and whatever a retry or a re-run
// executes is derived again from strictly validated data (issue 10, item 1). These tests import
// hand-edited projects into a fresh data dir with a running queue and check, with real ffmpeg,
// that no stored filter text, path or option reaches an ffmpeg command.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VqError } from '../../../shared/errors';
import type { ProjectFile } from '../../../shared/project';
import type { Job } from '../../../shared/queue';
import { createCore, type Core } from '../core';
import { libvmafFilter } from '../scoreEngine/graph';
import { makeClip, quickLadder, quickRung } from '../../testing/clips';
import { useTempDirs } from '../../testing/tempDir';

const tempDir = useTempDirs('vq-hostile-');
let clips: string;
let base: ProjectFile;
let srcId: string;

beforeAll(async () => {
  clips = fs.mkdtempSync(path.join(os.tmpdir(), 'vq-hostile-clips-'));
  const src = makeClip(clips, { width: 320, height: 240, fps: 24, seconds: 1 });
  const a = createCore({
    dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'vq-hostile-a-')),
    host: { mode: 'web' },
    queue: 'off',
  });
  const out = await a.api['library.import']({ paths: [src] });
  srcId = out.imported[0]!.id;
  base = JSON.parse((await a.api['project.export']({})).text) as ProjectFile;
  fs.rmSync(a.dataDir, { recursive: true, force: true });
  a.close();
});
afterAll(() => fs.rmSync(clips, { recursive: true, force: true }));

/** A width that, pasted into `scale=W:H`, adds a filter writing a file of the attacker's choice. */
function injection(file: string): string {
  return `160:90,metadata=mode=print:file=${file},scale=160`;
}

/** The project with one encode batch (one job) and one score batch (one job), as the test edits them. */
function hostileProject(o: {
  outDir: string;
  evilDir: string;
  ladderWidth: unknown;
  threads: unknown;
}): string {
  const rung = { ...quickRung({ id: 'r90', height: 90 }), width: o.ladderWidth };
  const ladder = { ...quickLadder('evil', []), rungs: [rung] };
  const now = new Date().toISOString();
  const job = (
    id: string,
    batchId: string,
    kind: 'encode' | 'score',
    plan: Record<string, unknown>,
    order: number,
  ) => ({
    id,
    batchId,
    kind,
    status: 'failed',
    rungIds: kind === 'encode' ? ['r90'] : ['self'],
    plan,
    dependsOn: null,
    queueOrder: order,
    attempts: 1,
    createdAt: now,
    startedAt: now,
    finishedAt: now,
    binary: '/bin/sh',
    commands: [['/bin/sh', '-c', `touch ${path.join(o.evilDir, 'from-commands')}`]],
    stderrTail: null,
    error: 'Something failed.',
    encodeSeconds: null,
  });
  const p = {
    ...base,
    batches: [
      {
        id: 'benc',
        sourceId: srcId,
        ladder,
        outDir: o.outDir,
        decodeOnce: true,
        skipped: [],
        createdAt: now,
      },
      {
        id: 'bscore',
        sourceId: srcId,
        ladder: null,
        outDir: path.join(o.outDir, 'score'),
        decodeOnce: true,
        skipped: [],
        createdAt: now,
      },
    ],
    jobs: [
      job(
        'jenc',
        'benc',
        'encode',
        {
          kind: 'encode',
          rungs: [
            {
              rung,
              width: injection(path.join(o.evilDir, 'filter.txt')),
              height: 90,
              fps: null,
              fpsValue: 24,
              keyint: 24,
              twoPass: false,
            },
          ],
          outputs: [{ rungId: 'r90', path: path.join(o.evilDir, 'evil.mp4') }],
          twoPass: false,
        },
        1,
      ),
      job(
        'jscore',
        'bscore',
        'score',
        {
          kind: 'score',
          referenceId: srcId,
          targets: [{ kind: 'source', id: srcId }],
          fromJob: null,
          options: { metrics: ['psnr'], threads: o.threads },
          fixes: [[]],
        },
        2,
      ),
    ],
  };
  return JSON.stringify(p);
}

async function fresh(): Promise<{ c: Core; outDir: string; evilDir: string }> {
  const c = createCore({ dataDir: tempDir(), host: { mode: 'web' }, queue: 'all' });
  return { c, outDir: path.join(tempDir(), 'out'), evilDir: tempDir() };
}

async function refusal(p: Promise<unknown>): Promise<VqError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(VqError);
  return err as VqError;
}

async function job(c: Core, id: string): Promise<Job> {
  return (await c.api['queue.snapshot']({})).jobs.find((j) => j.id === id)!;
}

describe('an imported project never runs what it stores', () => {
  it('refuses retry and re-run of a batch whose ladder carries filter text, and writes nothing', async () => {
    const { c, outDir, evilDir } = await fresh();
    await c.api['project.import']({
      text: hostileProject({
        outDir,
        evilDir,
        ladderWidth: injection(path.join(evilDir, 'filter.txt')),
        threads: 1,
      }),
    });

    const retry = await refusal(c.api['queue.retry']({ jobId: 'jenc' }));
    expect(retry.code).toBe('INVALID_ARGS');
    expect(retry.message).toMatch(/ladder is not valid: rungs\.0\.width/);
    expect(retry.hint).toMatch(/imported project/);
    const rerun = await refusal(c.api['queue.rerunRung']({ batchId: 'benc', rungId: 'r90' }));
    expect(rerun.code).toBe('INVALID_ARGS');
    expect(rerun.message).toMatch(/ladder is not valid: rungs\.0\.width/);

    await c.queue.whenIdle();
    expect((await job(c, 'jenc')).status).toBe('failed');
    expect(fs.readdirSync(evilDir)).toEqual([]);
    expect(fs.existsSync(outDir)).toBe(false);
    c.close();
  });

  it('re-derives a retried encode from the ladder: outputs only inside outDir, shown = run', async () => {
    const { c, outDir, evilDir } = await fresh();
    await c.api['project.import']({
      text: hostileProject({ outDir, evilDir, ladderWidth: null, threads: 1 }),
    });

    const requeued = await c.api['queue.retry']({ jobId: 'jenc' });
    const shown = requeued.commands;
    expect(shown).toHaveLength(1);
    const text = shown.flat().join(' ');
    expect(text).not.toContain(evilDir);
    expect(text).not.toContain('metadata=');
    expect(shown[0]![0]).not.toBe('/bin/sh');
    await c.queue.whenIdle();

    const ran = await job(c, 'jenc');
    expect([ran.status, ran.error]).toEqual(['done', null]);
    expect(ran.commands).toEqual(shown);
    expect(fs.readdirSync(evilDir)).toEqual([]);
    expect(fs.readdirSync(outDir)).toEqual(['r90.mp4']);
    const { renditions } = await c.api['renditions.list']({});
    expect(renditions.map((r) => r.path)).toEqual([path.join(outDir, 'r90.mp4')]);
    c.close();
  });

  it('refuses an output folder that is not absolute at import', async () => {
    const { c, evilDir } = await fresh();
    const err = await refusal(
      c.api['project.import']({
        text: hostileProject({ outDir: 'relative/../out', evilDir, ladderWidth: null, threads: 1 }),
      }),
    );
    expect(err.code).toBe('INVALID_ARGS');
    expect(err.message).toMatch(/batches\.0\.outDir: not an absolute path/);
    c.close();
  });

  it.each([['1:log_path=/tmp/x'], [1.5]])(
    'refuses to retry a score job whose threads are %j',
    async (threads) => {
      const { c, outDir, evilDir } = await fresh();
      await c.api['project.import']({
        text: hostileProject({ outDir, evilDir, ladderWidth: null, threads }),
      });
      const err = await refusal(c.api['queue.retry']({ jobId: 'jscore' }));
      expect(err.code).toBe('INVALID_ARGS');
      expect(err.message).toMatch(/plan\.options\.threads/);
      await c.queue.whenIdle();
      const j = await job(c, 'jscore');
      expect(j.status).toBe('failed');
      expect(fs.readdirSync(evilDir)).toEqual([]);
      c.close();
    },
  );

  it('retries a valid imported score job with commands planned now, and they are what ran', async () => {
    const { c, outDir, evilDir } = await fresh();
    await c.api['project.import']({
      text: hostileProject({ outDir, evilDir, ladderWidth: null, threads: 1 }),
    });
    const requeued = await c.api['queue.retry']({ jobId: 'jscore' });
    expect(requeued.commands.flat()).not.toContain('/bin/sh');
    await c.queue.whenIdle();
    const ran = await job(c, 'jscore');
    expect([ran.status, ran.error]).toEqual(['done', null]);
    expect(ran.commands).toEqual(requeued.commands);
    expect(fs.readdirSync(evilDir)).toEqual([]);
    c.close();
  });

  it('the libvmaf filter builder refuses a thread count that is not a whole number ≥ 0', () => {
    const model = { name: 'vmaf_v0.6.1', path: null, transform: false } as Parameters<
      typeof libvmafFilter
    >[0]['model'];
    for (const threads of [1.5, -1, Number.NaN, '1:log_path=/x' as unknown as number]) {
      expect(() =>
        libvmafFilter({ api: 2, model, threads, msSsim: false }, '/t/v.json', 1),
      ).toThrow(/threads/);
    }
  });

  it('keeps an imported source that is not a video file as history, refused for reading', async () => {
    const { c } = await fresh();
    const fake = {
      ...base.sources[0]!,
      id: 'passwd',
      path: '/etc/passwd',
      fileName: 'passwd',
      media: { ...base.sources[0]!.media, path: '/etc/passwd' },
    };
    const text = JSON.stringify({ ...base, sources: [...base.sources, fake] });
    const summary = await c.api['project.import']({ text });
    expect(summary.sources.added).toBe(2);
    expect(c.mediaPath('file', 'passwd')).toBeNull();
    expect(c.mediaPath('file', srcId)).toBe(base.sources[0]!.path);
    expect(await c.api['frames.info']({ id: 'passwd' }).catch((e: VqError) => e.code)).toBe(
      'NOT_FOUND',
    );
    const enc = await refusal(
      c.api['encode.start']({
        sourceId: 'passwd',
        ladder: quickLadder('x', [quickRung({ id: 'a', height: 90 })]),
      }),
    );
    expect(enc.message).toMatch(/passwd cannot be read: Not read/);
    const score = await refusal(
      c.api['score.plan']({ referenceId: 'passwd', distorted: [{ kind: 'source', id: srcId }] }),
    );
    expect(score.message).toMatch(/cannot be read/);
    c.close();
  });

  it('serves, decodes or scores an imported rendition only after its file probed as video here', async () => {
    const { c } = await fresh();
    const now = new Date().toISOString();
    const rung = quickRung({ id: 'r90', height: 90 });
    const rendition = (id: string, file: string) => ({
      id,
      sourceId: srcId,
      batchId: null,
      jobId: null,
      rungId: 'r90',
      rung,
      path: file,
      encoder: 'libx264',
      width: 160,
      height: 90,
      bitrateKbps: 100,
      sizeBytes: 1,
      mtimeMs: null,
      encodeSeconds: null,
      command: [['/bin/sh', '-c', 'true']],
      media: base.sources[0]!.media,
      createdAt: now,
    });
    const real = makeClip(tempDir(), { width: 160, height: 90, seconds: 1 });
    const text = JSON.stringify({
      ...base,
      renditions: [rendition('rpasswd', '/etc/passwd'), rendition('rreal', real)],
    });
    expect((await c.api['project.import']({ text })).renditions.added).toBe(2);
    // /etc/passwd: kept as history, never served, decoded or scored.
    expect(c.mediaPath('file', 'rpasswd')).toBeNull();
    expect(await c.api['frames.info']({ id: 'rpasswd' }).catch((e: VqError) => e.code)).toBe(
      'NOT_FOUND',
    );
    const score = await refusal(
      c.api['score.plan']({
        referenceId: srcId,
        distorted: [{ kind: 'rendition', id: 'rpasswd' }],
      }),
    );
    expect(score.message).toMatch(/cannot be read: Not read/);
    // A real video: its facts come from the probe here, and it is served.
    expect(c.mediaPath('file', 'rreal')).toBe(real);
    const listed = (await c.api['queue.snapshot']({})).renditions.find((r) => r.id === 'rreal')!;
    expect(listed.media.path).toBe(real);
    expect(JSON.stringify(listed.media)).not.toContain('vqRefused');
    c.close();
  });
});
