import { describe, it, expect } from 'vitest';
import {
  aspectOrNull,
  displayRotation,
  formatLevel,
  hdrOf,
  intervalsVary,
  mergeHiddenFrames,
  normaliseDegrees,
  parseClockDuration,
  rateOrNull,
  ratesDiffer,
  rawFrameBytes,
  tagValue,
  toNumber,
} from './facts';
import { PacketTally } from './packets';
import { buildMediaInfo, describeStreams, pickVideoStream } from './build';
import { cutAfterIndex, parseFfprobeJson } from './probe';
import { FfprobeOutputSchema } from './schema';

describe('formatLevel', () => {
  it.each([
    ['h264', 31, '3.1'],
    ['h264', 40, '4'],
    ['h264', 52, '5.2'],
    ['h264', 9, '1b'],
    ['hevc', 120, '4'],
    ['hevc', 153, '5.1'],
    ['hevc', 150, '5'],
    ['hevc', 93, '3.1'],
    ['av1', 9, '4.1'],
    ['av1', 0, '2.0'],
    ['av1', 31, 'max'],
    ['vvc', 67, '4.1'],
    ['vvc', 80, '5'],
    ['mpeg2video', 8, 'Main'],
    ['vp9', -99, null],
    ['rawvideo', -99, null],
    ['mpeg4', 3, '3'],
  ] as const)('%s level %d → %s', (codec, level, want) => {
    expect(formatLevel(codec, level)).toBe(want);
  });
  it('gives null for a missing level', () => {
    expect(formatLevel('h264', null)).toBeNull();
  });
});

describe('displayRotation', () => {
  const matrix = (rotation: number | string) => [{ side_data_type: 'Display Matrix', rotation }];
  it('turns ffprobe counter-clockwise matrix angles into clockwise display rotation', () => {
    expect(displayRotation(matrix(-90), null)).toBe(90);
    expect(displayRotation(matrix(90), null)).toBe(270);
    expect(displayRotation(matrix(180), null)).toBe(180);
    expect(displayRotation(matrix(-180), null)).toBe(180);
    expect(displayRotation(matrix('-90.00'), null)).toBe(90);
    expect(displayRotation(matrix(0), null)).toBe(0);
  });
  it('reads the legacy rotate tag (already clockwise) when there is no matrix', () => {
    expect(displayRotation(null, { rotate: '90' })).toBe(90);
    expect(displayRotation([], { ROTATE: '270' })).toBe(270);
    expect(displayRotation(undefined, {})).toBe(0);
  });
  it('prefers the display matrix over the tag', () => {
    expect(displayRotation(matrix(-90), { rotate: '180' })).toBe(90);
  });
  it('folds any angle into 0..359', () => {
    expect(normaliseDegrees(-0)).toBe(0);
    expect(Object.is(normaliseDegrees(-360), 0)).toBe(true);
    expect(normaliseDegrees(450)).toBe(90);
    expect(normaliseDegrees(-45.5)).toBe(314.5);
  });
});

describe('small value helpers', () => {
  it('parses numbers and N/A', () => {
    expect(toNumber('1.5')).toBe(1.5);
    expect(toNumber(7)).toBe(7);
    expect(toNumber('N/A')).toBeNull();
    expect(toNumber('')).toBeNull();
    expect(toNumber(undefined)).toBeNull();
  });
  it('treats 0:1 and N/A aspect ratios as unset', () => {
    expect(aspectOrNull('0:1')).toBeNull();
    expect(aspectOrNull('N/A')).toBeNull();
    expect(aspectOrNull('128:117')).toBe('128:117');
  });
  it('treats 0/0 rates as unset', () => {
    expect(rateOrNull('0/0')).toBeNull();
    expect(rateOrNull('30000/1001')).toBe('30000/1001');
  });
  it('maps transfer characteristics to HDR kinds', () => {
    expect(hdrOf('smpte2084')).toBe('pq');
    expect(hdrOf('arib-std-b67')).toBe('hlg');
    expect(hdrOf('bt709')).toBeNull();
    expect(hdrOf(null)).toBeNull();
  });
  it('finds tags case-insensitively', () => {
    expect(tagValue({ ENCODER: 'Lavf56' }, 'encoder')).toBe('Lavf56');
    expect(tagValue({ encoder: '' }, 'encoder')).toBeNull();
  });
  it('parses Matroska DURATION tags', () => {
    expect(parseClockDuration('00:00:00.120000000')).toBe(0.12);
    expect(parseClockDuration('01:02:03.5')).toBe(3723.5);
    expect(parseClockDuration('00:00:03.003000000')).toBe(3.003);
    expect(parseClockDuration('junk')).toBeNull();
  });
  it('compares frame rates with a 0.5 % tolerance', () => {
    expect(ratesDiffer('30/1', '140000/5087')).toBe(true); // hdr10-video-with-sdr-container
    expect(ratesDiffer('60/1', '810000/13487')).toBe(false); // portrait_4k60: 0.1 %
    expect(ratesDiffer('25/1', '0/0')).toBe(false);
  });
});

