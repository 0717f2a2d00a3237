// What `npm test` needs that a fresh machine may lack, checked before anything runs: ffmpeg and
// ffprobe on PATH (Debian's, whose encoders the tests use), Chromium (the e2e suite's browser), the
// npm packages with the libvmaf build of @ffmpeg-installer, and what the workspace keeps beside the
// project in ../shared (VMAF models, test media, the FFmpeg 7.1 + libvmaf 3.2 build). The runner
// stops with one message naming what is missing and how to get it on this platform (apt-get on
// Debian/Ubuntu, Homebrew on macOS, winget or Chocolatey on Windows).
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/** The folders of a PATH-style list, empty entries dropped (`;`-separated on Windows). */
function pathDirs(env, platform) {
  return (env.PATH ?? '').split(platform === 'win32' ? ';' : ':').filter(Boolean);
}

function isExecutable(file) {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The first executable `name` (`name.exe` on Windows) in a folder of PATH, or null. */
export function findOnPath(name, env = process.env, platform = process.platform) {
  const file = platform === 'win32' ? `${name}.exe` : name;
  for (const dir of pathDirs(env, platform)) {
    const candidate = path.join(dir, file);
    if (isExecutable(candidate)) return candidate;
  }
  return null;
}

/**
 * The Chromium the e2e suite drives: VQ_CHROMIUM when it names a program, else `chromium`,
 * `chromium-browser` or `google-chrome` on PATH; null when there is none (a VQ_CHROMIUM naming no
 * program is not passed over for another). Debian's Chromium stands in for Playwright's own
 * browser download, which cannot happen offline.
 */
export function chromiumPath(env = process.env, platform = process.platform) {
  if (env.VQ_CHROMIUM) return isExecutable(env.VQ_CHROMIUM) ? env.VQ_CHROMIUM : null;
  for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
    const found = findOnPath(name, env, platform);
    if (found) return found;
  }
  return null;
}

/** The @ffmpeg-installer ffmpeg for this platform under `root`'s node_modules, or null. */
function npmFfmpeg(root, platform, arch) {
  const require = createRequire(path.join(root, 'package.json'));
  try {
    const dir = path.dirname(require.resolve(`@ffmpeg-installer/${platform}-${arch}/package.json`));
    const file = path.join(dir, platform === 'win32' ? 'ffmpeg.exe' : 'ffmpeg');
    return isExecutable(file) ? file : null;
  } catch {
    return null;
  }
}

function installed(root, pkg) {
  try {
    createRequire(path.join(root, 'package.json')).resolve(`${pkg}/package.json`);
    return true;
  } catch {
    return false;
  }
}

/**
 * @typedef {object} Missing
 * @property {string} what    What is missing, as the message names it.
 * @property {'system' | 'npm' | 'workspace' | 'setting'} how  How it is got: a system package
 *   (`package` names it), `npm ci`, the workspace's ../shared folder, or an environment variable
 *   set right (`get` says how for these two).
 * @property {'ffmpeg' | 'chromium'} [package]  The system package that brings it.
 * @property {string} [get]      How to get a workspace item, or set a setting right.
 */

/**
 * Everything `npm test` needs that is missing, in the order the message lists it (empty when
 * nothing is). `root` is the project folder; ../shared is beside it.
 * @returns {Missing[]}
 */
