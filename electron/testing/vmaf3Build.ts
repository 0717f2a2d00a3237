/**
 * Test helper (vitest and Playwright alike, so no test-runner imports): the FFmpeg 7.1.5 +
 * libvmaf 3.2.0 build in ../shared/toolchain, ready to run.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The FFmpeg 7.1.5 + libvmaf 3.2.0 test build, ready to run (see {@link sharedVmaf3Build}). */
export interface Vmaf3Build {
  dir: string;
  ffmpeg: string;
  ffprobe: string;
  /** libvmaf's own command-line tool: an independent reference. */
  vmaf: string;
  /** Environment for running its programs (process.env plus the library path it may need). */
  env: NodeJS.ProcessEnv;
}

let vmaf3: Vmaf3Build | null = null;

/**
 * The FFmpeg 7.1.5 + libvmaf 3.2.0 test build in ../shared/toolchain, used by path and never
 * copied. Its programs find libvmaf through RUNPATH `$ORIGIN/../lib` by the soname
 * `libvmaf.so.3`; where that symbolic link arrived as a small text file naming its target (a copy
 * that flattened links), the link is made again in a temporary folder put on LD_LIBRARY_PATH.
 * Throws, naming the build and how to get it, when it is missing or does not run: a test that
 * needs it fails, it never skips.
 */
export function sharedVmaf3Build(): Vmaf3Build {
  if (vmaf3) return vmaf3;
  const dir = path.resolve('../shared/toolchain/ffmpeg-7.1-vmaf-3.2');
  const bin = (name: string): string => path.join(dir, 'bin', name);
  const missing = (what: string): Error =>
    new Error(
      `The FFmpeg 7.1 + libvmaf 3.2 test build is not usable: ${what}. It lives beside the ` +
        'project in ../shared/toolchain/ffmpeg-7.1-vmaf-3.2 (its README and build.sh say how to ' +
        'rebuild it) and needs the codec libraries `apt-get install ffmpeg` brings.',
    );
  for (const name of ['ffmpeg', 'ffprobe', 'vmaf']) {
    try {
      fs.accessSync(bin(name), fs.constants.X_OK);
    } catch {
      throw missing(`${bin(name)} is not an executable`);
    }
  }
  const env: NodeJS.ProcessEnv = { ...process.env };
  const lib = path.join(dir, 'lib');
  const soname = path.join(lib, 'libvmaf.so.3');
  if (fs.existsSync(soname) && !fs.lstatSync(soname).isSymbolicLink()) {
    const target = fs.readFileSync(soname, 'utf8').trim();
    if (fs.statSync(soname).size < 64 && /^libvmaf\.so[\w.]*$/.test(target)) {
      const links = fs.mkdtempSync(path.join(os.tmpdir(), 'vq-libvmaf3-'));
      process.once('exit', () => fs.rmSync(links, { recursive: true, force: true }));
      fs.symlinkSync(path.join(lib, target), path.join(links, 'libvmaf.so.3'));
      env.LD_LIBRARY_PATH = [links, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':');
    }
  }
  const r = spawnSync(bin('ffmpeg'), ['-hide_banner', '-version'], { env, encoding: 'utf8' });
  if (r.status !== 0) throw missing(`\`ffmpeg -version\` failed: ${(r.stderr || '').trim()}`);
  vmaf3 = { dir, ffmpeg: bin('ffmpeg'), ffprobe: bin('ffprobe'), vmaf: bin('vmaf'), env };
  return vmaf3;
}
