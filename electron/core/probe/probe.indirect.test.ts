/**
 * A "video" that is really a playlist or a list of other files (issue 10: nothing in a file runs):
 * probing it never reaches the network, and the library refuses it, so no later decode reads
 * what it lists. Real ffprobe, a real HTTP listener on loopback counting requests.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { VqError } from '../../../shared/errors';
import { useTempDirs } from '../../testing/tempDir';
import { makeClip } from '../../testing/clips';
import { probeFile } from './index';
import { LOCAL_ONLY_ARGS, refuseIndirection } from './probe';

const FFPROBE = process.env['VQ_FFPROBE'] ?? 'ffprobe';
const tempDir = useTempDirs('vq-indirect-');
let server: http.Server | null = null;

afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = null;
});

async function listener(): Promise<{ port: number; hits: string[] }> {
  const hits: string[] = [];
  server = http.createServer((req, res) => {
    hits.push(req.url ?? '');
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', () => resolve()));
  return { port: (server.address() as { port: number }).port, hits };
}

async function refusal(p: Promise<unknown>): Promise<VqError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(VqError);
  return err as VqError;
}

describe('probe refuses playlists and file lists', () => {
  it('an HLS playlist named .mp4 with http:// segments: no request leaves, and it is refused', async () => {
    const { port, hits } = await listener();
    const file = path.join(tempDir(), 'trailer.mp4');
    fs.writeFileSync(
      file,
      [
        '#EXTM3U',
        '#EXT-X-VERSION:3',
        '#EXT-X-TARGETDURATION:2',
        '#EXTINF:2.0,',
        `http://127.0.0.1:${port}/seg0.ts`,
        '#EXT-X-ENDLIST',
        '',
      ].join('\n'),
    );
    const err = await refusal(probeFile(file, { ffprobe: FFPROBE }));
    expect(err.code).toBe('NOT_MEDIA');
    expect(err.message).toMatch(/trailer\.mp4 is a hls playlist/);
    expect(hits).toEqual([]);
  });

  it('an HLS playlist of local segments is refused as a playlist, not read as a video', async () => {
    const dir = tempDir();
    const clip = makeClip(dir, { width: 160, height: 90, seconds: 1 });
    const seg = path.join(dir, 'seg0.ts');
    fs.copyFileSync(clip, seg);
    const file = path.join(dir, 'list.m3u8');
    fs.writeFileSync(
      file,
      ['#EXTM3U', '#EXT-X-TARGETDURATION:1', '#EXTINF:1.0,', 'seg0.ts', '#EXT-X-ENDLIST', ''].join(
        '\n',
      ),
    );
    const err = await refusal(probeFile(file, { ffprobe: FFPROBE }));
    expect(err.code).toBe('NOT_MEDIA');
    expect(err.message).toMatch(/list\.m3u8 is a hls playlist or list of other files/);
  });

  it('an ffconcat list naming another file is refused', async () => {
    const dir = tempDir();
    const clip = makeClip(dir, { width: 160, height: 90, seconds: 1 });
    const file = path.join(dir, 'movie.mp4');
    fs.writeFileSync(file, `ffconcat version 1.0\nfile '${clip}'\n`);
    const err = await refusal(probeFile(file, { ffprobe: FFPROBE }));
    expect(err.code).toBe('NOT_MEDIA');
    expect(err.message).toMatch(/movie\.mp4 is a ffconcat playlist/);
  });

  it('an AviSynth or VapourSynth script is refused by its extension before ffprobe runs it', async () => {
    const dir = tempDir();
    for (const name of ['clip.avs', 'clip.VPY']) {
      const file = path.join(dir, name);
      fs.writeFileSync(file, 'BlankClip()\n');
      const err = await refusal(probeFile(file, { ffprobe: FFPROBE }));
      expect(err.code).toBe('NOT_MEDIA');
      expect(err.message).toMatch(/is a (avisynth|vapoursynth) script, not a video file/);
    }
  });

  it('a real video still probes', async () => {
    const clip = makeClip(tempDir(), { width: 160, height: 90, seconds: 1 });
    expect((await probeFile(clip, { ffprobe: FFPROBE })).video.width).toBe(160);
  });

  it("second guards: ffprobe's format name is checked, and LOCAL_ONLY_ARGS keep ffprobe off the network", async () => {
    expect(() => refuseIndirection('hls,applehttp', 'x.mp4')).toThrow(/x\.mp4 is a hls playlist/);
    expect(() => refuseIndirection('mov,mp4,m4a,3gp,3g2,mj2', 'x.mp4')).not.toThrow();
    const { port, hits } = await listener();
    const file = path.join(tempDir(), 'list.m3u8');
    fs.writeFileSync(
      file,
      [
        '#EXTM3U',
        '#EXT-X-TARGETDURATION:2',
        '#EXTINF:2.0,',
        `http://127.0.0.1:${port}/a.ts`,
        '#EXT-X-ENDLIST',
        '',
      ].join('\n'),
    );
    // The same arguments the probe uses. (FFmpeg 4.1+ already limits what a local playlist may
    // open to file,crypto,data; these keep that true for any build, and drop crypto and data.)
    // (Asynchronous: the listener runs in this process.)
    const stderr = await new Promise<string>((resolve) =>
      execFile(
        FFPROBE,
        ['-v', 'error', '-show_format', ...LOCAL_ONLY_ARGS, '-i', `file:${file}`],
        { timeout: 30_000 },
        (_e, _o, err) => resolve(String(err)),
      ),
    );
    expect(stderr).toMatch(/Protocol 'http' not on whitelist 'file,pipe'/);
    expect(hits).toEqual([]);
  });
});
