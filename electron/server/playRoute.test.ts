import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCore } from '../core/core';
import { packageLadder } from '../core/package/packager';
import { useTempDirs } from '../testing/tempDir';
import { startServer } from './server';

// The Play view's media route over a real package: only a session's package files are served,
// behind the token, paced to the session's network (the desktop route: electron/main/playRoute.test.ts).
const tempDir = useTempDirs();

function rendition(dir: string, name: string, height: number, kbps: number): string {
  const file = path.join(dir, name);
  execFileSync('ffmpeg', [
    ...['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=s=640x360:r=25:d=4'],
    ...[
      '-vf',
      `scale=-2:${height},noise=alls=30:allf=t`,
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
    ],
    ...['-b:v', `${kbps}k`, '-g', '25', '-keyint_min', '25', '-sc_threshold', '0', file],
  ]);
  return file;
}

describe('playback sessions and their media route', () => {
  it('serves only the files of a session’s package, behind the token, paced to its network', async () => {
    const dir = tempDir();
    const renditions = [
      { rungId: 'hi', path: rendition(dir, 'hi.mp4', 360, 1200) },
      { rungId: 'lo', path: rendition(dir, 'lo.mp4', 180, 300) },
    ];
    const out = path.join(dir, 'pkg');
    const summary = await packageLadder({
      ffmpeg: 'ffmpeg',
      ffprobe: 'ffprobe',
      renditions,
      outDir: out,
      hls: true,
      dash: true,
      segmentSeconds: 1,
    });
    const core = createCore({
      dataDir: path.join(dir, 'data'),
      host: { mode: 'web' },
      queue: 'off',
    });
    const rendererDir = path.join(dir, 'renderer');
    fs.mkdirSync(rendererDir);
    fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html>');
    const server = await startServer({ core, rendererDir, port: 0 });
    try {
      core.playback.register(out, summary);
      const { packages } = await core.api['packages.list']({});
      expect(packages.map((p) => [p.id, p.name, p.dir])).toEqual([[summary.id, 'pkg', out]]);
      expect(packages[0]!.variantLinks).toEqual([
        { renditionId: null, scoreResultId: null },
        { renditionId: null, scoreResultId: null },
      ]);
      await expect(
        core.api['playback.start']({
          packageId: 'nope',
          profile: { name: 'x', steps: [{ atSeconds: 0, kbps: null }] },
        }),
      ).rejects.toMatchObject({ code: 'NOT_FOUND' });

      // 400 kbit/s: a segment of B bytes cannot arrive in less than B·8/400 ms.
      const { sessionId } = await core.api['playback.start']({
        packageId: summary.id,
        profile: { name: '400 kb/s', steps: [{ atSeconds: 0, kbps: 400 }] },
      });
      const seg = path.join(out, 'v0', 'seg-00000.m4s');
      const bytes = fs.statSync(seg).size;
      const base = `http://127.0.0.1:${server.port}/media/play/${sessionId}`;
      const auth = { authorization: `Bearer ${server.token}` };
      const t0 = performance.now();
      const res = await fetch(`${base}/v0/seg-00000.m4s`, { headers: auth });
      const body = Buffer.from(await res.arrayBuffer());
      const took = performance.now() - t0;
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('video/iso.segment');
      expect(body.equals(fs.readFileSync(seg))).toBe(true);
      expect(took).toBeGreaterThanOrEqual(((bytes * 8) / 400) * 0.9);

      // Not the token, not a package file, not a session: refused.
      expect((await fetch(`${base}/master.m3u8`)).status).toBe(401);
      for (const file of [
        'package.json',
        'v0/../package.json',
        'v0/%2e%2e/package.json',
        'v9/init.mp4',
        'v0/seg-1.m4s',
      ]) {
        expect((await fetch(`${base}/${file}`, { headers: auth })).status, file).toBe(404);
      }
      const other = `http://127.0.0.1:${server.port}/media/play/${'0'.repeat(32)}/master.m3u8`;
      expect((await fetch(other, { headers: auth })).status).toBe(404);
      const master = await fetch(`${base}/master.m3u8`, { headers: auth });
      expect(master.headers.get('content-type')).toBe('application/vnd.apple.mpegurl');
      expect(await master.text()).toContain('v0/index.m3u8');
      const head = await fetch(`${base}/manifest.mpd`, { method: 'HEAD', headers: auth });
      expect(head.headers.get('content-length')).toBe(
        String(fs.statSync(path.join(out, 'manifest.mpd')).size),
      );

      // A playback's report is summarised and kept with the package.
      const saved = await core.api['playback.save']({
        packageId: summary.id,
        profile: { name: '400 kb/s', steps: [{ atSeconds: 0, kbps: 400 }] },
        forcedVariant: 1,
        shown: [{ from: 0, to: 3, variant: 1 }],
        switches: [{ atWall: 0.2, atMedia: 0, from: null, to: 1 }],
        stalls: [],
        buffer: [],
        startupSeconds: 0.2,
        wallSeconds: 3.5,
      });
      expect(saved).toMatchObject({
        forcedRungId: 'lo',
        shownSeconds: 3,
        switches: 0,
        timeWeightedVmaf: null,
      });
      expect((await core.api['packages.list']({})).packages[0]!.playbacks.map((p) => p.id)).toEqual(
        [saved.id],
      );
    } finally {
      await server.close();
      core.close();
    }
  }, 60_000);
});
