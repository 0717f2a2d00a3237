import { describe, expect, it } from 'vitest';
import { EventHub } from './events';

describe('EventHub', () => {
  it('stamps increasing seq numbers and delivers to every subscriber', () => {
    const hub = new EventHub();
    const a: number[] = [];
    const b: number[] = [];
    hub.subscribe((e) => a.push(e.seq));
    const off = hub.subscribe((e) => b.push(e.seq));
    hub.emit({ type: 'library.removed', id: 'x' });
    off();
    hub.emit({ type: 'library.removed', id: 'y' });
    expect(a).toEqual([1, 2]);
    expect(b).toEqual([1]);
    expect(hub.seq).toBe(2);
  });

  it('keeps delivering when one subscriber throws', () => {
    const hub = new EventHub();
    const got: string[] = [];
    hub.subscribe(() => {
      throw new Error('closed socket');
    });
    hub.subscribe((e) => got.push(e.type));
    const origError = console.error;
    console.error = () => {};
    try {
      hub.emit({ type: 'library.removed', id: 'x' });
    } finally {
      console.error = origError;
    }
    expect(got).toEqual(['library.removed']);
  });

  it('delivers an event emitted by a listener after the current one, to every listener in seq order', () => {
    const hub = new EventHub();
    // The first listener reacts to an event with another (as the per-title service does); the
    // second (a client socket) must still see seq 1 before seq 2.
    hub.subscribe((e) => {
      if (e.type === 'library.removed' && e.id === 'x') hub.emit({ type: 'library.removed', id: 'y' });
    });
    const seen: number[] = [];
    hub.subscribe((e) => seen.push(e.seq));
    const first = hub.emit({ type: 'library.removed', id: 'x' });
    expect(first.seq).toBe(1);
    expect(seen).toEqual([1, 2]);
  });
});
