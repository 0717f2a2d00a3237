import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../core/core';
import { runningProcesses } from '../core/ffmpeg/process';
import { useTempDirs } from '../testing/tempDir';
import { startServer, type RunningServer } from './server';

// The frame route of `vq serve` over a real core: frames.info, and a closed connection stops the
// decode it asked for.
const tempDir = useTempDirs('vq-frame-route-');
let running: { server: RunningServer; core: Core } | null = null;

afterEach(async () => {
  if (running) {
    await running.server.close();
    running.core.close();
    running = null;
  }
});

describe('frame route', () => {
  it('reports frames.info, and aborting a far frame kills its ffmpeg', async () => {
    const dir = tempDir();
    // One long GOP, so the far frame takes a while to decode from its keyframe.
    const clip = path.join(dir, 'long-gop.mp4');
    execFileSync('ffmpeg', [
      ...['-hide_banner', '-loglevel', 'error', '-f', 'lavfi'],
      ...['-i', 'testsrc2=s=1280x720:r=25:d=16', '-c:v', 'libx264', '-preset', 'ultrafast'],
      ...['-g', '400', '-keyint_min', '400', '-sc_threshold', '0', '-pix_fmt', 'yuv420p', clip],
    ]);
    const rendererDir = tempDir();
    fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html>');
    const core = createCore({ dataDir: tempDir(), host: { mode: 'web' }, queue: 'off' });
    const server = await startServer({ core, rendererDir, port: 0 });
    running = { server, core };
    const { imported } = await core.api['library.import']({ paths: [clip] });
    const id = imported[0]!.id;

    const info = await core.dispatch('frames.info', { id });
    expect(info.ok).toBe(true);
    const value = (
      info as { ok: true; value: { count: number; keyframes: number[]; types: string } }
    ).value;
    expect(value.count).toBe(400);
    expect(value.keyframes).toEqual([0]);
    expect(value.types[0]).toBe('I');
    const unknown = await core.dispatch('frames.info', { id: 'nope' });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });

    const url = (n: number): string =>
      `http://127.0.0.1:${server.port}/media/frame/${id}?index=${n}&token=${server.token}`;
    const ac = new AbortController();
    const far = fetch(url(390), { signal: ac.signal });
    await expect.poll(() => runningProcesses().length, { interval: 5 }).toBeGreaterThan(0);
    ac.abort();
    await expect(far).rejects.toThrow();
    await expect.poll(() => runningProcesses().length, { timeout: 5000 }).toBe(0);

    const next = await fetch(url(12));
    expect(next.status).toBe(200);
    const png = Buffer.from(await next.arrayBuffer());
    expect(png.readUInt32BE(16)).toBe(1280);
    expect(png.readUInt32BE(20)).toBe(720);
  });
});
