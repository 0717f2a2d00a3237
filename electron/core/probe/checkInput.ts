/**
 * The checks that run before ffprobe, so the common mistakes (typo in a path, a folder, an empty
 * or unreadable file, raw video without its geometry) get a clear error instead of ffprobe's text.
 */
import { open, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { VqError } from '../../../shared/errors';
import type { RawVideoSpec } from '../../../shared/media';
import { looksRaw } from '../../../shared/rawSpec';

/** What the pre-checks found out about a file that passed them. */
export interface InputFileCheck {
  sizeBytes: number;
  /** The absolute path with symlinks resolved. */
  realPath: string;
}

/**
 * Maps a Node file-system error code to the VqError a person should see, or null when the code is
 * not one we explain (the caller rethrows the original). Pure so it is testable without faking
 * permissions: tests run as root, which can read any file.
 */
export function fsErrorToVqError(code: string | undefined, filePath: string): VqError | null {
  switch (code) {
    case 'ENOENT':
      return new VqError(
        'NOT_FOUND',
        `${filePath} does not exist.`,
        'Check the path for typos; the file may have been moved, renamed or deleted.',
      );
    case 'ENOTDIR':
      return new VqError(
        'NOT_FOUND',
        `${filePath} does not exist: a part of the path is a file, not a folder.`,
        'Check the folders in the path.',
      );
    case 'ELOOP':
      return new VqError(
        'NOT_FOUND',
        `${filePath} is a symbolic link that points to itself.`,
        'Fix or remove the link.',
      );
    case 'EISDIR':
      return isDirectoryError(filePath);
    case 'EACCES':
    case 'EPERM':
      return new VqError(
        'PERMISSION_DENIED',
        `You do not have permission to read ${filePath}.`,
        'Give your user read permission on the file (and its folders), or copy it somewhere you can read.',
      );
    case 'ENAMETOOLONG':
      return new VqError(
        'NOT_FOUND',
        `The path ${filePath} is too long for this system.`,
        'Move the file to a shorter path.',
      );
    default:
      return null;
  }
}

function isDirectoryError(filePath: string): VqError {
  return new VqError(
    'IS_DIRECTORY',
    `${filePath} is a folder, not a video file.`,
    'Choose a video file inside the folder.',
  );
}

/**
 * A `--raw` spec guessed from a file name such as "foo_320x192_12fps.yuv" or
 * "sparks_480x270.yuv420p10le.yuv", for the hint only: the person must confirm it.
 */
export function guessRawSpecText(fileName: string): string | null {
  const size = /(\d{2,5})x(\d{2,5})/i.exec(fileName);
  if (!size) return null;
  const fmt = /(yuv4[024]{2}p(?:1[026])?(?:le|be)?|nv12|nv21|gray(?:1[026]le)?|p010le)/i.exec(
    fileName,
  );
  const tenBit = /10le|10bit|10b\b/i.test(fileName);
  const pixFmt = fmt ? fmt[1]!.toLowerCase() : tenBit ? 'yuv420p10le' : 'yuv420p';
  const fps = /(\d+(?:\.\d+)?)\s*fps/i.exec(fileName);
  return `${size[1]}x${size[2]}:${pixFmt}${fps ? `:${fps[1]}` : ''}`;
}

/**
 * Checks that `filePath` is an existing, non-empty, readable regular file, and that raw video
 * comes with its geometry. Throws a VqError with a hint for each problem.
 */
export async function checkInputFile(
  filePath: string,
  opts: { raw?: RawVideoSpec } = {},
): Promise<InputFileCheck> {
  const shown = filePath;
  const abs = path.resolve(filePath);
  const fail = (err: unknown): never => {
    const mapped = fsErrorToVqError((err as NodeJS.ErrnoException)?.code, shown);
    throw mapped ?? err;
  };

  const st = await stat(abs).catch(fail);
  if (st.isDirectory()) throw isDirectoryError(shown);
  if (!st.isFile()) {
    // Opening a FIFO for reading blocks until a writer appears; devices and sockets are not media.
    throw new VqError(
      'NOT_MEDIA',
      `${shown} is not a regular file (it is a pipe, device or socket).`,
      'Choose a video file.',
    );
  }
  if (st.size === 0) {
    throw new VqError(
      'EMPTY_FILE',
      `${shown} is empty (0 bytes).`,
      'The file may still be being written or copied; wait for it to finish, or get it again.',
    );
  }
  // Open for reading rather than trusting mode bits: ACLs, network shares and sandboxes decide.
  const handle = await open(abs, 'r').catch(fail);
  await handle.close();

  if (!opts.raw && looksRaw(path.basename(abs))) {
    const guess = guessRawSpecText(path.basename(abs));
    throw new VqError(
      'RAW_NEEDS_FORMAT',
      `${shown} is raw video without a header: its size, pixel format and frame rate must be given.`,
      `Pass --raw WxH:pix_fmt[:fps]${guess ? `, perhaps --raw ${guess}` : ', e.g. --raw 1920x1080:yuv420p:25'}.`,
    );
  }
  const real = await realpath(abs).catch(fail);
  return { sizeBytes: st.size, realPath: real };
}
