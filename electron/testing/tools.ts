/**
 * Test helper: a program a test needs, found the way a person would find it (the `VQ_FFMPEG` /
 * `VQ_FFPROBE` override, else PATH). A missing one throws, naming it and how to get it: the test
 * fails, it never skips.
 */
import fs from 'node:fs';
import path from 'node:path';
import { exeName, splitPathList } from '../core/toolchain/discover';

const HOW_TO_GET: Readonly<Record<'ffmpeg' | 'ffprobe', string>> = {
  ffmpeg:
    'install it (Debian/Ubuntu: apt-get install ffmpeg; macOS: brew install ffmpeg) or set VQ_FFMPEG',
  ffprobe:
    'it comes with ffmpeg (Debian/Ubuntu: apt-get install ffmpeg; macOS: brew install ffmpeg), or set VQ_FFPROBE',
};

/** The path of `name`: `VQ_FFMPEG`/`VQ_FFPROBE` when set, else the first on PATH. */
export function requiredTool(
  name: 'ffmpeg' | 'ffprobe',
  {
    pathOnly = false,
  }: { /** Ignore VQ_FFMPEG/VQ_FFPROBE: the one on PATH. */ pathOnly?: boolean } = {},
): string {
  const override = pathOnly ? undefined : process.env[`VQ_${name.toUpperCase()}`];
  const candidates = override
    ? [override]
    : splitPathList(process.env.PATH ?? '', process.platform).map((dir) =>
        path.join(dir, exeName(name, process.platform)),
      );
  const found = candidates.find((f) => {
    try {
      fs.accessSync(f, fs.constants.X_OK);
      return fs.statSync(f).isFile();
    } catch {
      return false;
    }
  });
  if (!found) {
    throw new Error(
      `This test needs ${name}, and ${override ? `VQ_${name.toUpperCase()}=${override} is not a program` : `none is on PATH`}: ${HOW_TO_GET[name]}.`,
    );
  }
  return found;
}

/** `dir`, or an error naming what it is and where it should be when it is missing. */
export function requiredDir(dir: string, what: string): string {
  if (!fs.existsSync(dir))
    throw new Error(`This test needs ${what} at ${dir}, which does not exist.`);
  return dir;
}
