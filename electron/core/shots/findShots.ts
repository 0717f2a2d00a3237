/**
 * The shots of a title: its scene scores (cached, shotStore.ts) cut by the rules (shared/shots.ts).
 * Shared by `vq shots`, the app's Compare timeline, the CRF search's sampling and per-shot encoding.
 */
import { VqError } from '../../../shared/errors';
import type { RawVideoSpec } from '../../../shared/media';
import { shotRules, shotsFromScores, type TitleShots } from '../../../shared/shots';
import type { SceneMethod } from './sceneScores';
import { loadSceneScores } from './shotStore';

/** What {@link findShots} needs. */
export interface FindShotsOptions {
  ffmpeg: string;
  /** The title, an absolute path. */
  input: string;
  raw?: RawVideoSpec | null;
  /** Frames a second of the title (as probed), to turn seconds into frames. */
  fps: number | null;
  /** The data folder's cache (scene scores are kept there); null: measured every time. */
  cacheDir?: string | null;
  signal?: AbortSignal;
  method?: SceneMethod;
  /** Scene threshold (scdet's scale), shortest and longest shot in seconds (null: no longest). */
  threshold?: number;
  minSeconds?: number;
  maxSeconds?: number | null;
  /** Called as frames are scored during a decode. */
  onFrames?: (frames: number) => void;
}

/** The title's shots with the rules and filter that made them. */
export async function findShots(o: FindShotsOptions & { cachedOnly?: false }): Promise<TitleShots>;
/** With `cachedOnly`: the shots when the title's scene scores are in the cache, else null. */
export async function findShots(
  o: FindShotsOptions & { cachedOnly: true },
): Promise<TitleShots | null>;
export async function findShots(
  o: FindShotsOptions & { cachedOnly?: boolean },
): Promise<TitleShots | null> {
  if (o.fps === null || !(o.fps > 0)) {
    throw new VqError(
      'INVALID_ARGS',
      `${o.input} has no frame rate, so its shot lengths cannot be set in seconds.`,
      'Give a raw video its geometry with --raw WxH:pix_fmt:fps.',
    );
  }
  // Rules are checked before the decode: a mistyped length fails at once.
  const rules = shotRules(o.fps, o);
  const measured = o.cachedOnly
    ? await loadSceneScores({ ...o, cachedOnly: true })
    : await loadSceneScores({ ...o, cachedOnly: false });
  if (!measured) return null;
  return {
    frames: measured.scores.length,
    fps: o.fps,
    method: measured.method,
    rules,
    shots: shotsFromScores(measured.scores, rules),
    cached: measured.cached,
  };
}