describe('rawFrameBytes', () => {
  it('knows the common layouts, rounding chroma up for odd sizes', () => {
    expect(rawFrameBytes({ width: 320, height: 192, pixFmt: 'yuv420p' })).toBe(92160);
    expect(rawFrameBytes({ width: 480, height: 270, pixFmt: 'yuv420p10le' })).toBe(388800);
    expect(rawFrameBytes({ width: 33, height: 17, pixFmt: 'yuv420p' })).toBe(33 * 17 + 2 * 17 * 9);
    expect(rawFrameBytes({ width: 4, height: 4, pixFmt: 'gray' })).toBe(16);
    expect(rawFrameBytes({ width: 4, height: 4, pixFmt: 'yuv444p12le' })).toBe(96);
    expect(rawFrameBytes({ width: 4, height: 4, pixFmt: 'xyz12le' })).toBeNull();
  });
});

describe('frame timing', () => {
  it('folds hidden VP9 frames into the frame that shows them', () => {
    // The start of roadtrip-vp92-10bit.webm (ms): an alt-ref at 41 and its frame at 42, and two at 542.
    const pts = [0, 41, 42, 83, 125, 167, 209, 250, 292, 334, 375, 417, 459, 501, 542, 542, 584];
    expect(mergeHiddenFrames(pts)).toEqual([
      0, 41, 83, 125, 167, 209, 250, 292, 334, 375, 417, 459, 501, 542, 584,
    ]);
  });
  it('does not flag millisecond rounding or camera jitter as VFR', () => {
    const mkv2997 = Array.from({ length: 100 }, (_, i) => Math.round((i * 1000) / 29.97));
    expect(intervalsVary(mkv2997)).toBe(false);
    // portrait_4k60.mp4 intervals in 1/90000 ticks.
    const jitter = [1499, 1498, 1552, 1446, 1445, 1499, 1498, 1499, 1552, 1498];
    const pts = jitter.reduce<number[]>((acc, d) => [...acc, acc[acc.length - 1]! + d], [0]);
    expect(intervalsVary(pts)).toBe(false);
  });
  it('flags dropped frames and mixed rates as VFR', () => {
    // hdr10-video-with-sdr-container.mp4: 2997-tick frames with gaps of 4649 and 8992.
    const deltas = [2997, 2997, 2998, 4649, 2997, 2997, 8992, 2997, 2998];
    const pts = deltas.reduce<number[]>((acc, d) => [...acc, acc[acc.length - 1]! + d], [0]);
    expect(intervalsVary(pts)).toBe(true);
    const mixed = [0, 40, 80, 120, 153, 186, 219, 252];
    expect(intervalsVary(mixed)).toBe(true);
    expect(intervalsVary([0, 40])).toBe(false);
  });
});

describe('PacketTally', () => {
  it('counts packets, bytes, the furthest byte and timestamps', () => {
    const t = new PacketTally();
    t.addLine('pts=0|size=100|pos=48');
    t.addLine('pts=40|size=50|pos=148');
    t.addLine('');
    t.addLine('pts=80|size=10|pos=198');
    const s = t.summary('h264');
    expect(s).toEqual({
      packets: 3,
      frames: 3,
      bytes: 160,
      lastEnd: 208,
      hasTimestamps: true,
      intervalsVary: false,
    });
  });
  it('handles elementary streams without timestamps or positions', () => {
    const t = new PacketTally();
    t.addLine('pts=N/A|size=100|pos=N/A');
    t.addLine('pts=N/A|size=100|pos=N/A');
    expect(t.summary('h264')).toMatchObject({
      packets: 2,
      frames: 2,
      lastEnd: null,
      hasTimestamps: false,
    });
  });
});

