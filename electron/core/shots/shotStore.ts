/**
 * Scene scores kept on disk (the data dir's cache, `scenes/`), so a title is decoded for its shots
 * once: shots with other rules (threshold, shortest and longest shot) are made again from the
 * stored scores in a moment. An entry names the file, raw spec and ffmpeg it was made from
 * (frameIndexStore's identity) and the filter; one for anything else, or that does not read back
 * whole, is ignored and made again.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { identityHash, sourceIdentity, storeCacheEntry } from '../frames/frameIndexStore';
import {
  measureSceneScores,
  type MeasuredSceneScores,
  type SceneMethod,
  type SceneScoreOptions,
} from './sceneScores';

const MAGIC = Buffer.from('VQSCN1\n');
const METHODS: readonly SceneMethod[] = ['scdet', 'select'];

/** Where the scene scores of `identity` are kept under `cacheDir`. */
export function storedScenesPath(cacheDir: string, identity: string): string {
  return path.join(cacheDir, 'scenes', `${identityHash(identity)}.bin`);
}

/**
 * The title's scene scores: from the cache when an entry for this file, ffmpeg and method is
 * there, else measured (one decode) and stored.
 */
export async function loadSceneScores(
  o: SceneScoreOptions & { cacheDir?: string | null; cachedOnly?: false },
): Promise<MeasuredSceneScores & { cached: boolean }>;
/** With `cachedOnly`: the cached scores, or null when there are none (nothing is decoded). */
export async function loadSceneScores(
  o: SceneScoreOptions & { cacheDir?: string | null; cachedOnly: true },
): Promise<(MeasuredSceneScores & { cached: boolean }) | null>;
export async function loadSceneScores(
  o: SceneScoreOptions & { cacheDir?: string | null; cachedOnly?: boolean },
): Promise<(MeasuredSceneScores & { cached: boolean }) | null> {
  const source = await sourceIdentity({ ffmpeg: o.ffmpeg, input: o.input, raw: o.raw });
  const identity = `${source}\nscenes:${o.method ?? 'auto'}`;
  const file = o.cacheDir ? storedScenesPath(o.cacheDir, identity) : null;
  if (file) {
    const stored = await fs.readFile(file).catch(() => null);
    const entry = stored ? readScenesEntry(stored, identity) : null;
    if (entry) return { ...entry, cached: true };
  }
  if (o.cachedOnly) return null;
  const measured = await measureSceneScores(o);
  if (file) await storeCacheEntry(file, scenesEntry(identity, measured));
  return { ...measured, cached: false };
}

/** An entry: magic, identity (length-prefixed), method, frame count, then float32 scores. */
export function scenesEntry(identity: string, m: MeasuredSceneScores): Buffer {
  const id = Buffer.from(identity, 'utf8');
  const head = Buffer.alloc(MAGIC.length + 12 + id.length);
  let at = MAGIC.copy(head, 0);
  at = head.writeUInt32LE(id.length, at);
  at += id.copy(head, at);
  at = head.writeUInt32LE(METHODS.indexOf(m.method), at);
  head.writeUInt32LE(m.scores.length, at);
  const body = Buffer.alloc(m.scores.length * 4);
  for (let i = 0; i < m.scores.length; i++) body.writeFloatLE(m.scores[i]!, i * 4);
  return Buffer.concat([head, body]);
}

/** The scores an entry holds for `identity`, or null when it is not one, or not whole. */
export function readScenesEntry(data: Buffer, identity: string): MeasuredSceneScores | null {
  if (data.length < MAGIC.length + 12 || !data.subarray(0, MAGIC.length).equals(MAGIC)) return null;
  let at = MAGIC.length;
  const idLength = data.readUInt32LE(at);
  at += 4;
  if (at + idLength + 8 > data.length) return null;
  if (data.subarray(at, at + idLength).toString('utf8') !== identity) return null;
  at += idLength;
  const method = METHODS[data.readUInt32LE(at)];
  const count = data.readUInt32LE(at + 4);
  at += 8;
  if (!method || count === 0 || data.length - at !== count * 4) return null;
  const scores = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const s = data.readFloatLE(at + i * 4);
    if (!(s >= 0 && s <= 100)) return null;
    scores[i] = s;
  }
  return { method, scores };
}
