import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { VqEvent } from '../../shared/api';
import { createCore } from '../core/core';
import { SqliteJobStore } from '../core/queue/sqliteJobStore';
import { makeClip, quickLadder, quickRung, streamFacts, videoMd5 } from '../testing/clips';
import { testMedia, useTempDirs } from '../testing/tempDir';
import type { EncodeManifest } from './manifest';

// The real `vq ladders` / `vq encode` in a child process, each test over its own data dir.
const tempDir = useTempDirs();

function vq(args: string[], dataDir = tempDir()): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.resolve('bin/vq.mjs'), ...args], {
    env: { ...process.env, VQ_DATA_DIR: dataDir },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function writeLadder(dir: string, ladder: unknown): string {
  const file = path.join(dir, 'ladder.json');
  fs.writeFileSync(file, JSON.stringify(ladder));
  return file;
}

describe('vq ladders', () => {
  it('lists presets (and --json gives the entries with their rungs)', () => {
    const json = vq(['ladders', '--json']);
    expect(json.code).toBe(0);
    const entries = JSON.parse(json.stdout) as { ladder: { id: string; rungs: unknown[] }; builtIn: boolean }[];
    expect(entries.map((e) => e.ladder.id)).toEqual(['hls-h264', 'hls-hevc', 'netflix-2015', 'crf-sweep', 'codec-shootout']);
    expect(entries[0]!.ladder.rungs).toHaveLength(9);
    const text = vq(['ladders']);
    expect(text.stdout).toMatch(/hls-h264 {2}Apple HLS — H\.264 {2}\(built-in, 9 rungs\)/);
    // Every field as the Ladders table shows it (shared/rungText.ts), in its column order.
    expect(text.stdout).toMatch(/rung +size +encoder +rate control +preset +GOP +pixels +fps cap +audio +container/);
    expect(text.stdout).toMatch(
      /540p-2000k +960×540 +libx264 +ABR 2000 kb\/s ≤ 3000 kb\/s \(buf 4000\) +medium +2 s fixed +8-bit +source +AAC 128 +mp4\n/,
    );
    expect(text.stdout).toMatch(/234p-145k +416×234 +libx264 +ABR 145 kb\/s ≤ 218 kb\/s \(buf 290\) +medium +2 s fixed +8-bit +≤ 30 +AAC 128 +mp4\n/);
    expect(text.stdout).toMatch(/240p-235k +auto×240 +libx264 .* +AAC 96 +mp4\n/);
    expect(text.stdout).toMatch(/x264-1080p-crf18 +auto×1080 +libx264 +CRF 18 +medium +auto +8-bit +source +none +mp4\n/);
    expect(text.stdout).toContain('Sizes with "auto" follow the source’s aspect ratio.');
  });

  it('lists a saved rung that leaves preset and GOP to the encoder as the Ladders table does', async () => {
    const dataDir = tempDir();
    const core = createCore({ dataDir, host: { mode: 'web' }, queue: 'off' });
    try {
      await core.api['ladders.save']({
        ladder: quickLadder('mine', [
          quickRung({ id: 'av1', encoder: 'libsvtav1', preset: null, gopSeconds: null, fixedGop: false, container: 'mkv' }),
          quickRung({ id: 'x264', preset: null, pixFmt: 'yuv420p10le', fpsCap: 24 }),
        ]),
      });
    } finally {
      core.close();
    }
    const text = vq(['ladders'], dataDir);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/mine {2}Test mine {2}\(saved, 2 rungs\)/);
    expect(text.stdout).toMatch(/av1 +auto×180 +libsvtav1 +CRF 30 +default \(8\) +auto +8-bit +source +none +mkv\n/);
    expect(text.stdout).toMatch(/x264 +auto×180 +libx264 +CRF 30 +default \(medium\) +1 s fixed +10-bit +≤ 24 +none +mp4\n/);
  });
});

