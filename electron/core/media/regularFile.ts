/**
 * Opens a library file for serving only when it is a regular file. A library row holds whatever
 * path was imported, and what is at that path can change: a FIFO there would block `open()` in a
 * libuv thread until a writer appears, and a few such requests stall every later file operation
 * of the process. So the file is opened with O_NONBLOCK (a FIFO opens at once) and checked with
 * fstat on the opened descriptor, which also closes the gap between a stat and an open.
 */
import fs from 'node:fs';

/** An opened regular file, or why there is none. */
export type RegularFile =
  | { ok: true; handle: fs.promises.FileHandle; size: number }
  | { ok: false; status: 403 | 404; message: string };

// Windows has no O_NONBLOCK (and no FIFOs in the file system); 0 leaves the flags unchanged there.
const NONBLOCK = fs.constants.O_NONBLOCK ?? 0;

/** Opens `file` for reading if it is a regular file; the caller closes the handle. */
export async function openRegularFile(file: string): Promise<RegularFile> {
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(file, fs.constants.O_RDONLY | NONBLOCK);
  } catch (err) {
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
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) {
      await handle.close();
      return { ok: false, status: 403, message: 'The library path is not a regular file' };
    }
    return { ok: true, handle, size: stat.size };
  } catch {
    await handle.close().catch(() => undefined);
    return { ok: false, status: 403, message: 'The library path cannot be read' };
  }
}
