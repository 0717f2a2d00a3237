/**
 * `vq frame FILE --index N --out F.png [--size WxH] [--raw WxH:pix_fmt:fps]`: writes frame N
 * (0-based, presentation order) as an RGB PNG, decoded by the same frame server as the app.
 * Exit codes: 0 written, 1 failed (missing file, frame out of range, ffmpeg error), 2 usage error.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { RawVideoSpec } from '../../shared/media';
import { parseRawSpec } from '../../shared/rawSpec';
import { createCore } from '../core/core';
import { extractFrame } from '../core/frames';
import { dataLayout, defaultDataDir } from '../core/paths';
import { checkInputFile } from '../core/probe';
import { UsageError } from './usageError';

/** Runs `vq frame`; resolves to the exit code. */
export async function frameCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      index: { type: 'string' },
      out: { type: 'string' },
      size: { type: 'string' },
      raw: { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length !== 1) throw new UsageError('frame takes exactly one FILE');
  if (values.index === undefined) throw new UsageError('frame needs --index N (0-based)');
  if (!values.out) throw new UsageError('frame needs --out FILE.png');
  const index = parseIndexArg(values.index);
  if (index === null) throw new UsageError(`--index ${values.index}: not a whole number ≥ 0`);
  const size = values.size === undefined ? undefined : parseSizeArg(values.size);
  if (size === null) throw new UsageError(`--size ${values.size}: expected WxH, e.g. 1280x720`);
  const raw = rawOption(values.raw);
  const out = path.resolve(values.out);

  const dataDir = defaultDataDir();
  const core = createCore({ dataDir, host: { mode: 'web' }, queue: 'off' });
  try {
    const checked = await checkInputFile(positionals[0]!, { raw });
    const ffmpeg = await core.toolchain.binaryFor('decode');
    const png = await extractFrame({
      ffmpeg,
      input: checked.realPath,
      raw,
      index,
      size,
      format: 'png',
      // One ffmpeg for the frame; the file's frame index is shared with the app's disk cache.
      cacheDir: dataLayout(dataDir).cache,
    });
    writeAtomically(out, png);
    console.error(`vq: wrote frame ${index} of ${path.basename(checked.realPath)} to ${out}`);
    return 0;
  } finally {
    core.close();
  }
}

/** `--index` as a frame number, or null when it is not a whole number ≥ 0 (pure). */
export function parseIndexArg(text: string): number | null {
  if (!/^\d+$/.test(text)) return null;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : null;
}

/** `--size WxH` as a size, or null when malformed (pure). */
export function parseSizeArg(text: string): { width: number; height: number } | null {
  const m = /^(\d{1,5})x(\d{1,5})$/.exec(text);
  if (!m) return null;
  const width = Number(m[1]);
  const height = Number(m[2]);
  return width > 0 && height > 0 && width <= 16384 && height <= 16384 ? { width, height } : null;
}

function rawOption(text: string | undefined): RawVideoSpec | undefined {
  if (text === undefined) return undefined;
  const parsed = parseRawSpec(text);
  if (!parsed.ok) throw new UsageError(`--raw: ${parsed.message}`);
  return parsed.spec;
}

/** Temp name then rename, so a half-written PNG never sits at the requested name. */
function writeAtomically(file: string, data: Buffer): void {
  const tmp = `${file}.${process.pid}.part`;
  try {
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}
