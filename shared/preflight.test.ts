import { describe, expect, it } from 'vitest';
import type { MediaInfo, VideoStreamInfo } from './media';
import {
  displayAspect,
  eightBitTwin,
  frameCountOf,
  frameRateOf,
  looksAtPictures,
  preflight,
  resolvePair,
  scoringPixFmt,
  type FindingId,
} from './preflight';

function media(v: Partial<VideoStreamInfo> = {}, m: Partial<MediaInfo> = {}): MediaInfo {
  const video: VideoStreamInfo = {
    index: 0,
    codec: 'h264',
    codecLongName: null,
    profile: null,
    level: null,
    width: 1920,
    height: 1080,
    sar: '1:1',
    dar: '16:9',
    rotation: 0,
    pixFmt: 'yuv420p',
    bitDepth: 8,
    rFrameRate: '24/1',
    avgFrameRate: '24/1',
    frameRate: 24,
    vfr: false,
    frameCount: 240,
    frameCountSource: 'counted',
    durationSeconds: 10,
    bitrateKbps: 20000,
    colorRange: 'tv',
    colorPrimaries: 'bt709',
    colorTransfer: 'bt709',
    colorMatrix: 'bt709',
    hdr: null,
    fieldOrder: 'progressive',
    ...v,
  };
  return {
    path: '/x/ref.mp4',
    fileName: 'ref.mp4',
    container: 'mov,mp4',
    containerLongName: null,
    sizeBytes: 1000,
    durationSeconds: video.durationSeconds,
    bitrateKbps: null,
    startTimeSeconds: 0,
    video,
    audio: [],
    raw: null,
    tags: {},
    ...m,
  };
}

const ref = media();
const rendition = media({ width: 1280, height: 720, bitrateKbps: 3000 });

function ids(f: { id: FindingId }[]): FindingId[] {
  return f.map((x) => x.id);
}

