/**
 * Where the renderer may come from and where it may go: the app's own origin (and the dev server's
 * in `electron-vite dev`), plus a short allow-list of https hosts opened in the system browser.
 * Pure, so the navigation, window-open and IPC sender checks share one tested definition.
 */

/** The origin the packaged renderer is served from by the `app:` protocol. */
export const APP_ORIGIN = 'app://vq';

/** The renderer's start page in a build. */
export const APP_INDEX_URL = `${APP_ORIGIN}/index.html`;

/** https hosts whose links open in the system browser (docs the UI links to); others dropped. */
export const EXTERNAL_HOSTS: readonly string[] = [
  'github.com',
  'ffmpeg.org',
  'trac.ffmpeg.org',
  'www.electronjs.org',
];

/**
 * `scheme://host[:port]` of a URL, or null when it does not parse. Node's URL reports the origin
 * of a custom scheme such as `app:` as "null" (only Chromium knows it is registered as standard),
 * so the origin is rebuilt from protocol and host.
 */
export function originOf(url: string): string | null {
  try {
    const u = new URL(url);
    if (!u.host) return null;
    return `${u.protocol}//${u.host}`;
  } catch {
    return null;
  }
}

/** The origins trusted in this run: the app's own, and the dev server's when there is one. */
export function trustedOrigins(devServerUrl: string | undefined): string[] {
  const dev = devServerUrl ? originOf(devServerUrl) : null;
  return dev ? [APP_ORIGIN, dev] : [APP_ORIGIN];
}

/** True when `url` is on one of `origins` (compared after parsing, never by string prefix). */
export function isTrustedUrl(url: string, origins: readonly string[]): boolean {
  const origin = originOf(url);
  return origin !== null && origins.includes(origin);
}

/** True when `url` is an https link to an allow-listed host, safe for shell.openExternal. */
export function isAllowedExternal(url: string): boolean {
  try {
    const u = new URL(url);
    return (
      u.protocol === 'https:' && !u.username && !u.password && EXTERNAL_HOSTS.includes(u.hostname)
    );
  } catch {
    return false;
  }
}
