import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCore } from '../core/core';
import { packageLadder } from '../core/package/packager';
import { useTempDirs } from '../testing/tempDir';
import { isPlayUrl, servePlay } from './playRoute';

// The desktop app's `vq-media://play/<session>/<file>` over a real package and session: the same
// files as the server's route, nothing else.
const tempDir = useTempDirs();

describe('vq-media://play', () => {
  it('serves a session’s package files, HEAD without a body, and 404 for anything else', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'r.mp4');
    execFileSync('ffmpeg', [
      ...['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=s=320x180:r=25:d=2'],
      ...[
        '-c:v',
        'libx264',
        '-preset',
        'ultrafast',
        '-g',
        '25',
        '-keyint_min',
        '25',
        '-sc_threshold',
        '0',
        file,
      ],
    ]);
    const out = path.join(dir, 'pkg');
    const summary = await packageLadder({
      ffmpeg: 'ffmpeg',
      ffprobe: 'ffprobe',
      renditions: [{ rungId: 'r', path: file }],
      outDir: out,
      hls: true,
      dash: true,
    });
    const core = createCore({
      dataDir: path.join(dir, 'data'),
      host: { mode: 'electron' },
      queue: 'off',
    });
    try {
      core.playback.register(out, summary);
      const { sessionId } = await core.api['playback.start']({
        packageId: summary.id,
        profile: { name: 'free', steps: [{ atSeconds: 0, kbps: null }] },
      });
      const open = (s: string, f: string, signal: AbortSignal) => core.playback.open(s, f, signal);
      expect(isPlayUrl(`vq-media://play/${sessionId}/master.m3u8`)).toBe(true);
      expect(isPlayUrl(`vq-media://frame/x?index=1`)).toBe(false);
      const init = await servePlay(new Request(`vq-media://play/${sessionId}/v0/init.mp4`), open);
      expect(init.headers.get('content-type')).toBe('video/mp4');
      expect(
        Buffer.from(await init.arrayBuffer()).equals(
          fs.readFileSync(path.join(out, 'v0', 'init.mp4')),
        ),
      ).toBe(true);
      const head = await servePlay(
        new Request(`vq-media://play/${sessionId}/manifest.mpd`, { method: 'HEAD' }),
        open,
      );
      expect(head.headers.get('content-length')).toBe(
        String(fs.statSync(path.join(out, 'manifest.mpd')).size),
      );
      for (const bad of [
        'package.json',
        'v0/../package.json',
        '..%2fpackage.json',
        'v0/seg-0.m4s',
      ]) {
        expect(
          (await servePlay(new Request(`vq-media://play/${sessionId}/${bad}`), open)).status,
          bad,
        ).toBe(404);
      }
      expect(
        (await servePlay(new Request(`vq-media://play/${'f'.repeat(32)}/master.m3u8`), open))
          .status,
      ).toBe(404);
      expect(
        (
          await servePlay(
            new Request(`vq-media://play/${sessionId}/master.m3u8`, { method: 'POST' }),
            open,
          )
        ).status,
      ).toBe(405);
    } finally {
      core.close();
    }
  }, 60_000);
});
