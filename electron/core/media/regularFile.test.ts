import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useTempDirs } from '../../testing/tempDir';
import { openRegularFile } from './regularFile';

// Opening is itself an action on a device (a tape rewinds, a terminal is claimed) and blocks on a
// FIFO, so only a path that stat shows as a regular file may be opened (issue 10, item 6). The
// spy records the real open() calls (and passes them through); what each path is comes from the
// real file system.
const tempDir = useTempDirs('vq-regular-');

afterEach(() => vi.restoreAllMocks());

function spyOnOpen(): string[] {
  const opened: string[] = [];
  const real = fs.promises.open.bind(fs.promises);
  vi.spyOn(fs.promises, 'open').mockImplementation((file, ...rest) => {
    opened.push(String(file));
    return real(file, ...rest);
  });
  return opened;
}

describe('openRegularFile', () => {
  it('opens a regular file and gives its size', async () => {
    const file = path.join(tempDir(), 'clip.mp4');
    fs.writeFileSync(file, 'x'.repeat(1234));
    const opened = spyOnOpen();
    const r = await openRegularFile(file);
    expect(r.ok && r.size).toBe(1234);
    if (r.ok) await r.handle.close();
    expect(opened).toEqual([file]);
  });

  it('says 404 for a path that is gone', async () => {
    const r = await openRegularFile(path.join(tempDir(), 'missing.mp4'));
    expect(r).toMatchObject({ ok: false, status: 404 });
  });

  it('refuses devices, a FIFO, a folder and a socket by stat, without ever opening them', async () => {
    const dir = tempDir();
    const fifo = path.join(dir, 'fifo.mp4');
    execFileSync('mkfifo', [fifo]);
    const socketPath = path.join(dir, 'sock.mp4');
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    const devices = ['/dev/zero', '/dev/null', '/dev/tty', '/dev/full'].filter((d) =>
      fs.existsSync(d),
    );
    expect(devices.length).toBeGreaterThan(0);
    const opened = spyOnOpen();
    try {
      for (const file of [...devices, fifo, dir, socketPath]) {
        const r = await openRegularFile(file);
        expect(r, file).toMatchObject({ ok: false, status: 403 });
        expect(!r.ok && r.message, file).toMatch(/not a regular file/);
      }
      expect(opened).toEqual([]);
    } finally {
      server.close();
    }
  });

  it('refuses a symbolic link to a device by what it points at', async () => {
    const link = path.join(tempDir(), 'link.mp4');
    fs.symlinkSync('/dev/zero', link);
    const opened = spyOnOpen();
    expect(await openRegularFile(link)).toMatchObject({ ok: false, status: 403 });
    expect(opened).toEqual([]);
  });

  it('refuses a file swapped for another between the stat and the open', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'clip.mp4');
    const other = path.join(dir, 'other.mp4');
    fs.writeFileSync(file, 'checked');
    fs.writeFileSync(other, 'swapped in');
    const real = fs.promises.open.bind(fs.promises);
    // The swap happens in the gap, as another process could do it: a real rename onto the path.
    vi.spyOn(fs.promises, 'open').mockImplementation((p, ...rest) => {
      fs.renameSync(other, file);
      return real(p, ...rest);
    });
    const r = await openRegularFile(file);
    expect(r).toMatchObject({ ok: false, status: 403 });
    expect(!r.ok && r.message).toMatch(/changed while it was opened/);
  });
});
