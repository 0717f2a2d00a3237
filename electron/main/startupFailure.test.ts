import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { VqError } from '../../shared/errors';
import { openDatabase } from '../core/store/db';
import { useTempDirs } from '../testing/tempDir';
import { MOVE_ASIDE_BUTTON, startupFailureDialog } from './startupFailure';

const tempDir = useTempDirs();

describe('startupFailureDialog', () => {
  it('offers to move a damaged library.db aside (from a real SQLITE_NOTADB) or quit', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'library.db'), 'garbage'.repeat(300));
    let err: unknown;
    try {
      openDatabase(dir);
    } catch (e) {
      err = e;
    }
    const d = startupFailureDialog(err);
    expect(d.offerMoveAside).toBe(true);
    expect(d.buttons).toEqual([MOVE_ASIDE_BUTTON, 'Quit']);
    expect(d.detail).toContain(path.join(dir, 'library.db'));
    expect(d.detail).toMatch(/nothing is deleted/);
  });

  it('shows the message and hint of any other error, with Quit only', () => {
    const d = startupFailureDialog(new VqError('DATA_FOLDER_FULL', 'The disk is full: /d/library.db', 'Free some space.'));
    expect(d).toMatchObject({ message: 'The disk is full: /d/library.db', detail: 'Free some space.', buttons: ['Quit'], offerMoveAside: false });
    expect(startupFailureDialog(new Error('boom')).detail).toBe('boom');
  });
});
