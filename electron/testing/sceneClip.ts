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