describe('ffprobe JSON validation', () => {
  it('rejects output that is not JSON or has the wrong shape', () => {
    expect(() => parseFfprobeJson('not json')).toThrow(
      expect.objectContaining({ code: 'FFMPEG_FAILED' }),
    );
    expect(() => parseFfprobeJson('{"streams":[{"index":"zero"}]}')).toThrow(
      expect.objectContaining({ code: 'FFMPEG_FAILED' }),
    );
  });
  it('accepts numbers printed as strings and missing fields', () => {
    const doc = parseFfprobeJson(
      '{"streams":[{"index":0,"codec_type":"video","width":"64"}],"format":{}}',
    );
    expect(doc.streams[0]!.width).toBe('64');
  });
});

describe('buildMediaInfo', () => {
  const doc = FfprobeOutputSchema.parse({
    streams: [
      {
        index: 0,
        codec_type: 'video',
        codec_name: 'mjpeg',
        disposition: { attached_pic: 1 },
        width: 64,
        height: 64,
      },
      {
        index: 1,
        codec_type: 'audio',
        codec_name: 'aac',
        channels: 2,
        sample_rate: '48000',
        tags: { language: 'und' },
      },
      {
        index: 2,
        codec_type: 'video',
        codec_name: 'h264',
        width: 640,
        height: 360,
        pix_fmt: 'yuv420p',
        r_frame_rate: '25/1',
        avg_frame_rate: '25/1',
        level: 31,
        tags: { DURATION: '00:00:02.000000000' },
      },
    ],
    format: { format_name: 'matroska,webm', duration: 'N/A', tags: { TITLE: 'A clip' } },
  });
  it('skips cover art and falls back for missing durations and bit rates', () => {
    const packets = {
      packets: 50,
      frames: 50,
      bytes: 250_000,
      lastEnd: 260_000,
      hasTimestamps: true,
      intervalsVary: false,
    };
    const info = buildMediaInfo({
      absPath: '/x/a.mkv',
      sizeBytes: 300_000,
      doc,
      raw: null,
      packets,
    });
    expect(info.video.index).toBe(2);
    expect(info.video.level).toBe('3.1');
    expect(info.video.frameCount).toBe(50);
    expect(info.video.frameCountSource).toBe('counted');
    expect(info.video.durationSeconds).toBe(2);
    expect(info.video.bitrateKbps).toBe(1000);
    expect(info.durationSeconds).toBe(2);
    expect(info.bitrateKbps).toBe(1200);
    expect(info.audio).toEqual([
      {
        index: 1,
        codec: 'aac',
        channels: 2,
        channelLayout: null,
        sampleRate: 48000,
        bitrateKbps: null,
        language: null,
      },
    ]);
    expect(info.tags).toEqual({ title: 'A clip' });
  });
  it('reports the streams of a file without video', () => {
    const audioOnly = FfprobeOutputSchema.parse({ streams: [doc.streams[0], doc.streams[1]] });
    expect(describeStreams(audioOnly.streams)).toBe('1 cover image (mjpeg), 1 audio stream (aac)');
    expect(() => pickVideoStream(audioOnly, 'a.m4a')).toThrow(
      expect.objectContaining({ code: 'NO_VIDEO' }),
    );
  });
  it('does not call interlaced field rates VFR', () => {
    const interlaced = FfprobeOutputSchema.parse({
      streams: [
        {
          index: 0,
          codec_type: 'video',
          codec_name: 'h264',
          width: 1920,
          height: 1080,
          pix_fmt: 'yuv420p',
          r_frame_rate: '60000/1001',
          avg_frame_rate: '30000/1001',
          field_order: 'tt',
        },
      ],
    });
    const info = buildMediaInfo({
      absPath: '/x/i.ts',
      sizeBytes: 1,
      doc: interlaced,
      raw: null,
      packets: null,
    });
    expect(info.video.vfr).toBe(false);
    expect(info.video.frameCount).toBeNull();
    expect(info.video.frameCountSource).toBeNull();
  });
});

describe('cutAfterIndex', () => {
  it('flags fewer packets than the index promises when the data runs to the last byte', () => {
    expect(cutAfterIndex(132, { packets: 68, lastEnd: 633_501 }, 633_501)).toBe(true);
  });
  it('accepts complete files, hidden samples and files without an index', () => {
    expect(cutAfterIndex(132, { packets: 132, lastEnd: 1_049_322 }, 1_055_736)).toBe(false);
    expect(cutAfterIndex(132, { packets: 120, lastEnd: 900_000 }, 1_055_736)).toBe(false);
    expect(cutAfterIndex(null, { packets: 3, lastEnd: 100 }, 100)).toBe(false);
    expect(cutAfterIndex(10, { packets: 3, lastEnd: null }, 100)).toBe(false);
  });
});
