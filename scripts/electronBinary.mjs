// Where the Electron binary is, or null when it was never downloaded (ELECTRON_SKIP_BINARY_DOWNLOAD=1).
// Reads electron's path.txt directly: `require('electron')` in electron 45 starts a download when
// the binary is missing, which cannot succeed offline.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

/** The installed Electron executable, or null. */
export function installedElectron() {
  let pkgDir;
  try {
    pkgDir = path.dirname(require.resolve('electron/package.json'));
  } catch {
    return null;
  }
  const pathFile = path.join(pkgDir, 'path.txt');
  const exe = fs.existsSync(pathFile) ? fs.readFileSync(pathFile, 'utf8').trim() : null;
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const candidate = override ? path.join(override, exe ?? 'electron') : exe ? path.join(pkgDir, 'dist', exe) : null;
  return candidate && fs.existsSync(candidate) ? candidate : null;
}