export function missingPrerequisites({
  root = process.cwd(),
  env = process.env,
  platform = process.platform,
  arch = process.arch,
} = {}) {
  /** @type {Missing[]} */
  const missing = [];
  const tools = ['ffmpeg', 'ffprobe'].filter((t) => !findOnPath(t, env, platform));
  if (tools.length) {
    missing.push({
      what: `${tools.join(' and ')} on PATH (the tests encode with Debian's ffmpeg 5.1: x264, x265, SVT-AV1, libaom, VP9)`,
      how: 'system',
      package: 'ffmpeg',
    });
  }
  if (!findOnPath('redis-server', env, platform)) {
    missing.push({
      what: 'redis-server on PATH (the shared-queue tests start their own on a free loopback port)',
      how: 'system',
      package: 'redis-server',
    });
  }
  if (!findOnPath('openssl', env, platform)) {
    missing.push({
      what: 'openssl on PATH (the TLS Redis test makes its certificates with it)',
      how: 'system',
      package: 'openssl',
    });
  }
  if (!findOnPath('xmllint', env, platform)) {
    missing.push({
      what: 'xmllint on PATH (the packaging tests validate DASH MPDs with it)',
      how: 'system',
      package: 'libxml2-utils',
    });
  }
  const chosen = env.VQ_CHROMIUM;
  if (chosen && !isExecutable(chosen)) {
    const why = !fs.existsSync(chosen)
      ? 'no such file'
      : fs.statSync(chosen).isDirectory()
        ? 'a folder, not the program'
        : 'not executable';
    missing.push({
      what: `Chromium: VQ_CHROMIUM names ${chosen} (${why})`,
      how: 'setting',
      get: 'set VQ_CHROMIUM to the Chromium or Chrome program itself, or unset it to use chromium on PATH',
    });
  } else if (!chromiumPath(env, platform)) {
    missing.push({
      what: 'Chromium, the browser of the e2e suite (chromium on PATH, or VQ_CHROMIUM naming one)',
      how: 'system',
      package: 'chromium',
    });
  }
  const packages = ['vitest', '@playwright/test', 'electron-vite'].filter(
    (p) => !installed(root, p),
  );
  if (packages.length) {
    missing.push({ what: `the project's npm packages (${packages.join(', ')})`, how: 'npm' });
  } else if (!npmFfmpeg(root, platform, arch)) {
    missing.push({
      what: `the npm ffmpeg build with libvmaf 1.3.7 (@ffmpeg-installer/${platform}-${arch}, an optional dependency)`,
      how: 'npm',
    });
  }
  const shared = path.resolve(root, '..', 'shared');
  const models = env.VQ_VMAF_MODEL_DIR || path.join(shared, 'vmaf-models');
  if (!fs.existsSync(path.join(models, 'vmaf_v0.6.1.pkl'))) {
    missing.push({
      what: `the VMAF models (vmaf_v0.6.1.pkl in ${models})`,
      how: 'workspace',
      get: `they come with the workspace in ${path.join(shared, 'vmaf-models')}, or set VQ_VMAF_MODEL_DIR to a folder of them`,
    });
  }
  const media = path.join(shared, 'testmedia');
  if (!fs.existsSync(media)) {
    missing.push({
      what: `the test media (${media})`,
      how: 'workspace',
      get: 'it comes with the workspace, beside this project',
    });
  }
  const vmaf3 = path.join(shared, 'toolchain', 'ffmpeg-7.1-vmaf-3.2');
  if (!['ffmpeg', 'ffprobe', 'vmaf'].every((b) => isExecutable(path.join(vmaf3, 'bin', b)))) {
    missing.push({
      what: `the FFmpeg 7.1 + libvmaf 3.2 test build (${vmaf3}/bin: ffmpeg, ffprobe, vmaf)`,
      how: 'workspace',
      get: 'it comes with the workspace; its README and build.sh say how to build it again',
    });
  }
  return missing;
}

/** How to get the system `packages` (ffmpeg, chromium) on `platform`, one line each. */
function systemInstall(packages, platform) {
  if (platform === 'darwin') {
    return packages.map((p) =>
      p === 'chromium'
        ? 'brew install --cask chromium, then set VQ_CHROMIUM to its path ' +
          '(/Applications/Chromium.app/Contents/MacOS/Chromium)'
        : `brew install ${p === 'redis-server' ? 'redis' : p === 'libxml2-utils' ? 'libxml2' : p}`,
    );
  }
  if (platform === 'win32') {
    return packages.map((p) =>
      p === 'chromium'
        ? 'winget install Hibbiki.Chromium (or choco install chromium, or use Google Chrome), ' +
          'then set VQ_CHROMIUM to its chrome.exe'
        : p === 'redis-server'
          ? 'Redis for Windows (e.g. Memurai, or redis-server in WSL) with redis-server on PATH'
          : p === 'openssl'
            ? 'winget install ShiningLight.OpenSSL.Light, with openssl.exe on PATH'
            : p === 'libxml2-utils'
              ? 'xmllint.exe (libxml2, e.g. from MSYS2: pacman -S mingw-w64-x86_64-libxml2) on PATH'
              : 'winget install Gyan.FFmpeg (or choco install ffmpeg), or put a folder holding ' +
                'ffmpeg.exe and ffprobe.exe on PATH',
    );
  }
  return [`sudo apt-get install ${packages.join(' ')}    (Debian/Ubuntu)`];
}

/** The one message for `missing`: what is missing, then the commands that install it. */
export function prerequisitesMessage(missing, platform = process.platform) {
  const lines = [
    'npm test stopped before running anything: this machine lacks what the tests need.',
    '',
  ];
  lines.push('Missing:', ...missing.map((m) => `  - ${m.what}`), '', 'To get them:');
  const packages = missing.filter((m) => m.how === 'system').map((m) => m.package);
  if (packages.length) lines.push(...systemInstall(packages, platform).map((l) => `  ${l}`));
  if (missing.some((m) => m.how === 'npm')) {
    lines.push('  npm ci    (with optional dependencies; ELECTRON_SKIP_BINARY_DOWNLOAD=1 is fine)');
  }
  for (const m of missing) {
    if (m.how === 'workspace') lines.push(`  ${m.what}: ${m.get}`);
    if (m.how === 'setting') lines.push(`  ${m.get}`);
  }
  lines.push('', 'Then run npm test again.');
  return lines.join('\n');
}
