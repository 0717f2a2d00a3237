import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { VqError } from '../../shared/errors';
import { createCore } from './core';
import { moveDatabaseAside, moveDbAsideCommand, openDatabase } from './store/db';
import { makeClip } from '../testing/clips';
import { damagePagesOf } from '../testing/damage';
import { useTempDirs } from '../testing/tempDir';

// A library.db whose schema reads but whose data pages are damaged (a bad disk, a torn write)
// passes openDatabase; the damage shows up later, in start-up steps or in any API call. Each
// error below is a real SQLITE_CORRUPT from such a file (review of issue 10, finding 1).
const tempDir = useTempDirs('vq-coredb-');

async function rejection(p: Promise<unknown>): Promise<VqError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(VqError);
  return err as VqError;
}

describe('createCore over damaged data pages', () => {
  it('maps damage met while the queue starts to DATABASE_CORRUPT and closes the database', () => {
    const dir = tempDir();
    openDatabase(dir).close();
    damagePagesOf(dir, 'jobs');
    damagePagesOf(dir, 'queue_runners');
    let err: unknown;
    try {
      createCore({ dataDir: dir, host: { mode: 'web' }, queue: 'all' }).close();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(VqError);
    expect((err as VqError).code).toBe('DATABASE_CORRUPT');
    expect((err as VqError).message).toContain(path.join(dir, 'library.db'));
    expect((err as VqError).hint).toContain('--data-dir');
    // Refused (DATABASE_BUSY) if the failed start had left its connection open.
    expect(moveDatabaseAside(dir)).toMatch(/library\.db\.corrupt-/);
  });
});

describe('database errors met after start-up, mapped once for every caller', () => {
  it('the API itself (what the CLI calls) and the dispatcher both answer DATABASE_CORRUPT, and the host hears it', async () => {
    const dir = tempDir();
    const heard: VqError[] = [];
    const core = createCore({
      dataDir: dir,
      host: { mode: 'web' },
      queue: 'off',
      onDatabaseError: (e) => heard.push(e),
    });
    try {
      damagePagesOf(dir, 'sources');
      const direct = await rejection(core.api['library.list']({}));
      expect(direct.code).toBe('DATABASE_CORRUPT');
      expect(direct.message).toContain(path.join(dir, 'library.db'));
      expect(direct.hint).toContain(moveDbAsideCommand(dir));

      const viaDispatch = await core.dispatch('library.list', {});
      expect(viaDispatch).toMatchObject({ ok: false, error: { code: 'DATABASE_CORRUPT' } });
      expect(heard.map((e) => e.code)).toEqual(['DATABASE_CORRUPT', 'DATABASE_CORRUPT']);
    } finally {
      core.close();
    }
  });

  it('an import meeting a damaged database fails as a whole with DATABASE_CORRUPT, not as an INTERNAL per file', async () => {
    const dir = tempDir();
    const clip = makeClip(tempDir(), { width: 160, height: 96, seconds: 1 });
    const core = createCore({ dataDir: dir, host: { mode: 'web' }, queue: 'off' });
    try {
      damagePagesOf(dir, 'sources');
      const err = await rejection(core.api['library.import']({ paths: [clip] }));
      expect(err.code).toBe('DATABASE_CORRUPT');
      expect(err.message).toContain(path.join(dir, 'library.db'));
    } finally {
      core.close();
    }
  });
});
