/**
 * Joins the encoded chunks of one rung into its rendition: ffmpeg's concat demuxer reads the
 * chunks one after another (shifting each one's timestamps to follow the one before) and the video
 * is stream-copied, never encoded again. The source's audio, which chunks do not carry, is encoded
 * once here with the rung's audio settings and muxed in the same process, into the rung's
 * container with the same muxer options as a one-pass encode.
 */
import fsp from 'node:fs/promises';
import path from 'node:path';
import {
  GLOBAL_ARGS,
  rungAudioArgs,
  rungContainerArgs,
  type CommandInput,
  type PlannedRung,
} from '../../../../shared/encodePlan';
import { VqError } from '../../../../shared/errors';
import { ffmpegInputUrl, fileInputArgs } from '../../../../shared/ffmpegInput';
import { lastLines, runTool } from '../../ffmpeg/process';

/** Options of {@link joinChunks}. */
export interface JoinChunksOptions {
  ffmpeg: string;
  /** The chunk files in order. */
  chunks: string[];
  /** The title the chunks were encoded from (its audio is used). */
  source: CommandInput;
  /** The rung the chunks were encoded with (audio and container). */
  rung: PlannedRung;
  /** Where the joined file goes: a temporary name the caller renames once it is checked. */
  output: string;
  signal?: AbortSignal;
}

/**
 * Writes the joined file. The chunk list is written next to the output and removed afterwards;
 * on failure the partial output is removed too. Throws a VqError (FFMPEG_FAILED, CANCELED,
 * INVALID_ARGS) saying what went wrong.
 */
export async function joinChunks(o: JoinChunksOptions): Promise<void> {
  // The concat demuxer logs a chunk it cannot open and ends the stream there, exiting 0.
  for (const chunk of o.chunks) await requireChunk(chunk);
  const list = `${o.output}.concat.txt`;
  await fsp.writeFile(list, concatList(o.chunks));
  try {
    const r = await runTool(o.ffmpeg, joinArgs(list, o), {
      purpose: 'encode',
      signal: o.signal,
      collectStdout: false,
    });
    if (r.canceled) throw new VqError('CANCELED', 'Joining the chunks was canceled.');
    // With -loglevel error anything on stderr is an error, even when ffmpeg exits 0.
    if (r.code !== 0 || r.stderrTail.trim() !== '') {
      throw new VqError(
        'FFMPEG_FAILED',
        `Joining ${o.chunks.length} chunks into ${path.basename(o.output)} failed (exit ${r.code ?? r.signal}): ${lastLines(r.stderrTail, 3)}`,
        'Chunks of one rendition must come from the same rung and source; encode the missing or damaged ones again.',
      );
    }
  } catch (err) {
    await fsp.rm(o.output, { force: true });
    throw err;
  } finally {
    await fsp.rm(list, { force: true });
  }
}

/** NOT_FOUND unless `chunk` is a file with data. */
async function requireChunk(chunk: string): Promise<void> {
  const size = await fsp.stat(chunk).then(
    (st) => (st.isFile() ? st.size : 0),
    () => null,
  );
  if (!size) {
    throw new VqError(
      'NOT_FOUND',
      `The chunk ${chunk} ${size === null ? 'does not exist' : 'is empty or not a file'}.`,
      'Encode that chunk again before joining.',
    );
  }
}

/** The ffmpeg arguments (no binary) that join the chunks listed in `listFile`. */
export function joinArgs(
  listFile: string,
  o: Pick<JoinChunksOptions, 'source' | 'rung' | 'output'>,
): string[] {
  const { rung } = o.rung;
  const withAudio = rung.audio.mode !== 'none';
  const args = [...GLOBAL_ARGS, '-f', 'concat', '-safe', '0', '-i', ffmpegInputUrl(listFile)];
  if (withAudio) args.push(...fileInputArgs(o.source.path, o.source));
  args.push('-map', '0:v:0');
  if (withAudio) args.push('-map', '1:a:0?');
  args.push('-c:v', 'copy');
  // As rungOutputArgs does: Apple players need HEVC in MP4 tagged hvc1.
  if (rung.encoder === 'libx265' && rung.container === 'mp4') args.push('-tag:v', 'hvc1');
  args.push(...rungAudioArgs(rung), ...rungContainerArgs(rung), o.output);
  return args;
}

/**
 * The concat demuxer's list: one `file '<path>'` line per chunk, each path absolute and quoted
 * (a `'` in a name is written `'\''`: close the quote, an escaped quote, open it again). A line
 * break cannot be written in the list, so a path with one is refused.
 */
export function concatList(chunks: readonly string[]): string {
  if (chunks.length === 0) throw new VqError('INVALID_ARGS', 'There are no chunks to join.');
  const lines = chunks.map((c) => {
    if (/[\r\n\0]/.test(c)) {
      throw new VqError(
        'INVALID_ARGS',
        `The chunk path ${JSON.stringify(c)} has a line break, which a concat list cannot hold.`,
        'Use a work folder whose name has no line breaks.',
      );
    }
    return `file '${ffmpegInputUrl(path.resolve(c)).replace(/'/g, "'\\''")}'`;
  });
  return `ffconcat version 1.0\n${lines.join('\n')}\n`;
}
