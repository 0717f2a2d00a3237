import { describe, expect, it } from 'vitest';
import { planLadder, type SourceGeometry } from './encodePlan';
import { aspectName, encodePreflight, expectedRendition } from './encodePreflight';
import type { Ladder, Rung } from './ladder';
import type { MediaInfo, VideoStreamInfo } from './media';
import { preflight } from './preflight';
import { PRESET_LADDERS } from './presets';

function media(v: Partial<VideoStreamInfo> = {}): MediaInfo {
  const video: VideoStreamInfo = {
    index: 0,
    codec: 'h264',
    codecLongName: null,
    profile: null,
    level: null,
    width: 1920,
    height: 1080,
    sar: '1:1',
    dar: null,
    rotation: 0,
    pixFmt: 'yuv420p',
    bitDepth: 8,
    rFrameRate: '30/1',
    avgFrameRate: '30/1',
    frameRate: 30,
    vfr: false,
    frameCount: 30,
    frameCountSource: 'counted',
    durationSeconds: 1,
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
    path: '/x/src.mp4',
    fileName: 'src.mp4',
    container: 'mov,mp4',
    containerLongName: null,
    sizeBytes: 1000,
    durationSeconds: 1,
    bitrateKbps: null,
    startTimeSeconds: 0,
    video,
    audio: [],
    raw: null,
    tags: {},
  };
}

const hdr10 = media({
  width: 720,
  height: 1280,
  pixFmt: 'yuv420p10le',
  bitDepth: 10,
  colorPrimaries: 'bt2020',
  colorTransfer: 'smpte2084',
  colorMatrix: 'bt2020nc',
  hdr: 'pq',
});

function geometry(m: MediaInfo): SourceGeometry {
  const v = m.video;
  return {
    width: v.width,
    height: v.height,
    sar: v.sar,
    rotation: v.rotation,
    frameRate: v.rFrameRate,
    hasAudio: false,
    hdr: v.hdr,
  };
}

const hls = PRESET_LADDERS[0]!.ladder;

function x265(l: Ladder): Ladder {
  return {
    ...l,
    rungs: l.rungs.map((r): Rung => ({
      ...r,
      encoder: 'libx265',
      preset: 'ultrafast',
      rateControl: { mode: 'crf', crf: 28 },
    })),
  };
}

describe('encodePreflight', () => {
  it('says nothing about a 16:9 SDR source encoded with a 16:9 ladder', () => {
    const src = media();
    expect(
      encodePreflight(src, planLadder(hls, geometry(src)), { scoreAfterEncode: null }),
    ).toEqual([]);
  });

  it('names the aspect a 3:2 source keeps, with the sizes it changes', () => {
    const src = media({ width: 720, height: 480 });
    const f = encodePreflight(src, planLadder(hls, geometry(src)), { scoreAfterEncode: null });
    expect(f.map((x) => x.id)).toEqual(['aspect-fitted']);
    expect(f[0]!.message).toMatch(
      /^3:2 source \(720×480\): rung sizes fitted to 3:2 \(416×234 → 352×234, 640×360 → 540×360/,
    );
  });

  it('says a portrait HDR10 source gets portrait rungs kept HDR, and which rungs asked for 8-bit', () => {
    const f = encodePreflight(hdr10, planLadder(x265(hls), geometry(hdr10)), {
      scoreAfterEncode: null,
    });
    const byId = Object.fromEntries(f.map((x) => [x.id, x]));
    expect(byId.portrait?.message).toContain(
      'Portrait 9:16 source (720×1280): rungs are turned to portrait',
    );
    expect(byId['hdr-kept']?.message).toContain(
      'renditions kept HDR — 10-bit, tagged BT.2020 primaries, PQ transfer (smpte2084)',
    );
    expect(byId['hdr-ten-bit']?.rungIds.length).toBeGreaterThan(0);
    // VMAF has no HDR model: the score pre-flight's warning, once for all renditions.
    expect(byId['score-hdr-no-model']?.rungIds).toEqual(byId['hdr-kept']?.rungIds);
  });

  it('warns that score after encode stops at tone-mapped renditions, by the score pre-flight’s own rule', () => {
    const plan = planLadder({ ...hls, hdr: 'tonemap' }, geometry(hdr10));
    const on = encodePreflight(hdr10, plan, { scoreAfterEncode: { vmaf: true, fixes: [] } });
    const mismatch = on.find((x) => x.id === 'score-hdr-sdr-mismatch')!;
    expect(mismatch.severity).toBe('warn');
    expect(mismatch.message).toMatch(
      /^Score after encode: The reference is HDR \(PQ\) and the other is SDR\..*unless a fix is chosen \(ignore-transfer\)/,
    );
    expect(on.find((x) => x.id === 'hdr-tonemapped')!.message).toContain(
      'tone-mapped to SDR BT.709',
    );
    // The fix chosen for score after encode resolves it: no longer a warning.
    const fixed = encodePreflight(hdr10, plan, {
      scoreAfterEncode: { vmaf: true, fixes: ['ignore-transfer'] },
    });
    expect(fixed.find((x) => x.id === 'score-hdr-sdr-mismatch')!.severity).toBe('info');
  });

  it('reports a frame-rate cap the score pre-flight would block, for the capped rungs only', () => {
    const src = media({ rFrameRate: '60/1', avgFrameRate: '60/1', frameRate: 60, frameCount: 60 });
    const l: Ladder = {
      ...hls,
      rungs: [
        { ...hls.rungs[0]!, fpsCap: 30 },
        { ...hls.rungs[1]!, fpsCap: null },
      ],
    };
    const f = encodePreflight(src, planLadder(l, geometry(src)), {
      scoreAfterEncode: { vmaf: true, fixes: [] },
    });
    expect(f.find((x) => x.id === 'score-fps-mismatch')?.rungIds).toEqual([hls.rungs[0]!.id]);
  });

  it('predicts the rendition as probe will see it, so the pair pre-flight is the real one', () => {
    const plan = planLadder(x265(hls), geometry(hdr10));
    const expected = expectedRendition(hdr10, plan.rungs[0]!);
    expect(expected.video).toMatchObject({
      width: 234,
      height: 416,
      sar: '1:1',
      pixFmt: 'yuv420p10le',
      bitDepth: 10,
      colorTransfer: 'smpte2084',
      hdr: 'pq',
    });
    expect(preflight(hdr10, expected, { vmaf: false }).map((x) => x.id)).toEqual(['upscale']);
  });

  it('names aspects as people do', () => {
    expect([
      aspectName(720, 480),
      aspectName(1080, 1920),
      aspectName(1920, 800),
      aspectName(853, 480),
    ]).toEqual(['3:2', '9:16', '12:5', '1.78:1']);
  });
});
