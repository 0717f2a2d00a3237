/**
 * A benchmark title of unlike scenes joined by hard cuts (target.bench.ts, perShot.bench.ts): each
 * scene made once, losslessly (x264 QP 0, 25 fps), from a filter graph over optional inputs; the
 * title cycles through them (every `step`-th scene next) to `seconds`, encoded at a high quality
 * (x264 veryfast at `crf`, constant 25 fps) as a mezzanine would be.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** A scene: its name, the ffmpeg inputs of its graph, and the graph (ending in `[v]`). */
export type Scene = [name: string, inputs: string[], graph: string];

/** A test media file in ../shared/testmedia, by its path there. */
export const testMedia = (rel: string): string => path.resolve('../shared/testmedia', rel);

/** Makes the title in `dir` (see the file comment); returns its path. */
export function mixedTitle(
  dir: string,
  o: { scenes: Scene[]; sceneSeconds: number; seconds: number; step: number; crf: number },
): string {
  const parts = o.scenes.map(([name, inputs, graph]) => {
    const file = path.join(dir, `${name}.mkv`);
    execFileSync('ffmpeg', [
      ...['-v', 'error', '-y', ...inputs, '-filter_complex', graph, '-map', '[v]'],
      ...['-r', '25', '-c:v', 'libx264', '-preset', 'ultrafast', '-qp', '0'],
      ...['-pix_fmt', 'yuv420p', file],
    ]);
    return file;
  });
  const list = path.join(dir, 'list.txt');
  fs.writeFileSync(
    list,
    Array.from(
      { length: Math.ceil(o.seconds / o.sceneSeconds) },
      (_, i) => `file '${parts[(i * o.step) % parts.length]}'`,
    ).join('\n'),
  );
  const title = path.join(dir, 'title.mp4');
  execFileSync('ffmpeg', [
    ...['-v', 'error', '-y', '-f', 'concat', '-safe', '0', '-i', list, '-t', String(o.seconds)],
    ...['-r', '25', '-c:v', 'libx264', '-preset', 'veryfast', '-crf', String(o.crf)],
    ...['-pix_fmt', 'yuv420p', title],
  ]);
  return title;
}
