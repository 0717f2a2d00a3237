/**
 * Opens a library file for serving only when it is a regular file. A library row holds whatever
 * path was imported, and what is at that path can change. Opening is itself an action on some
 * files: a FIFO blocks `open()` in a libuv thread until a writer appears (a few such requests
 * stall every later file operation of the process), and opening a device can rewind a tape or
 * claim a terminal. So the path is stat'ed first and only a regular file is opened, with
 * O_NONBLOCK; then fstat on the opened descriptor must show the same file (device and inode), so a
 * swap between the stat and the open is refused instead of served.
 */
import fs from 'node:fs';

/** An opened regular file, or why there is none. */
export type RegularFile =
  | { ok: true; handle: fs.promises.FileHandle; size: number }
  | { ok: false; status: 403 | 404; message: string };

// Windows has no O_NONBLOCK (and no FIFOs in the file system); 0 leaves the flags unchanged there.
const NONBLOCK = fs.constants.O_NONBLOCK ?? 0;

function failure(err: unknown): RegularFile {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    return { ok: false, status: 404, message: 'The file is no longer on disk' };
  }
  // ENXIO: a socket; EISDIR on some systems; EACCES: not ours to read.
  return {
    ok: false,
    status: 403,
    message: `The library path cannot be served (${code ?? 'error'}): not a regular file or not readable`,
  };
}

/** What kind of non-regular file a stat describes, for the refusal. */
function kindOf(stat: fs.Stats): string {
  if (stat.isDirectory()) return 'a folder';
  if (stat.isFIFO()) return 'a FIFO';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  if (stat.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** Opens `file` for reading if it is a regular file; the caller closes the handle. */
export async function openRegularFile(file: string): Promise<RegularFile> {
  let before: fs.Stats;
  try {
    before = await fs.promises.stat(file);
  } catch (err) {
    return failure(err);
  }
  if (!before.isFile()) {
    return {
      ok: false,
      status: 403,
      message: `The library path is not a regular file (${kindOf(before)})`,
    };
  }
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(file, fs.constants.O_RDONLY | NONBLOCK);
  } catch (err) {
    return failure(err);
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile() || stat.dev !== before.dev || stat.ino !== before.ino) {
      await handle.close();
      return { ok: false, status: 403, message: 'The library path changed while it was opened' };
    }
    return { ok: true, handle, size: stat.size };
  } catch {
    await handle.close().catch(() => undefined);
    return { ok: false, status: 403, message: 'The library path cannot be read' };
  }
}
