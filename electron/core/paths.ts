/** Where VQ Studio keeps its data when run without Electron (CLI and `vq serve`). */
import os from 'node:os';
import path from 'node:path';

/**
 * `VQ_DATA_DIR` when set; else the OS data directory: `$XDG_DATA_HOME/vq-studio` (Linux),
 * `~/Library/Application Support/VQ Studio` (macOS), `%APPDATA%\VQ Studio` (Windows).
 * Electron passes `app.getPath('userData')` instead, unless VQ_DATA_DIR is set.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.VQ_DATA_DIR) return path.resolve(env.VQ_DATA_DIR);
  const home = os.homedir();
  switch (process.platform) {
    case 'darwin':
      return path.join(home, 'Library', 'Application Support', 'VQ Studio');
    case 'win32':
      return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'VQ Studio');
    default:
      return path.join(env.XDG_DATA_HOME ?? path.join(home, '.local', 'share'), 'vq-studio');
  }
}

/** The folder a score job keeps its libvmaf/psnr/ssim logs in (kept with the results). */
export function scoreLogDir(dataDir: string, jobId: string): string {
  return path.join(dataLayout(dataDir).scores, jobId);
}

/** The folders inside a data dir. */
export function dataLayout(dataDir: string): {
  db: string;
  cache: string;
  thumbs: string;
  renditions: string;
  scores: string;
} {
  return {
    db: path.join(dataDir, 'library.db'),
    cache: path.join(dataDir, 'cache'),
    thumbs: path.join(dataDir, 'cache', 'thumbs'),
    renditions: path.join(dataDir, 'renditions'),
    /** Logs of every score job (libvmaf JSON, psnr/ssim stats), one folder per job. */
    scores: path.join(dataDir, 'scores'),
  };
}