describe('preflight', () => {
  it('a clean ladder rendition: only the upscale note', () => {
    const f = preflight(ref, rendition);
    expect(f).toEqual([expect.objectContaining({ id: 'upscale', severity: 'info', fixes: [] })]);
    expect(f[0]!.message).toContain('1280x720');
    expect(f[0]!.message).toContain('bicubic');
  });

  it('frame rate mismatch blocks, convert-fps resolves it and converts the distorted leg', () => {
    const d = media({ rFrameRate: '25/1', avgFrameRate: '25/1', frameRate: 25, frameCount: 250 });
    const f = preflight(ref, d);
    const fps = f.find((x) => x.id === 'fps-mismatch')!;
    expect(fps.severity).toBe('block');
    expect(fps.fixes).toEqual(['align-frames', 'convert-fps']);
    expect(fps.message).toMatch(/25 fps.*24 fps/);
    // 250 frames at 25 fps = 10 s = 240 frames at 24 fps: no length finding.
    expect(ids(f)).not.toContain('frames-mismatch');
    expect(resolvePair(ref, d, f, []).unresolved.map((x) => x.id)).toEqual(['fps-mismatch']);
    const r = resolvePair(ref, d, f, ['convert-fps']);
    expect(r.unresolved).toEqual([]);
    expect(r.applied).toEqual(['convert-fps']);
    expect(r.distortedTiming).toBe('convert');
    expect(r.referenceTiming).toBe('index');
    expect(r.frameRate).toBe('24/1');
    // Matched by pictures instead: the distorted leg picks its frames by number.
    const m = resolvePair(ref, d, f, ['align-frames']);
    expect(m.unresolved).toEqual([]);
    expect(m.distortedTiming).toBe('matched');
  });

  it('looks at the pictures when asked, or (auto) when the timing is off', () => {
    const d = media({ rFrameRate: '25/1', avgFrameRate: '25/1', frameCount: 60 });
    const off = preflight(ref, d);
    const same = preflight(ref, ref);
    expect(looksAtPictures(undefined, off, [])).toBe(true);
    expect(looksAtPictures('auto', same, [])).toBe(false);
    expect(looksAtPictures('on', same, [])).toBe(true);
    expect(looksAtPictures('off', off, [])).toBe(false);
    expect(looksAtPictures('off', off, ['align-frames'])).toBe(true);
    // Pairing by time, chosen, is how the person wants it.
    expect(looksAtPictures('auto', off, ['convert-fps'])).toBe(false);
  });

  it('29.97 written two ways is the same rate', () => {
    const a = media({ rFrameRate: '30000/1001', avgFrameRate: '30000/1001', frameRate: 29.97003 });
    const b = media({ rFrameRate: '2997/100', avgFrameRate: '2997/100', frameRate: 29.97 });
    expect(ids(preflight(a, b))).not.toContain('fps-mismatch');
    const c = media({ rFrameRate: '30/1', avgFrameRate: '30/1', frameRate: 30 });
    expect(ids(preflight(a, c))).toContain('fps-mismatch');
  });

  it('VFR warns and offers convert-fps; without it frames pair by position', () => {
    const d = media({ vfr: true, avgFrameRate: '24/1', rFrameRate: '24/1' });
    const f = preflight(ref, d);
    expect(f.find((x) => x.id === 'vfr')).toMatchObject({
      severity: 'warn',
      fixes: ['align-frames', 'convert-fps'],
    });
    expect(resolvePair(ref, d, f, []).distortedTiming).toBe('index');
    expect(resolvePair(ref, d, f, ['convert-fps']).distortedTiming).toBe('convert');
  });

  it('distorted shorter than the reference blocks; trim-to-shortest scores the overlap', () => {
    const d = media({ width: 1280, height: 720, frameCount: 200, durationSeconds: 200 / 24 });
    const f = preflight(ref, d);
    const len = f.find((x) => x.id === 'frames-mismatch')!;
    expect(len.severity).toBe('block');
    expect(len.message).toContain('distorted video is shorter');
    expect(len.message).toContain('240 frames');
    expect(len.message).toContain('200');
    expect(len.fixes).toEqual(['align-frames', 'trim-to-shortest']);
    const blocked = resolvePair(ref, d, f, []);
    expect(blocked.unresolved.map((x) => x.id)).toEqual(['frames-mismatch']);
    const r = resolvePair(ref, d, f, ['trim-to-shortest']);
    expect(r.unresolved).toEqual([]);
    expect(r.trimFrames).toBe(200);
    expect(r.expectedFrames).toBe(200);
  });

  it('a requested range inside both videos does not block; one beyond them does', () => {
    const d = media({ frameCount: 200, durationSeconds: 200 / 24 });
    expect(ids(preflight(ref, d, { startFrame: 10, frames: 100 }))).not.toContain(
      'frames-mismatch',
    );
    const f = preflight(ref, ref, { startFrame: 200, frames: 100 });
    expect(f.find((x) => x.id === 'range-too-long')?.severity).toBe('block');
    expect(
      resolvePair(ref, ref, f, ['trim-to-shortest'], { startFrame: 200, frames: 100 }).trimFrames,
    ).toBe(40);
  });

  it('a one-frame difference derived from durations is tolerated, an exact one is not', () => {
    const fromDuration = media({
      frameCount: null,
      frameCountSource: null,
      durationSeconds: 10.04,
    });
    expect(frameCountOf(fromDuration)).toEqual({ frames: 241, exact: false });
    expect(ids(preflight(ref, fromDuration))).not.toContain('frames-mismatch');
    expect(ids(preflight(ref, media({ frameCount: 241 })))).toContain('frames-mismatch');
  });

  it('start-time offset is explained, not blocked', () => {
    const d = media({}, { startTimeSeconds: 0.0833 });
    const f = preflight(ref, d);
    expect(f.find((x) => x.id === 'start-offset')).toMatchObject({ severity: 'info' });
    expect(f.find((x) => x.id === 'start-offset')!.message).toContain('setpts=PTS-STARTPTS');
  });

  it('range mismatch blocks with convert-range and force-range', () => {
    const d = media({ pixFmt: 'yuvj420p', colorRange: 'pc' });
    const f = preflight(ref, d);
    expect(f.find((x) => x.id === 'range-mismatch')).toMatchObject({
      severity: 'block',
      fixes: ['convert-range', 'force-range'],
    });
    expect(resolvePair(ref, d, f, ['convert-range']).rangeConversion).toEqual({
      from: 'pc',
      to: 'tv',
    });
    expect(resolvePair(ref, d, f, ['force-range']).forceRange).toBe('tv');
    // Unknown range on one side is not a mismatch.
    expect(ids(preflight(ref, media({ colorRange: null })))).not.toContain('range-mismatch');
  });

  it('matrix mismatch warns; bt470bg and smpte170m are the same matrix', () => {
    expect(
      preflight(ref, media({ colorMatrix: 'smpte170m' })).find((x) => x.id === 'matrix-mismatch'),
    ).toMatchObject({ severity: 'warn', fixes: ['convert-matrix'] });
    const a = media({ colorMatrix: 'bt470bg' });
    expect(ids(preflight(a, media({ colorMatrix: 'smpte170m' })))).not.toContain('matrix-mismatch');
    const d = media({ colorMatrix: 'smpte170m' });
    expect(resolvePair(ref, d, preflight(ref, d), ['convert-matrix']).matrixConversion).toEqual({
      from: 'smpte170m',
      to: 'bt709',
    });
  });

  it('HDR: no VMAF HDR model (warn); HDR against SDR blocks', () => {
    const hdr = media({
      pixFmt: 'yuv420p10le',
      bitDepth: 10,
      colorTransfer: 'smpte2084',
      hdr: 'pq',
    });
    const both = preflight(hdr, hdr);
    expect(both.find((x) => x.id === 'hdr-no-model')!.message).toContain('no HDR model');
    expect(ids(preflight(hdr, hdr, { vmaf: false }))).not.toContain('hdr-no-model');
    const mixed = preflight(hdr, media());
    expect(mixed.find((x) => x.id === 'hdr-sdr-mismatch')).toMatchObject({
      severity: 'block',
      fixes: ['ignore-transfer'],
    });
  });

  it('10-bit on a build with the libvmaf-10bit defect flags the 8-bit workaround', () => {
    const ten = media({ pixFmt: 'yuv420p10le', bitDepth: 10 });
    const f = preflight(ten, ten, { defects: ['libvmaf-10bit'] });
    const w = f.find((x) => x.id === 'libvmaf-10bit')!;
    expect(w.severity).toBe('warn');
    expect(w.message).toContain('yuv420p');
    expect(w.message).toContain('Netflix/vmaf#211');
    expect(ids(preflight(ten, ten))).not.toContain('libvmaf-10bit');
    expect(ids(preflight(ten, ten, { defects: ['libvmaf-10bit'], vmaf: false }))).not.toContain(
      'libvmaf-10bit',
    );
    expect(ids(preflight(ten, media()))).toContain('bit-depth-mismatch');
  });

  it('warns when reference and distorted look swapped (smaller, or same size and lower bit rate)', () => {
    const f = preflight(rendition, ref);
    expect(f.find((x) => x.id === 'maybe-swapped')).toMatchObject({ severity: 'warn' });
    expect(f.find((x) => x.id === 'maybe-swapped')!.message).toContain('swapped');
    expect(ids(f)).toContain('downscale');
    const lowRef = media({ bitrateKbps: 1000 });
    const highDist = media({ bitrateKbps: 8000 });
    expect(ids(preflight(lowRef, highDist))).toContain('maybe-swapped');
    expect(ids(preflight(highDist, lowRef))).not.toContain('maybe-swapped');
  });

  it('aspect mismatch warns; 854x480 against 16:9 does not', () => {
    expect(ids(preflight(ref, media({ width: 640, height: 480, sar: '1:1' })))).toContain(
      'aspect-mismatch',
    );
    expect(ids(preflight(ref, media({ width: 854, height: 480, sar: '1:1' })))).not.toContain(
      'aspect-mismatch',
    );
    expect(displayAspect({ width: 720, height: 576, sar: '64:45' })).toBeCloseTo(16 / 9, 6);
  });

  it('findings come most serious first', () => {
    const d = media({
      width: 1280,
      height: 720,
      frameCount: 100,
      rFrameRate: '25/1',
      avgFrameRate: '25/1',
      frameRate: 25,
    });
    const sev = preflight(ref, d).map((x) => x.severity);
    expect(sev).toEqual(
      [...sev].sort(
        (a, b) => ['block', 'warn', 'info'].indexOf(a) - ['block', 'warn', 'info'].indexOf(b),
      ),
    );
  });
});

