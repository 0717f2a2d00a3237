/** Types of testPrerequisites.mjs (what `npm test` needs that a fresh machine may lack). */

/** One missing prerequisite and how it is got. */
export interface Missing {
  what: string;
  /** A system package, `npm ci`, the workspace's ../shared folder, or an environment variable. */
  how: 'system' | 'npm' | 'workspace' | 'setting';
  /** The system package that brings it (`how: 'system'`). */
  package?: 'ffmpeg' | 'chromium';
  /** How to get a workspace item, or set a setting right. */
  get?: string;
}

/** The first executable `name` in a folder of PATH, or null. */
export function findOnPath(
  name: string,
  env?: NodeJS.ProcessEnv,
  platform?: NodeJS.Platform,
): string | null;

/**
 * VQ_CHROMIUM when it names a program, else chromium, chromium-browser or google-chrome on PATH;
 * null when none (or when VQ_CHROMIUM names no program).
 */
export function chromiumPath(env?: NodeJS.ProcessEnv, platform?: NodeJS.Platform): string | null;

/** Everything `npm test` needs that is missing (empty when nothing is). */
export function missingPrerequisites(o?: {
  root?: string;
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  arch?: string;
}): Missing[];

/** The one message: what is missing, then how to get it on `platform`. */
export function prerequisitesMessage(
  missing: readonly Missing[],
  platform?: NodeJS.Platform,
): string;
