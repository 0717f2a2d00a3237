// better-sqlite3 is a native addon: the copy in node_modules is built for Node (CLI, server,
// tests). Electron has its own ABI, so for `npm start` with Electron we build a second copy for
// Electron beside it and point the app at it (VQ_SQLITE_NATIVE → Database's nativeBinding option).
// Packaged apps do not need this: electron-builder rebuilds native modules for Electron.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

/** Returns the path of an Electron build of better_sqlite3.node, building it once if needed. */
export function prepareElectronSqlite(root) {
  const electronVersion = require('electron/package.json').version;
  const src = path.dirname(require.resolve('better-sqlite3/package.json'));
  const sqliteVersion = require('better-sqlite3/package.json').version;
  const dir = path.join(root, 'node_modules', '.cache', 'vq-electron-sqlite', `${sqliteVersion}-electron-${electronVersion}`);
  const binding = path.join(dir, 'build', 'Release', 'better_sqlite3.node');
  if (fs.existsSync(binding)) return binding;
  fs.rmSync(dir, { recursive: true, force: true });
  fs.cpSync(src, dir, { recursive: true, filter: (p) => !p.includes(`${path.sep}build${path.sep}`) });
  console.log(`Building better-sqlite3 for Electron ${electronVersion} (once)…`);
  const prebuilt = spawnSync('npx', ['prebuild-install', '--runtime', 'electron', '--target', electronVersion], { cwd: dir, stdio: 'inherit' });
  if (prebuilt.status !== 0 || !fs.existsSync(binding)) {
    const gyp = spawnSync(
      'npx',
      ['node-gyp', 'rebuild', '--release', `--target=${electronVersion}`, '--runtime=electron', '--dist-url=https://electronjs.org/headers'],
      { cwd: dir, stdio: 'inherit' },
    );
    if (gyp.status !== 0 || !fs.existsSync(binding)) {
      console.error('Could not build better-sqlite3 for Electron; the app will fail to open its database.');
      return null;
    }
  }
  return binding;
}
