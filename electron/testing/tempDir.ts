/** Test helper: a fresh temporary directory per test, removed afterwards. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';

/** Returns a function that makes a new temp dir; every dir it made is removed after each test. */
export function useTempDirs(prefix = 'vq-test-'): () => string {
  const made: string[] = [];
  afterEach(() => {
    for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    made.push(dir);
    return dir;
  };
}

/** Absolute path of a clip in ../shared/testmedia (tests run from the project root). */
export function testMedia(rel: string): string {
  return path.resolve('../shared/testmedia', rel);
}