describe('scoring formats and rates', () => {
  it('keeps formats libvmaf accepts and maps the others', () => {
    expect(scoringPixFmt('yuv444p')).toBe('yuv444p');
    expect(scoringPixFmt('yuv420p10le')).toBe('yuv420p10le');
    expect(scoringPixFmt('yuvj420p')).toBe('yuv420p');
    expect(scoringPixFmt('nv12')).toBe('yuv420p');
    expect(scoringPixFmt('p010le')).toBe('yuv420p10le');
    expect(scoringPixFmt('yuv420p12le')).toBe('yuv420p10le');
    expect(scoringPixFmt('rgb24')).toBe('yuv444p');
    expect(scoringPixFmt('gray')).toBe('yuv420p');
    expect(eightBitTwin('yuv444p10le')).toBe('yuv444p');
    expect(eightBitTwin('yuv420p')).toBe('yuv420p');
  });

  it('reads at r_frame_rate when it agrees with avg, else avg; raw at its given rate', () => {
    expect(frameRateOf(media({ rFrameRate: '30000/1001', avgFrameRate: '2997/100' }))?.text).toBe(
      '30000/1001',
    );
    // Interlaced H.264: r is the field rate.
    expect(frameRateOf(media({ rFrameRate: '50/1', avgFrameRate: '25/1' }))?.text).toBe('25/1');
    expect(
      frameRateOf(media({}, { raw: { width: 576, height: 324, pixFmt: 'yuv420p10le', fps: 24 } }))
        ?.text,
    ).toBe('24');
  });
});
