#!/usr/bin/env node
// `npm start`: builds the app, then starts the Electron app when its binary is installed, or
// otherwise serves the same UI in a browser (`vq serve`) and prints the URL to open.
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { installedElectron } from './electronBinary.mjs';

const root = path.resolve(import.meta.dirname, '..');
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';

const build = spawnSync(npx, ['electron-vite', 'build'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const electron = process.env.VQ_FORCE_WEB ? null : installedElectron();
if (electron) {
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE;
  const binding = await import('./electronSqlite.mjs').then((m) => m.prepareElectronSqlite(root));
  if (binding) env.VQ_SQLITE_NATIVE = binding;
  const child = spawn(electron, [root], { cwd: root, stdio: 'inherit', env });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  console.log(
    '\nNo Electron binary is installed (e.g. ELECTRON_SKIP_BINARY_DOWNLOAD=1), so VQ Studio runs in\n' +
      'your browser instead: the same UI, served by `vq serve` on this machine only.\n',
  );
  const args = ['bin/vq.mjs', 'serve', ...process.argv.slice(2)];
  const child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit' });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code) => process.exit(code ?? 0));
}
