/**
 * A worker's path map (like Tdarr's path translators): the app's folder `FROM` is this machine's
 * `TO` (`vq worker --map /mnt/media=/Volumes/media`). Paths the app sends are mapped before use;
 * a path under no entry is used as it is (the same shared disk at the same place).
 */
import path from 'node:path';

/** One `FROM=TO` entry, both absolute and normalised. */
export interface PathMapEntry {
  from: string;
  to: string;
}

/** Reads `--map FROM=TO` values; throws an Error saying which one is wrong and why. */
export function parsePathMap(values: readonly string[]): PathMapEntry[] {
  return values.map((value) => {
    const at = value.indexOf('=');
    const from = at > 0 ? value.slice(0, at) : '';
    const to = at > 0 ? value.slice(at + 1) : '';
    for (const [side, p] of [
      ['FROM', from],
      ['TO', to],
    ] as const) {
      if (!p || p.includes('\0') || !isAbsoluteAnywhere(p)) {
        throw new Error(
          `--map ${JSON.stringify(value)}: ${side} must be an absolute folder; write --map APP_FOLDER=THIS_MACHINES_FOLDER.`,
        );
      }
    }
    return { from: trimSlash(from), to: trimSlash(to) };
  });
}

/** `p` (a path the app sent) as this machine sees it: the longest matching entry wins. */
export function mapPath(map: readonly PathMapEntry[], p: string): string {
  let best: PathMapEntry | null = null;
  for (const e of map) {
    const under = p === e.from || p.startsWith(e.from.endsWith('/') ? e.from : `${e.from}/`);
    if (under && (!best || e.from.length > best.from.length)) best = e;
  }
  if (!best) return p;
  const rest = p.slice(best.from.length).replace(/^\/+/, '');
  return rest ? path.join(best.to, ...rest.split('/')) : best.to;
}

/** The app may run on another OS: a POSIX or a Windows absolute path. */
function isAbsoluteAnywhere(p: string): boolean {
  return path.posix.isAbsolute(p) || path.win32.isAbsolute(p);
}

function trimSlash(p: string): string {
  return p.length > 1 ? p.replace(/[/\\]+$/, '') || p : p;
}
