/**
 * Test helper: a clip with hard scene cuts at known frames, made of different lavfi sources
 * (testsrc2, smptebars, mandelbrot, testsrc) of exact frame lengths joined by the concat filter.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';

/** Sources used in turn, one per scene; each differs from the next at every pixel. */
const SCENES = ['testsrc2', 'smptebars', 'mandelbrot', 'testsrc'] as const;

/** Options of {@link makeSceneClip}. */
export interface SceneClipOptions {
  /** Frames of each scene, in order (at most four scenes). */
  scenes: number[];
  width?: number;
  height?: number;
  fps?: number;
  /** Add a sine tone as AAC audio as long as the video. */
  audio?: boolean;
  name?: string;
  /** The ffmpeg binary (default: ffmpeg on PATH). */
  ffmpeg?: string;
  /** Keyframe interval in frames (default x264's, 250). */
  gop?: number;
}

/** A generated clip, its frame count and the frames where its scenes 2, 3, … start. */
export interface SceneClip {
  path: string;
  frames: number;
  cuts: number[];
}

/** Writes an H.264 (CRF 16) clip of the given scenes and returns where its cuts are. */
export function makeSceneClip(dir: string, o: SceneClipOptions): SceneClip {
  const { width = 640, height = 360, fps = 25, scenes } = o;
  if (scenes.length === 0 || scenes.length > SCENES.length) throw new Error('1 to 4 scenes');
  const file = path.join(dir, o.name ?? 'scenes.mp4');
  const labels = scenes.map((_, i) => `s${i}`);
  const graph =
    scenes
      .map(
        (frames, i) =>
          `${SCENES[i]}=s=${width}x${height}:r=${fps},trim=end_frame=${frames},setpts=PTS-STARTPTS,format=yuv420p[${labels[i]}]`,
      )
      .join(';') + `;${labels.map((l) => `[${l}]`).join('')}concat=n=${scenes.length}:v=1:a=0[v]`;
  const frames = scenes.reduce((a, b) => a + b, 0);
  const args = ['-hide_banner', '-loglevel', 'error', '-y'];
  if (o.audio) args.push('-f', 'lavfi', '-i', `sine=f=440:d=${frames / fps}`);
  args.push('-filter_complex', graph, '-map', '[v]');
  if (o.audio) args.push('-map', '0:a', '-c:a', 'aac');
  args.push('-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '16');
  if (o.gop) args.push('-g', String(o.gop));
  args.push(file);
  execFileSync(o.ffmpeg ?? 'ffmpeg', args);
  const cuts = scenes.slice(0, -1).map((_, i) => scenes.slice(0, i + 1).reduce((a, b) => a + b, 0));
  return { path: file, frames, cuts };
}

/** How one part of an edited clip turns into the next. */
export type Transition =
  | { kind: 'cut' }
  /** A cross-dissolve over this many frames (xfade: the parts overlap). */
  | { kind: 'dissolve'; frames: number }
  /** The part fades out to black over `frames`, the next fades in from black over `frames`. */
  | { kind: 'fade'; frames: number };

/** Moving lavfi sources for {@link makeEditedClip}: every frame differs from the one before. */
const MOVING = ['testsrc2', 'mandelbrot', 'testsrc', 'rgbtestsrc', 'smptehdbars'] as const;

/** An edited clip and where each part starts (the first frame showing it alone, or the first black-fade frame of it). */
export interface EditedClip {
  path: string;
  frames: number;
  /** First frame of each part after the first, in the joined clip. */
  partStarts: number[];
  /** Per transition, the frames [from, to) it spans in the joined clip (a cut spans one frame). */
  spans: { kind: Transition['kind']; from: number; to: number }[];
}

/**
 * Writes an H.264 (CRF 16) clip of parts of `frames` frames each, from different lavfi sources,
 * joined by the given transitions (one fewer than the parts).
 */
export function makeEditedClip(
  dir: string,
  o: {
    parts: number[];
    transitions: Transition[];
    width?: number;
    height?: number;
    fps?: number;
    name?: string;
    ffmpeg?: string;
  },
): EditedClip {
  const { width = 640, height = 360, fps = 25, parts, transitions } = o;
  if (parts.length < 1 || parts.length > MOVING.length)
    throw new Error(`1 to ${MOVING.length} parts`);
  if (transitions.length !== parts.length - 1) throw new Error('one transition between parts');
  const chains = parts.map(
    (frames, i) =>
      `${MOVING[i]}=s=${width}x${height}:r=${fps},trim=end_frame=${frames},setpts=PTS-STARTPTS,format=yuv420p,settb=1/${fps}[p${i}]`,
  );
  let joined = 'p0';
  let length = parts[0]!;
  const partStarts: number[] = [];
  const spans: EditedClip['spans'] = [];
  transitions.forEach((t, i) => {
    const next = `p${i + 1}`;
    const out = `j${i + 1}`;
    const frames = parts[i + 1]!;
    if (t.kind === 'cut') {
      chains.push(`[${joined}][${next}]concat=n=2:v=1:a=0,settb=1/${fps}[${out}]`);
      partStarts.push(length);
      spans.push({ kind: 'cut', from: length, to: length + 1 });
      length += frames;
    } else if (t.kind === 'dissolve') {
      const offset = (length - t.frames) / fps;
      chains.push(
        `[${joined}][${next}]xfade=transition=fade:duration=${t.frames / fps}:offset=${offset},settb=1/${fps}[${out}]`,
      );
      spans.push({ kind: 'dissolve', from: length - t.frames, to: length });
      partStarts.push(length);
      length += frames - t.frames;
    } else {
      const d = t.frames / fps;
      chains.push(
        `[${joined}]fade=t=out:st=${(length - t.frames) / fps}:d=${d}[o${i}]`,
        `[${next}]fade=t=in:st=0:d=${d}[n${i}]`,
        `[o${i}][n${i}]concat=n=2:v=1:a=0,settb=1/${fps}[${out}]`,
      );
      spans.push({ kind: 'fade', from: length - t.frames, to: length + t.frames });
      partStarts.push(length);
      length += frames;
    }
    joined = out;
  });
  const file = path.join(dir, o.name ?? 'edited.mp4');
  execFileSync(o.ffmpeg ?? 'ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-filter_complex',
    `${chains.join(';')};[${joined}]null[v]`,
    '-map',
    '[v]',
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-crf',
    '16',
    file,
  ]);
  return { path: file, frames: length, partStarts, spans };
}
