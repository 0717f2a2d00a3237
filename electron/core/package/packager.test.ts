import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PackageSummary } from '../../../shared/packaging';
import { keyframeTimes } from '../../testing/clips';
import { useTempDirs } from '../../testing/tempDir';
import { readInit } from './mp4Boxes';
import { packageLadder } from './packager';

// Packages real ladders (x264 from `vq encode`, and hand-made HEVC, AV1, VP9 and Matroska rungs)
// and checks them with tools that are not ours: ffprobe opens the HLS master, xmllint validates
// the MPD against the DASH schema subset the packager writes (dash-subset.xsd).
const tempDir = useTempDirs();
const XSD = path.resolve('electron/core/package/dash-subset.xsd');

function vq(
  args: string[],
  dataDir: string,
): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.resolve('bin/vq.mjs'), ...args], {
    env: { ...process.env, VQ_DATA_DIR: dataDir },
    encoding: 'utf8',
    timeout: 180_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function xmllint(): string {
  const found = spawnSync('xmllint', ['--version']);
  if (found.error) {
    throw new Error(
      'This test validates the MPD with xmllint: sudo apt-get install libxml2-utils (Debian/Ubuntu), brew install libxml2 (macOS).',
    );
  }
  return 'xmllint';
}

/** A rendition of testsrc2 (+ a tone when `audio`), with the encoder arguments given. */
function rendition(
  dir: string,
  name: string,
  height: number,
  video: string[],
  audio = false,
  seconds = 8,
): string {
  const file = path.join(dir, name);
  execFileSync('ffmpeg', [
    ...[
      '-hide_banner',
      '-loglevel',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      `testsrc2=s=640x360:r=25:d=${seconds}`,
    ],
    ...(audio ? ['-f', 'lavfi', '-i', `sine=f=440:d=${seconds}`] : []),
    ...[
      '-vf',
      `scale=-2:${height}`,
      ...video,
      ...(audio ? ['-c:a', 'aac', '-b:a', '64k'] : ['-an']),
    ],
    file,
  ]);
  return file;
}

/** The error a packaging run ends with (an Error saying so when it packaged instead). */
function refusal(run: Promise<unknown>): Promise<Error & { code?: string }> {
  return run.then(
    () => new Error('packaged'),
    (e: unknown) => e as Error & { code?: string },
  );
}

const X264 = (gop: number): string[] => [
  '-c:v',
  'libx264',
  '-preset',
  'ultrafast',
  '-g',
  `${gop}`,
  '-keyint_min',
  `${gop}`,
  '-sc_threshold',
  '0',
];

interface Variant {
  uri: string;
  attrs: Record<string, string>;
}

function masterVariants(master: string): Variant[] {
  const lines = master.split('\n');
  const out: Variant[] = [];
  lines.forEach((l, i) => {
    if (!l.startsWith('#EXT-X-STREAM-INF:')) return;
    const attrs: Record<string, string> = {};
    for (const m of l.slice(18).matchAll(/([A-Z-]+)=("[^"]*"|[^,]*)/g))
      attrs[m[1]!] = m[2]!.replace(/^"|"$/g, '');
    out.push({ uri: lines[i + 1]!, attrs });
  });
  return out;
}

/** EXTINF durations and segment files of a media playlist. */
function mediaSegments(playlist: string): { seconds: number; file: string }[] {
  const lines = fs.readFileSync(playlist, 'utf8').split('\n');
  const out: { seconds: number; file: string }[] = [];
  lines.forEach((l, i) => {
    if (l.startsWith('#EXTINF:'))
      out.push({ seconds: Number(l.slice(8).split(',')[0]), file: lines[i + 1]! });
  });
  return out;
}

/** The highest bit rate of any one whole segment (bits/s): BANDWIDTH may not be below it. */
function peakOfSegments(playlist: string): number {
  const segs = mediaSegments(playlist);
  const full = segs.slice(0, -1).length > 0 ? segs.slice(0, -1) : segs;
  return Math.max(
    ...full.map(
      (s) => (fs.statSync(path.join(path.dirname(playlist), s.file)).size * 8) / s.seconds,
    ),
  );
}

describe('vq package', () => {
  it('packages a ladder from `vq encode` as HLS and DASH that ffprobe opens, cut on the GOP, BANDWIDTH ≥ the measured peak, the MPD valid', () => {
    const lint = xmllint();
    const dir = tempDir();
    const dataDir = path.join(dir, 'data');
    const source = path.join(dir, 'source.mp4');
    execFileSync('ffmpeg', [
      ...[
        '-hide_banner',
        '-loglevel',
        'error',
        '-f',
        'lavfi',
        '-i',
        'testsrc2=s=640x360:r=25:d=9',
        '-f',
        'lavfi',
        '-i',
        'sine=f=440:d=9',
      ],
      ...[
        '-c:v',
        'libx264',
        '-preset',
        'ultrafast',
        '-crf',
        '18',
        '-c:a',
        'aac',
        '-shortest',
        source,
      ],
    ]);
    const rung = (id: string, height: number, kbps: number): object => ({
      id,
      width: null,
      height,
      encoder: 'libx264',
      rateControl: {
        mode: 'abr',
        bitrateKbps: kbps,
        maxrateKbps: Math.round(kbps * 1.5),
        bufsizeKbps: kbps * 2,
      },
      preset: 'ultrafast',
      gopSeconds: 2,
      fixedGop: true,
      pixFmt: 'yuv420p',
      fpsCap: null,
      audio: { mode: 'aac', bitrateKbps: 96 },
      container: 'mp4',
    });
    const ladder = path.join(dir, 'ladder.json');
    fs.writeFileSync(
      ladder,
      JSON.stringify({
        id: 'pkg',
        name: 'Package test',
        rungs: [rung('180p', 180, 300), rung('270p', 270, 600), rung('360p', 360, 1200)],
      }),
    );
    const enc = vq(
      ['encode', source, '--ladder', ladder, '--out', path.join(dir, 'enc'), '--json'],
      dataDir,
    );
    expect(enc.code, enc.stderr).toBe(0);
    const manifest = path.join(
      (JSON.parse(enc.stdout) as { outDir: string }).outDir,
      'manifest.json',
    );
    const out = path.join(dir, 'pkg');
    const r = vq(['package', manifest, '--out', out, '--segment-seconds', '4', '--json'], dataDir);
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout) as PackageSummary;
    expect(summary.variants.map((v) => v.rungId)).toEqual(['180p', '270p', '360p']);
    expect(summary.audio?.codecs).toBe('mp4a.40.2');

    // ffprobe opens the master playlist and finds every variant, at its size.
    const probe = JSON.parse(
      execFileSync(
        'ffprobe',
        [
          '-v',
          'error',
          '-protocol_whitelist',
          'file',
          '-show_entries',
          'program=program_id:stream=codec_name,width,height',
          '-of',
          'json',
          path.join(out, 'master.m3u8'),
        ],
        { encoding: 'utf8' },
      ),
    ) as { programs: { streams: { codec_name: string; width?: number; height?: number }[] }[] };
    expect(probe.programs).toHaveLength(3);
    const heights = probe.programs
      .map((p) => p.streams.find((s) => s.codec_name === 'h264')!.height)
      .sort((a, b) => a! - b!);
    expect(heights).toEqual([180, 270, 360]);
    expect(probe.programs.every((p) => p.streams.some((s) => s.codec_name === 'aac'))).toBe(true);

    const master = fs.readFileSync(path.join(out, 'master.m3u8'), 'utf8');
    expect(master).toMatch(/#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio".*URI="audio\/index.m3u8"/);
    const variants = masterVariants(master);
    expect(variants).toHaveLength(3);
    const audioPeak = peakOfSegments(path.join(out, 'audio', 'index.m3u8'));
    for (const v of variants) {
      const playlist = path.join(out, v.uri);
      // Cut on the GOP: every segment but the last lasts 4 s, and starts on a keyframe.
      const segs = mediaSegments(playlist);
      expect(segs.slice(0, -1).map((s) => s.seconds)).toEqual([4, 4]);
      expect(segs.at(-1)!.seconds).toBeCloseTo(1, 3);
      const keys = keyframeTimes(playlist);
      for (const b of [0, 4, 8])
        expect(
          keys.some((k) => Math.abs(k - b) < 0.02),
          `${v.uri}: keyframe at ${b} s`,
        ).toBe(true);
      // BANDWIDTH is at least the peak of any segment (video plus audio), and AVERAGE-BANDWIDTH below it.
      expect(Number(v.attrs.BANDWIDTH)).toBeGreaterThanOrEqual(
        peakOfSegments(playlist) + audioPeak - 1,
      );
      expect(Number(v.attrs['AVERAGE-BANDWIDTH'])).toBeLessThanOrEqual(Number(v.attrs.BANDWIDTH));
      // CODECS, RESOLUTION and FRAME-RATE from the streams themselves.
      const init = readInit(fs.readFileSync(path.join(path.dirname(playlist), 'init.mp4')));
      expect(v.attrs.CODECS).toBe(`${init.codecs},mp4a.40.2`);
      expect(v.attrs.CODECS).toMatch(/^avc1\.(42|4d|64)[0-9a-f]{4},mp4a\.40\.2$/);
      expect(v.attrs['FRAME-RATE']).toBe('25.000');
    }
    expect(variants.map((v) => v.attrs.RESOLUTION)).toEqual(['320x180', '480x270', '640x360']);

    // The MPD validates against the schema subset, and names the same segments.
    const lintRun = spawnSync(lint, ['--noout', '--schema', XSD, path.join(out, 'manifest.mpd')], {
      encoding: 'utf8',
    });
    expect(lintRun.status, lintRun.stderr).toBe(0);
    const mpd = fs.readFileSync(path.join(out, 'manifest.mpd'), 'utf8');
    expect(mpd.match(/<Representation /g)).toHaveLength(4);
    expect(mpd).toContain('<S t="0" d="51200" r="1"/>');
    // ffmpeg's DASH demuxer (Debian's build has it, with libxml2) reads it too.
    const dashProbe = spawnSync(
      'ffprobe',
      [
        '-v',
        'error',
        '-protocol_whitelist',
        'file',
        '-show_entries',
        'stream=codec_name',
        '-of',
        'csv=p=0',
        path.join(out, 'manifest.mpd'),
      ],
      { encoding: 'utf8' },
    );
    expect(dashProbe.status, dashProbe.stderr).toBe(0);
    expect([...new Set(dashProbe.stdout.trim().split('\n').filter(Boolean))].sort()).toEqual([
      'aac',
      'h264',
    ]);
  }, 240_000);

  it('--align re-encodes a rung whose GOP does not fit the segments, from its source, and packages it', () => {
    const dir = tempDir();
    const dataDir = path.join(dir, 'data');
    const source = path.join(dir, 'source.mp4');
    execFileSync('ffmpeg', [
      ...['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=s=320x180:r=25:d=6'],
      ...['-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '18', source],
    ]);
    const rung = (id: string, gopSeconds: number): object => ({
      id,
      width: null,
      height: 180,
      encoder: 'libx264',
      rateControl: { mode: 'crf', crf: 30 },
      preset: 'ultrafast',
      gopSeconds,
      fixedGop: true,
      pixFmt: 'yuv420p',
      fpsCap: null,
      audio: { mode: 'none' },
      container: 'mp4',
    });
    const ladder = path.join(dir, 'ladder.json');
    fs.writeFileSync(
      ladder,
      JSON.stringify({ id: 'al', name: 'Align', rungs: [rung('gop2', 2), rung('gop3', 3)] }),
    );
    const enc = vq(
      ['encode', source, '--ladder', ladder, '--out', path.join(dir, 'enc'), '--json'],
      dataDir,
    );
    expect(enc.code, enc.stderr).toBe(0);
    const manifest = path.join(
      (JSON.parse(enc.stdout) as { outDir: string }).outDir,
      'manifest.json',
    );
    const refused = vq(
      ['package', manifest, '--out', path.join(dir, 'p1'), '--segment-seconds', '2'],
      dataDir,
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /rung "gop3": the segment length \(2 s\) is not a multiple of its GOP \(3 s, 75 frames\)/,
    );
    expect(refused.stderr).toContain('--align');
    const out = path.join(dir, 'p2');
    const r = vq(
      ['package', manifest, '--out', out, '--segment-seconds', '2', '--align', '--json'],
      dataDir,
    );
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout) as PackageSummary;
    const gop3 = summary.variants.find((v) => v.rungId === 'gop3')!;
    expect(gop3.sourceFile).toBe(path.join(out, 'aligned', 'gop3.mp4'));
    expect(keyframeTimes(gop3.sourceFile)).toEqual([0, 2, 4]);
    expect(gop3.segments.map((seg) => seg.d / gop3.timescale)).toEqual([2, 2, 2]);
    // The re-encode is among the package's commands: from the source, keyframes on the boundaries.
    const reencode = summary.commands.find((c) => c.includes('-force_key_frames'))!;
    expect(
      reencode.some((a) => a.endsWith(path.basename(source)) && a.includes(path.basename(dir))),
    ).toBe(true);
    expect(reencode).toContain('libx264');
    // The rung that fitted was not touched.
    expect(summary.variants.find((v) => v.rungId === 'gop2')!.sourceFile).not.toContain('aligned');
  }, 120_000);

  it('refuses renditions whose keyframes miss a segment boundary, naming the rung and why, and leaves nothing behind', async () => {
    const dir = tempDir();
    const good = rendition(dir, 'good.mp4', 180, X264(50));
    const odd = rendition(dir, 'odd.mp4', 270, X264(60));
    // Scene cuts allowed and a GOP of 4 s: keyframes where x264 likes them.
    const loose = rendition(dir, 'loose.mp4', 360, [
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-g',
      '100',
      '-keyint_min',
      '10',
      '-force_key_frames',
      '0,3.2',
    ]);
    const out = path.join(dir, 'pkg');
    const base = { ffmpeg: 'ffmpeg', ffprobe: 'ffprobe', outDir: out, hls: true, dash: true };
    const err = await refusal(
      packageLadder({
        ...base,
        renditions: [
          { rungId: '180p', path: good },
          { rungId: '270p-gop60', path: odd },
        ],
      }),
    );
    expect(err).toMatchObject({ code: 'GOPS_MISALIGNED' });
    expect(err.message).toMatch(
      /rung "270p-gop60": the segment length \(4 s\) is not a multiple of its GOP \(2\.4 s, 60 frames\)/,
    );
    expect(err.message).toMatch(/Their GOPs: 180p 2 s, 270p-gop60 2\.4 s/);
    const loose2 = await refusal(
      packageLadder({
        ...base,
        segmentSeconds: 2,
        renditions: [
          { rungId: '180p', path: good },
          { rungId: 'loose', path: loose },
        ],
      }),
    );
    expect(loose2).toMatchObject({ code: 'GOPS_MISALIGNED' });
    expect(loose2.message).toMatch(
      /rung "loose": no keyframe at 2 s \(the nearest: 0 s and 3\.2 s\), nor at 2 more segment boundaries/,
    );
    expect(loose2.message).not.toMatch(/rung "180p"/);
    // x265's default open GOPs: leading pictures need the segment before.
    const open = rendition(dir, 'open.mp4', 180, [
      '-c:v',
      'libx265',
      '-preset',
      'ultrafast',
      '-tag:v',
      'hvc1',
      '-x265-params',
      'log-level=error:keyint=50:min-keyint=50:scenecut=0',
    ]);
    const openErr = await refusal(
      packageLadder({
        ...base,
        segmentSeconds: 2,
        renditions: [{ rungId: 'hevc-open', path: open }],
      }),
    );
    expect(openErr).toMatchObject({ code: 'GOPS_MISALIGNED' });
    expect(openErr.message).toMatch(
      /rung "hevc-open": its GOPs are open \(pictures after the keyframe at 2 s are shown before it\)/,
    );
    fs.rmSync(open);
    // Nothing under the package's name, nor a half-written sibling.
    expect(fs.readdirSync(dir).sort()).toEqual(['good.mp4', 'loose.mp4', 'odd.mp4']);
    // A segment length that fits: packaged.
    const ok = await packageLadder({
      ...base,
      segmentSeconds: 4.8,
      renditions: [{ rungId: '270p', path: odd }],
    });
    expect(ok.segmentSeconds).toBe(4.8);
    // A folder with files in it is never written into.
    const again = await packageLadder({
      ...base,
      renditions: [{ rungId: '180p', path: good }],
    }).catch((e: unknown) => e);
    expect(again).toMatchObject({ code: 'OUTPUT_EXISTS' });
    expect(fs.existsSync(path.join(out, 'package.json'))).toBe(true);
  }, 120_000);

  it('reads codec strings from HEVC, AV1 and VP9 streams, and packages Matroska renditions (ffprobe path)', async () => {
    const dir = tempDir();
    const hevc = rendition(dir, 'hevc.mp4', 180, [
      '-c:v',
      'libx265',
      '-preset',
      'ultrafast',
      '-tag:v',
      'hvc1',
      '-x265-params',
      'log-level=error:keyint=50:min-keyint=50:scenecut=0:open-gop=0',
    ]);
    const av1 = rendition(dir, 'av1.mp4', 180, [
      '-c:v',
      'libsvtav1',
      '-preset',
      '12',
      '-g',
      '50',
      '-svtav1-params',
      'scd=0',
    ]);
    const vp9 = rendition(dir, 'vp9.webm', 180, [
      '-c:v',
      'libvpx-vp9',
      '-deadline',
      'realtime',
      '-cpu-used',
      '8',
      '-g',
      '50',
      '-keyint_min',
      '50',
    ]);
    const mkv = rendition(dir, 'x264.mkv', 180, X264(50), true);
    const summary = await packageLadder({
      ffmpeg: 'ffmpeg',
      ffprobe: 'ffprobe',
      outDir: path.join(dir, 'pkg'),
      hls: true,
      dash: true,
      segmentSeconds: 2,
      renditions: [
        { rungId: 'hevc', path: hevc },
        { rungId: 'av1', path: av1 },
        { rungId: 'vp9', path: vp9 },
        { rungId: 'mkv', path: mkv },
      ],
    });
    const codecs = Object.fromEntries(summary.variants.map((v) => [v.rungId, v.codecs]));
    // Main profile, Main tier: hvc1.1.6.L<level>.<constraint bytes>
    expect(codecs.hevc).toMatch(/^hvc1\.1\.6\.L\d+(\.[0-9A-F]{1,2})*$/);
    expect(codecs.av1).toMatch(/^av01\.0\.\d\dM\.08$/);
    expect(codecs.vp9).toMatch(/^vp09\.00\.\d\d\.08$/);
    expect(codecs.mkv).toMatch(/^avc1\.[0-9a-f]{6}$/);
    expect(summary.audio).toMatchObject({ codecs: 'mp4a.40.2', codec: 'aac' });
    for (const v of summary.variants) {
      expect(
        v.segments.map((s) => s.d / v.timescale),
        v.rungId,
      ).toEqual([2, 2, 2, 2]);
    }
    const lint = spawnSync(
      xmllint(),
      ['--noout', '--schema', XSD, path.join(dir, 'pkg', 'manifest.mpd')],
      { encoding: 'utf8' },
    );
    expect(lint.status, lint.stderr).toBe(0);
    // One adaptation set per codec: players switch within a set.
    expect(
      fs.readFileSync(path.join(dir, 'pkg', 'manifest.mpd'), 'utf8').match(/contentType="video"/g),
    ).toHaveLength(4);
  }, 180_000);
});
