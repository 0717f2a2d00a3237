/**
 * What `vq crf-search` and `vq shot-encode` share around their work on one title: the `--raw`
 * spec, a core on the data folder (queue off), the title checked and probed (frames counted, so a
 * variable frame rate is found), Ctrl+C turned into a cancel (exit 130), and the core closed.
 */
import path from 'node:path';
import type { MediaInfo, RawVideoSpec } from '../../shared/media';
import { parseRawSpec } from '../../shared/rawSpec';
import { createCore, type Core } from '../core/core';
import { dataLayout, defaultDataDir } from '../core/paths';
import { checkInputFile, probeFile } from '../core/probe';
import { EXIT_CANCELED } from './encodeCommand';
import { UsageError } from './usageError';
import { abortOnCtrlC } from './ctrlC';

/** The title and what the work runs with. */
export interface TitleRun {
  core: Core;
  cacheDir: string;
  title: { path: string; raw: RawVideoSpec | null; media: MediaInfo };
  signal: AbortSignal;
}

/** Runs `work` on the title `file`; resolves to its exit code, or 130 after Ctrl+C. */
export async function runOnTitle(
  file: string,
  rawText: string | undefined,
  work: (run: TitleRun) => Promise<number>,
  /** 'own' runs the jobs `work` queues (on the shared queue's workers, with VQ_REDIS_URL). */
  queue: 'off' | 'own' = 'off',
): Promise<number> {
  let raw: RawVideoSpec | null = null;
  if (rawText !== undefined) {
    const parsed = parseRawSpec(rawText);
    if (!parsed.ok) throw new UsageError(`--raw: ${parsed.message}`);
    raw = parsed.spec;
  }
  const dataDir = defaultDataDir();
  const core = createCore({ dataDir, host: { mode: 'web' }, queue });
  const ctrlC = abortOnCtrlC();
  try {
    const checked = await checkInputFile(path.resolve(file), { raw: raw ?? undefined });
    const ffprobe = await core.toolchain.binaryFor('probe');
    // Frames counted (a pass over the packets, no decoding): samples and shots are placed by
    // them, and a variable frame rate is found.
    const media = await probeFile(checked.realPath, { ffprobe, raw: raw ?? undefined });
    return await work({
      core,
      cacheDir: dataLayout(dataDir).cache,
      title: { path: checked.realPath, raw, media },
      signal: ctrlC.signal,
    });
  } catch (err) {
    if (ctrlC.signal.aborted) return EXIT_CANCELED;
    throw err;
  } finally {
    ctrlC.release();
    core.close();
  }
}
