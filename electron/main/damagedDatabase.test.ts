import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { VqError } from '../../shared/errors';
import { createCore, type Core } from '../core/core';
import { moveDatabaseAside } from '../core/store/db';
import { damagePagesOf } from '../testing/damage';
import { useTempDirs } from '../testing/tempDir';
import { offerToMoveDamagedDatabase, type DamagedDatabaseHost } from './damagedDatabase';
import { MOVE_ASIDE_RESTART_BUTTON } from './startupFailure';

// The app's offer when an API call meets a damaged library.db at run time, over a real core and a
// real SQLITE_CORRUPT; only the dialog's answer and the restart (Electron's) are stand-ins.
const tempDir = useTempDirs('vq-damaged-');

/** The person answers when `answer()` is called (the dialog stays open until then). */
function setUp(button: number): {
  core: () => Core;
  steps: string[];
  dir: string;
  offered: Promise<void>[];
  answer: () => void;
} {
  const dir = tempDir();
  let answer = (): void => undefined;
  const answered = new Promise<void>((resolve) => (answer = resolve));
  const steps: string[] = [];
  const offered: Promise<void>[] = [];
  let core: Core | null = null;
  const host: DamagedDatabaseHost = {
    ask: async (dialog) => {
      steps.push(`ask:${dialog.buttons.join('|')}`);
      expect(dialog.detail).toContain(path.join(dir, 'library.db'));
      await answered;
      return button;
    },
    closeCore: () => {
      steps.push('close');
      core?.close();
    },
    moveAside: () => {
      steps.push('move');
      return moveDatabaseAside(dir, { force: true });
    },
    restart: () => steps.push('restart'),
    failed: (err) => steps.push(`failed:${err instanceof Error ? err.message : String(err)}`),
  };
  const offer = offerToMoveDamagedDatabase(host);
  core = createCore({
    dataDir: dir,
    host: { mode: 'electron' },
    queue: 'off',
    onDatabaseError: (err) => {
      const p = offer(err);
      if (p) offered.push(p);
    },
  });
  return { core: () => core!, steps, dir, offered, answer };
}

describe('a damaged database met while the app runs', () => {
  it('offers once to move it aside; accepted, it closes the core first, moves it and restarts', async () => {
    const { core, steps, dir, offered, answer } = setUp(0);
    damagePagesOf(dir, 'sources');
    for (let i = 0; i < 3; i++) {
      const r = await core().dispatch('library.list', {});
      expect(!r.ok && r.error.code).toBe('DATABASE_CORRUPT');
    }
    answer();
    await Promise.all(offered);
    expect(offered).toHaveLength(1);
    // moveDatabaseAside refuses while a connection is open: 'move' succeeding proves 'close' came first.
    expect(steps).toEqual([`ask:${MOVE_ASIDE_RESTART_BUTTON}|Not now`, 'close', 'move', 'restart']);
    expect(fs.existsSync(path.join(dir, 'library.db'))).toBe(false);
    expect(fs.readdirSync(dir).some((f) => f.startsWith('library.db.corrupt-'))).toBe(true);
  });

  it('"Not now" leaves everything as it is and does not ask again', async () => {
    const { core, steps, dir, offered, answer } = setUp(1);
    damagePagesOf(dir, 'sources');
    await core().dispatch('library.list', {});
    answer();
    await Promise.all(offered);
    await core().dispatch('library.list', {});
    expect(offered).toHaveLength(1);
    expect(steps).toEqual([`ask:${MOVE_ASIDE_RESTART_BUTTON}|Not now`]);
    expect(fs.existsSync(path.join(dir, 'library.db'))).toBe(true);
    core().close();
  });

  it('ignores other data-folder errors (their own message says what to do)', () => {
    const steps: string[] = [];
    const offer = offerToMoveDamagedDatabase({
      ask: async () => (steps.push('ask'), 0),
      closeCore: () => steps.push('close'),
      moveAside: () => '',
      restart: () => steps.push('restart'),
      failed: () => steps.push('failed'),
    });
    expect(offer(new VqError('DATA_FOLDER_FULL', 'full'))).toBeNull();
    expect(offer(new VqError('DATABASE_BUSY', 'busy'))).toBeNull();
    expect(steps).toEqual([]);
  });
});
