/** Types of testPrerequisites.mjs (what `npm test` needs that a fresh machine may lack). */

/** One missing prerequisite and how it is got. */
export interface Missing {
  what: string;
  how: 'system' | 'npm' | 'workspace';
  package?: string;
  get?: string;
}

/** The first executable `name` in a folder of PATH, or null. */
export function findOnPath(
  name: string,
  env?: NodeJS.ProcessEnv,
  platform?: NodeJS.Platform,
): string | null;

/** VQ_CHROMIUM, else chromium, chromium-browser or google-chrome on PATH; null when none. */
export function chromiumPath(env?: NodeJS.ProcessEnv, platform?: NodeJS.Platform): string | null;

/** Everything `npm test` needs that is missing (empty when nothing is). */
export function missingPrerequisites(o?: {
  root?: string;
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  arch?: string;
}): Missing[];

/** The one message: what is missing, then the commands that install it. */
export function prerequisitesMessage(
  missing: readonly Missing[],
  platform?: NodeJS.Platform,
): string;