describe('vq encode', () => {
  it('encodes a ladder file, writes a manifest with measured facts and re-runnable commands, exit 0', () => {
    const dir = tempDir();
    const source = makeClip(dir, { width: 640, height: 360, seconds: 1, audio: true });
    const ladder = writeLadder(
      dir,
      quickLadder('cli', [
        quickRung({ id: 'small', preset: 'fast', audio: { mode: 'aac', bitrateKbps: 64 } }),
        quickRung({ id: 'hevc', height: 270, encoder: 'libx265', container: 'mkv' }),
        quickRung({ id: 'huge', height: 1080 }),
      ]),
    );
    const out = path.join(dir, 'out');
    const r = vq(['encode', source, '--ladder', ladder, '--out', out, '--json', '--concurrency', '2']);
    expect(r.stderr).not.toMatch(/failed/);
    expect(r.code).toBe(0);
    const manifest = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8')) as EncodeManifest;
    expect(JSON.parse(r.stdout)).toEqual(manifest);
    expect(manifest.source).toEqual({
      path: fs.realpathSync(source),
      codec: 'h264',
      width: 640,
      height: 360,
      frameRate: 30,
      frameCount: 30,
      durationSeconds: expect.any(Number),
      bitrateKbps: expect.any(Number),
      pixFmt: 'yuv420p',
      bitDepth: 8,
    });
    expect(manifest.ladder).toEqual({ id: 'cli', name: 'Test cli' });
    expect(manifest.skipped).toEqual([{ rungId: 'huge', reason: expect.stringMatching(/never upscales/) }]);
    expect(manifest.failed).toEqual([]);
    expect(manifest.renditions.map((x) => [x.rungId, x.encoder, x.width, x.height, path.basename(x.path)])).toEqual([
      ['small', 'libx264', 320, 180, 'small.mp4'],
      ['hevc', 'libx265', 480, 270, 'hevc.mkv'],
    ]);
    for (const x of manifest.renditions) {
      expect(x.sizeBytes).toBe(fs.statSync(x.path).size);
      expect(x.bitrateKbps).toBeGreaterThan(0);
      expect(x.encodeSeconds).toBeGreaterThan(0);
      expect(path.isAbsolute(x.command[0]!)).toBe(true);
    }
    // The command is the one that made the file: run by hand (decode once wrote both outputs),
    // the x264 CRF output comes out bit-identical.
    const small = manifest.renditions[0]!;
    const again = path.join(dir, 'again');
    fs.mkdirSync(again);
    const byHand = small.command.slice(1).map((a) => (a.startsWith(out) ? a.replace(out, again) : a));
    execFileSync(small.command[0]!, byHand, { stdio: 'ignore' });
    expect(videoMd5(path.join(again, 'small.mp4'))).toBe(videoMd5(small.path));
    expect(fs.readdirSync(out).sort()).toEqual(['hevc.mkv', 'manifest.json', 'small.mp4']);
  });

  it('takes a preset id and says when every rung is larger than the source (exit 1)', () => {
    const small = makeClip(tempDir(), { width: 320, height: 180, seconds: 0.5 });
    const r = vq(['encode', small, '--ladder', 'hls-h264', '--out', path.join(tempDir(), 'o')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Nothing to encode: every rung of "Apple HLS — H\.264" is larger than the source \(320x180\)/);
  });

  it('keeps a 3:2 and a portrait source\'s display aspect and orientation with a 16:9 preset (issue 11)', () => {
    // bt601.mp4 is 360×240 (3:2): the 416×234 rung used to be squashed to 16:9.
    const threeTwo = path.join(tempDir(), 'o');
    expect(vq(['encode', testMedia('androidx-media/bt601.mp4'), '--ladder', 'hls-h264', '--out', threeTwo]).code).toBe(0);
    expect(fs.readdirSync(threeTwo).filter((f) => f.endsWith('.mp4'))).toEqual(['234p-145k.mp4']);
    const a = streamFacts(path.join(threeTwo, '234p-145k.mp4'));
    expect([a.width, a.height]).toEqual([352, 234]);
    expect(Math.abs(a.width / a.height - 360 / 240)).toBeLessThan(0.01);
    // A portrait phone clip gets portrait renditions.
    const phone = makeClip(tempDir(), { width: 360, height: 640, seconds: 0.5 });
    const portrait = path.join(tempDir(), 'p');
    expect(vq(['encode', phone, '--ladder', 'hls-h264', '--out', portrait]).code).toBe(0);
    const sizes = fs
      .readdirSync(portrait)
      .filter((f) => f.endsWith('.mp4'))
      .sort()
      .map((f) => streamFacts(path.join(portrait, f)))
      .map((f) => `${f.width}x${f.height}`);
    expect(sizes).toEqual(['234x416', '360x640']);
  });

  it('exits 1 with the reason when a rung fails, keeping the others and listing the failure', () => {
    const dir = tempDir();
    const source = makeClip(dir, { seconds: 0.5 });
    const ladder = writeLadder(
      dir,
      quickLadder('gpu', [
        quickRung({ id: 'cpu' }),
        // A valid rung that SVT-AV1 itself refuses when it runs: it needs at least 64×64.
        quickRung({ id: 'tiny', encoder: 'libsvtav1', width: 32, height: 32, preset: '12', container: 'mkv', rateControl: { mode: 'crf', crf: 40 } }),
      ]),
    );
    const out = path.join(dir, 'out');
    const r = vq(['encode', source, '--ladder', ladder, '--out', out, '--no-decode-once']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/tiny failed: ffmpeg failed \(exit code 1\)/);
    const manifest = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8')) as EncodeManifest;
    expect(manifest.renditions.map((x) => x.rungId)).toEqual(['cpu']);
    expect(manifest.failed).toEqual([{ rungId: 'tiny', status: 'failed', reason: expect.stringMatching(/exit code 1/), stderrTail: expect.any(String) }]);
    expect(fs.readdirSync(out).sort()).toEqual(['cpu.mp4', 'manifest.json']);
  });

  it('never replaces renditions in --out without --overwrite; with it, their old scores show stale (issue 11)', async () => {
    const dir = tempDir();
    const dataDir = tempDir();
    const source = makeClip(dir, { width: 320, height: 180, seconds: 0.5 });
    const rungs = (lowKbps: number) => [
      quickRung({ id: 'low', height: 90, rateControl: { mode: 'abr', bitrateKbps: lowKbps } }),
      quickRung({ id: 'high', height: 180, rateControl: { mode: 'abr', bitrateKbps: 400 } }),
    ];
    const out = path.join(dir, 'out');
    const first = vq(['encode', source, '--ladder', writeLadder(dir, quickLadder('re', rungs(145))), '--out', out, '--score'], dataDir);
    expect(first.stderr).not.toMatch(/failed/);
    expect(first.code).toBe(0);
    const low = path.join(out, 'low.mp4');
    const bytes = fs.readFileSync(low);

    // The same ladder again into the same folder: refused, naming the files, their scores and the flag.
    const edited = writeLadder(dir, quickLadder('re', rungs(300)));
    const refused = vq(['encode', source, '--ladder', edited, '--out', out], dataDir);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`2 output files of "Test re" already exist in ${out}: low.mp4 (scored 1×), high.mp4 (scored 1×).`);
    expect(refused.stderr).toMatch(/--overwrite/);
    expect(refused.stderr).toMatch(/\[OUTPUT_EXISTS\]/);
    expect(fs.readFileSync(low).equals(bytes)).toBe(true);

    // With --overwrite the files are replaced, and the numbers of the old bytes say they are stale.
    const replaced = vq(['encode', source, '--ladder', edited, '--out', out, '--overwrite'], dataDir);
    expect(replaced.code).toBe(0);
    expect(fs.readFileSync(low).equals(bytes)).toBe(false);
    const c = createCore({ dataDir, host: { mode: 'web' }, queue: 'off' });
    try {
      const sourceId = (await c.api['library.list']({})).items[0]!.id;
      const { results } = await c.api['scores.list']({ sourceId });
      expect(results.map((r) => r.label).sort()).toEqual(['high', 'low']);
      for (const r of results) expect(r.stale).toEqual({ reason: 'the file was encoded again after this score' });
      const analysis = await c.api['analysis.get']({ sourceId });
      expect(analysis.points).toEqual([]);
      expect(analysis.stalePoints.map((p) => p.label).sort()).toEqual(['high', 'low']);
      expect(analysis.stalePoints.find((p) => p.label === 'low')!.scoreResultId).toBe(results.find((r) => r.label === 'low')!.id);
      // The report lists them apart, marked with why, and draws nothing from them.
      const { html } = await c.api['report.html']({ sourceId });
      expect(html).toContain('Stale scores (2), left out of every chart and BD-rate');
      expect(html).toContain('the file was encoded again after this score');
    } finally {
      c.close();
    }
  });

  it('exits 2 on usage errors and 1 on an invalid ladder file', () => {
    const dir = tempDir();
    const src = testMedia('androidx-media/bt601.mp4');
    expect(vq(['encode', src, '--ladder', 'hls-h264']).code).toBe(2); // no --out
    expect(vq(['encode', src, '--ladder', 'no-such-ladder', '--out', dir]).stderr).toMatch(/no such ladder/);
    expect(vq(['encode', src, '--ladder', 'hls-h264', '--out', dir, '--concurrency', '0']).code).toBe(2);
    const bad = writeLadder(dir, { id: 'bad', name: 'bad', rungs: [{ ...quickRung({ id: 'x' }), height: 181 }] });
    const r = vq(['encode', src, '--ladder', bad, '--out', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/not a valid ladder:\s+rungs\.0\.height: height must be even/);
  });

  it('Ctrl+C kills ffmpeg, deletes partial outputs and exits 130', async () => {
    const dir = tempDir();
    const source = makeClip(dir, { width: 1280, height: 720, seconds: 6 });
    const ladder = writeLadder(dir, quickLadder('slow', [quickRung({ id: 'a', height: 720, preset: 'veryslow' }), quickRung({ id: 'b', height: 360, preset: 'veryslow' })]));
    const out = path.join(dir, 'out');
    const child = spawn(process.execPath, [path.resolve('bin/vq.mjs'), 'encode', source, '--ladder', ladder, '--out', out], {
      env: { ...process.env, VQ_DATA_DIR: tempDir() },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const until = Date.now() + 60_000;
    while (!(fs.existsSync(out) && fs.readdirSync(out).some((n) => n.includes('.part.')))) {
      if (Date.now() > until) throw new Error(`no partial output appeared; stderr: ${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr).toMatch(/canceling/);
    expect(fs.readdirSync(out)).toEqual(['manifest.json']);
    const manifest = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8')) as EncodeManifest;
    expect(manifest.failed.map((f) => [f.rungId, f.status])).toEqual([
      ['a', 'canceled'],
      ['b', 'canceled'],
    ]);
  });
});

/** The real `vq encode` as a child process that does not block this one's event loop. */
function vqAsync(args: string[], dataDir: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.resolve('bin/vq.mjs'), ...args], { env: { ...process.env, VQ_DATA_DIR: dataDir } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('vq encode beside a running vq serve (issue 10 item 5)', () => {
  it('runs only its own batch and writes its manifest; the server never claims its jobs but shows the batch live', async () => {
    const dataDir = tempDir();
    const dir = tempDir();
    const claims: string[] = [];
    const realClaim = SqliteJobStore.prototype.claim;
    const spy = vi.spyOn(SqliteJobStore.prototype, 'claim').mockImplementation(function (this: SqliteJobStore, ...args) {
      const got = realClaim.apply(this, args);
      if (got) claims.push(got.id);
      return got;
    });
    // The server: the same core `vq serve` and the app build, queue 'all', one job at a time.
    const server = createCore({ dataDir, host: { mode: 'web' }, queue: 'all', concurrency: 1 });
    const seen: VqEvent[] = [];
    server.events.subscribe((e) => seen.push(e));
    try {
      const cliSource = makeClip(dir, { width: 640, height: 360, seconds: 2, name: 'cli.mp4' });
      const serverSource = makeClip(dir, { width: 640, height: 360, seconds: 2, name: 'server.mp4' });
      const ladder = writeLadder(
        dir,
        quickLadder('beside', [
          quickRung({ id: 'a', height: 360, preset: 'medium' }),
          quickRung({ id: 'b', height: 270, preset: 'medium' }),
          quickRung({ id: 'c', height: 180, preset: 'medium' }),
        ]),
      );
      const out = path.join(dir, 'out');
      const cli = vqAsync(['encode', cliSource, '--ladder', ladder, '--out', out, '--json', '--concurrency', '1', '--no-decode-once'], dataDir);

      // Once the CLI's batch is queued, the server gets a batch of its own: its queue pumps.
      let cliBatchId: string | null = null;
      let cliQueued = 0;
      const until = Date.now() + 60_000;
      while (!cliBatchId && Date.now() < until) {
        const snap = await server.api['queue.snapshot']({});
        cliBatchId = snap.batches.find((b) => b.outDir === out)?.id ?? null;
        cliQueued = snap.jobs.filter((j) => j.batchId === cliBatchId && j.status === 'queued').length;
        if (!cliBatchId) await new Promise((r) => setTimeout(r, 50));
      }
      expect(cliBatchId).not.toBeNull();
      expect(cliQueued).toBeGreaterThan(0); // what the server's queue used to take
      const imported = await server.api['library.import']({ paths: [serverSource] });
      const serverSourceId = (imported.imported[0] ?? imported.existing[0])!.id;
      const serverBatch = await server.api['encode.start']({
        sourceId: serverSourceId,
        ladder: quickLadder('server', [quickRung({ id: 's1', height: 270 }), quickRung({ id: 's2', height: 180 })]),
        outDir: path.join(dir, 'server-out'),
        decodeOnce: false,
      });

      const r = await cli;
      expect(r.stderr).not.toMatch(/failed/);
      expect(r.code).toBe(0);
      const manifest = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8')) as EncodeManifest;
      expect(manifest.renditions.map((x) => x.rungId)).toEqual(['a', 'b', 'c']);
      expect(manifest.failed).toEqual([]);
      expect(r.stderr).toContain(`VQ Studio (pid ${process.pid}) also uses this data folder`);

      // The server ran only its own jobs.
      await server.queue.whenIdle();
      const snap = await server.api['queue.snapshot']({});
      const cliJobs = snap.jobs.filter((j) => j.batchId === cliBatchId);
      expect(cliJobs).toHaveLength(3);
      expect(claims.filter((id) => cliJobs.some((j) => j.id === id))).toEqual([]);
      expect(snap.jobs.filter((j) => j.batchId === serverBatch.batch.id).map((j) => j.status)).toEqual(['done', 'done']);

      // Its event stream showed the CLI's batch as it ran.
      await expect.poll(() => seen.filter((e) => e.type === 'rendition.added' && e.rendition.batchId === cliBatchId).length, { timeout: 5000 }).toBe(3);
      expect(seen.some((e) => e.type === 'batch.added' && e.batch.id === cliBatchId)).toBe(true);
      for (const j of cliJobs) {
        const updates = seen.filter((e): e is Extract<VqEvent, { type: 'job.updated' }> => e.type === 'job.updated' && e.job.id === j.id);
        expect(updates.at(-1)?.job.status).toBe('done');
      }
      expect(seen.some((e) => e.type === 'library.added' && e.item.path === fs.realpathSync(cliSource))).toBe(true);
    } finally {
      server.close();
      spy.mockRestore();
    }
  }, 120_000);
});
