/**
 * Built-in ladders. Numbers and their sources: ../shared/reference/methods.md §4 (Apple HLS
 * Authoring Specification tables; Netflix's 2015 per-title post, Table 1).
 */
import type { Ladder, LadderEntry, Rung, SoftwareEncoder } from './ladder';
import { ENCODERS } from './ladder';

const base = {
  preset: null,
  gopSeconds: null,
  fixedGop: false,
  pixFmt: 'yuv420p',
  fpsCap: null,
  audio: { mode: 'none' },
  container: 'mp4',
} as const satisfies Partial<Rung>;

/** A bitrate rung with a VBV of maxrate 1.5× and bufsize 2× the average (Apple: peak ≤ 200 %). */
function abrRung(
  encoder: SoftwareEncoder,
  width: number,
  height: number,
  kbps: number,
  fpsCap: number | null,
): Rung {
  return {
    ...base,
    id: `${height}p-${kbps}k`,
    width,
    height,
    encoder,
    rateControl: {
      mode: 'abr',
      bitrateKbps: kbps,
      maxrateKbps: Math.round(kbps * 1.5),
      bufsizeKbps: kbps * 2,
    },
    preset: ENCODERS[encoder].defaultPreset,
    gopSeconds: 2,
    fixedGop: true,
    fpsCap,
    audio: { mode: 'aac', bitrateKbps: 128 },
  };
}

const HLS_H264: [number, number, number, number | null][] = [
  [416, 234, 145, 30],
  [640, 360, 365, 30],
  [768, 432, 730, 30],
  [768, 432, 1100, 30],
  [960, 540, 2000, null],
  [1280, 720, 3000, null],
  [1280, 720, 4500, null],
  [1920, 1080, 6000, null],
  [1920, 1080, 7800, null],
];

const HLS_HEVC: [number, number, number, number | null][] = [
  [640, 360, 145, 30],
  [768, 432, 300, 30],
  [960, 540, 600, 30],
  [960, 540, 900, 30],
  [960, 540, 1600, null],
  [1280, 720, 2400, null],
  [1280, 720, 3400, null],
  [1920, 1080, 4500, null],
  [1920, 1080, 5800, null],
  [2560, 1440, 8100, null],
  [3840, 2160, 11600, null],
  [3840, 2160, 16800, null],
];

const NETFLIX_2015: [number, number][] = [
  [240, 235],
  [288, 375],
  [384, 560],
  [384, 750],
  [480, 1050],
  [480, 1750],
  [720, 2350],
  [720, 3000],
  [1080, 4300],
  [1080, 5800],
];

function crfRung(encoder: SoftwareEncoder, height: number, crf: number): Rung {
  return {
    ...base,
    id: `${encoder.replace(/^lib/, '')}-${height}p-crf${crf}`,
    width: null,
    height,
    encoder,
    rateControl: { mode: 'crf', crf },
    preset: ENCODERS[encoder].defaultPreset,
    container: encoder === 'libvpx-vp9' ? 'webm' : 'mp4',
  };
}

const hlsH264: Ladder = {
  id: 'hls-h264',
  name: 'Apple HLS — H.264',
  description:
    'The H.264 variants of Apple’s HLS Authoring Specification (16:9, average bitrates, 2 s IDR interval, ≤ 30 fps below 540p).',
  rungs: HLS_H264.map(([w, h, k, fps]) => abrRung('libx264', w, h, k, fps)),
};

const hlsHevc: Ladder = {
  id: 'hls-hevc',
  name: 'Apple HLS — HEVC',
  description:
    'The SDR HEVC variants of Apple’s HLS Authoring Specification (30 fps column, 2 s IDR interval).',
  rungs: HLS_HEVC.map(([w, h, k, fps]) => abrRung('libx265', w, h, k, fps)),
};

const netflix2015: Ladder = {
  id: 'netflix-2015',
  name: 'Netflix 2015 fixed ladder (reconstructed)',
  description:
    'The classic fixed H.264 ladder from Netflix’s 2015 per-title post, reconstructed from secondary sources (the table in the post is an image). Heights as listed; widths follow the source’s aspect.',
  rungs: NETFLIX_2015.map(
    ([h, k]) =>
      ({
        ...abrRung('libx264', 0, h, k, null),
        width: null,
        audio: { mode: 'aac', bitrateKbps: 96 },
      }) as Rung,
  ),
};

const crfSweep: Ladder = {
  id: 'crf-sweep',
  name: 'CRF sweep (x264)',
  description:
    'Four resolutions × five CRF values with x264: the grid behind rate–quality curves and per-title ladders.',
  rungs: [1080, 720, 540, 360].flatMap((h) =>
    [18, 23, 28, 33, 38].map((crf) => crfRung('libx264', h, crf)),
  ),
};

const SHOOTOUT_CRF: Record<'libx264' | 'libx265' | 'libsvtav1' | 'libvpx-vp9', number[]> = {
  libx264: [20, 26, 32, 38],
  libx265: [22, 28, 34, 40],
  libsvtav1: [25, 35, 45, 55],
  'libvpx-vp9': [24, 34, 44, 54],
};

const codecShootout: Ladder = {
  id: 'codec-shootout',
  name: 'Codec shoot-out (x264 / x265 / SVT-AV1 / VP9)',
  description:
    'Each codec at 1080p and 720p over a CRF range chosen to span similar qualities, for BD-rate comparisons.',
  rungs: (Object.keys(SHOOTOUT_CRF) as (keyof typeof SHOOTOUT_CRF)[]).flatMap((enc) =>
    [1080, 720].flatMap((h) => SHOOTOUT_CRF[enc].map((crf) => crfRung(enc, h, crf))),
  ),
};

/** The built-in ladders, in the order they are listed. */
export const PRESET_LADDERS: readonly LadderEntry[] = [
  {
    ladder: hlsH264,
    builtIn: true,
    source: 'Apple HLS Authoring Specification for Apple Devices, bit-rate tables',
  },
  {
    ladder: hlsHevc,
    builtIn: true,
    source: 'Apple HLS Authoring Specification for Apple Devices, HEVC table (SDR, 30 fps)',
  },
  {
    ladder: netflix2015,
    builtIn: true,
    source: 'Netflix Tech Blog, “Per-Title Encode Optimization” (2015), Table 1 — reconstructed',
  },
  { ladder: crfSweep, builtIn: true },
  { ladder: codecShootout, builtIn: true },
];
