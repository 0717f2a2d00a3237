/** Checks that an output folder can be written, creating it first; a failure says why in words. */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { VqError } from '../../../shared/errors';

/**
 * A new folder for one batch inside `outDir`: `<ladder id>-<YYYYMMDD-HHMMSS>` in local time, with
 * `-2`, `-3`… when that name is taken. Offered when the output folder already holds renditions.
 */
export function freshBatchDir(outDir: string, ladderId: string, now = new Date()): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  const stamp =
    `${now.getFullYear()}${two(now.getMonth() + 1)}${two(now.getDate())}-` +
    `${two(now.getHours())}${two(now.getMinutes())}${two(now.getSeconds())}`;
  const base = path.join(outDir, `${ladderId.replace(/[^A-Za-z0-9._-]+/g, '_')}-${stamp}`);
  let dir = base;
  for (let n = 2; existsSync(dir); n++) dir = `${base}-${n}`;
  return dir;
}

/** Creates the folder (with parents) and writes and deletes a test file in it. */
export async function ensureWritableDir(dir: string): Promise<void> {
  try {
    await fs.mkdir(dir, { recursive: true });
    const probe = path.join(dir, `.vq-write-test-${randomBytes(4).toString('hex')}`);
    await fs.writeFile(probe, 'ok');
    await fs.rm(probe, { force: true });
  } catch (err) {
    throw new VqError('PERMISSION_DENIED', `The output folder ${dir} cannot be written: ${reason(err)}.`, 'Choose another output folder.');
  }
}

function reason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'the disk is read-only';
    case 'ENOSPC':
      return 'the disk is full';
    case 'ENOTDIR':
      return 'part of the path is a file, not a folder';
    case 'EEXIST':
      return 'a file with that name is in the way';
    default:
      return err instanceof Error ? err.message : String(err);
  }
}
