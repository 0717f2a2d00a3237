import { describe, expect, it } from 'vitest';
import type { VqEvent } from '../../../shared/api';
import type { LibraryItem } from '../../../shared/library';
import {
  applyLibraryEvent,
  applyLibrarySnapshot,
  awaitLibrarySnapshot,
  initialLibraryData,
} from './libraryReducer';

const item = (id: string): LibraryItem => ({ id, fileName: `${id}.mp4` }) as unknown as LibraryItem;
const added = (seq: number, id: string): VqEvent => ({
  seq,
  type: 'library.added',
  item: item(id),
});
const removed = (seq: number, id: string): VqEvent => ({ seq, type: 'library.removed', id });
const ids = (d: { items: LibraryItem[] }): string[] => d.items.map((i) => i.id);

describe('library reducer', () => {
  it('buffers events until the snapshot and then applies only newer ones', () => {
    let d = initialLibraryData;
    d = applyLibraryEvent(d, added(3, 'old')); // already in the snapshot
    d = applyLibraryEvent(d, added(5, 'new'));
    d = applyLibraryEvent(d, removed(6, 'a'));
    expect(d.items).toEqual([]);
    d = applyLibrarySnapshot(d, { items: [item('a'), item('old')], seq: 4 });
    expect(ids(d)).toEqual(['old', 'new']);
    expect(d.seq).toBe(6);
    expect(d.pending).toEqual([]);
  });

  it('applies buffered events in seq order whatever their arrival order', () => {
    let d = initialLibraryData;
    d = applyLibraryEvent(d, removed(3, 'x'));
    d = applyLibraryEvent(d, added(2, 'x'));
    d = applyLibrarySnapshot(d, { items: [], seq: 1 });
    expect(ids(d)).toEqual([]);
  });

  it('ignores events at or below the current seq (replays change nothing)', () => {
    let d = applyLibrarySnapshot(initialLibraryData, { items: [item('a')], seq: 10 });
    const same = applyLibraryEvent(d, removed(10, 'a'));
    expect(same).toBe(d);
    d = applyLibraryEvent(d, added(11, 'b'));
    expect(applyLibraryEvent(d, added(11, 'b'))).toBe(d);
    expect(ids(d)).toEqual(['a', 'b']);
  });

  it('replaces an item that is added again instead of duplicating it', () => {
    let d = applyLibrarySnapshot(initialLibraryData, { items: [item('a')], seq: 0 });
    d = applyLibraryEvent(d, {
      seq: 1,
      type: 'library.added',
      item: { ...item('a'), fileName: 'renamed.mp4' },
    });
    expect(d.items).toHaveLength(1);
    expect(d.items[0]!.fileName).toBe('renamed.mp4');
  });

  it('advances seq on events that do not touch items', () => {
    let d = applyLibrarySnapshot(initialLibraryData, { items: [], seq: 0 });
    d = applyLibraryEvent(d, {
      seq: 1,
      type: 'library.importFailed',
      path: '/x',
      error: { code: 'NOT_FOUND', message: 'x' },
    });
    expect(d.seq).toBe(1);
  });

  it('after a reconnect takes a fresh snapshot even when the server restarted (seq back to 0)', () => {
    let d = applyLibrarySnapshot(initialLibraryData, { items: [item('a'), item('b')], seq: 40 });
    d = awaitLibrarySnapshot(d);
    expect(ids(d)).toEqual(['a', 'b']); // still shown meanwhile
    d = applyLibraryEvent(d, added(2, 'c'));
    d = applyLibrarySnapshot(d, { items: [item('a')], seq: 1 });
    expect(ids(d)).toEqual(['a', 'c']);
    expect(d.seq).toBe(2);
  });
});
