import { describe, expect, it } from 'vitest';
import { PRESET_LADDERS } from '../../../../shared/presets';
import {
  addRung,
  duplicateRungAt,
  editLadderFields,
  ladderChoice,
  moveRung,
  removeRungAt,
  replaceRung,
  startDraft,
} from './ladderDraft';

const hls = PRESET_LADDERS[0]!.ladder;
const ids = (d: { ladder: { rungs: { id: string }[] } }): string[] =>
  d.ladder.rungs.map((r) => r.id);

describe('ladder draft', () => {
  it('starts clean with one distinct key per rung and a deep copy', () => {
    const d = startDraft(hls, null);
    expect(d.dirty).toBe(false);
    expect(new Set(d.keys).size).toBe(hls.rungs.length);
    d.ladder.rungs[0]!.id = 'changed';
    expect(hls.rungs[0]!.id).toBe('234p-145k');
  });

  it('lets a derived rung id follow a bitrate edit and keeps a typed one', () => {
    const d = startDraft(hls, null);
    const first = d.ladder.rungs[0]!;
    const bitrate = { ...first, rateControl: { ...first.rateControl, bitrateKbps: 300 } };
    expect(ids(replaceRung(d, 0, bitrate))[0]).toBe('234p-300k');
    const typed = replaceRung(d, 0, { ...first, id: 'phone' });
    expect(ids(replaceRung(typed, 0, { ...bitrate, id: 'phone' }))[0]).toBe('phone');
    // Typed here, even in the derived form: it stays what the person typed.
    const typedDerived = replaceRung(d, 0, { ...first, id: '234p-145k-2' });
    expect(ids(replaceRung(typedDerived, 0, { ...bitrate, id: '234p-145k-2' }))[0]).toBe(
      '234p-145k-2',
    );
  });

  it('moves a rung and its key together, and ignores moves past either end', () => {
    const d = startDraft(hls, null);
    const down = moveRung(d, 0, 1);
    expect(ids(down).slice(0, 2)).toEqual([ids(d)[1], ids(d)[0]]);
    expect(down.keys.slice(0, 2)).toEqual([d.keys[1], d.keys[0]]);
    expect(down.dirty).toBe(true);
    expect(moveRung(d, 0, -1)).toBe(d);
    expect(moveRung(d, d.keys.length - 1, 1)).toBe(d);
  });

  it('duplicates right after the rung with a new key and id', () => {
    const d = duplicateRungAt(startDraft(hls, null), 1);
    expect(ids(d)[2]).toBe('360p-365k-copy');
    expect(d.keys).toHaveLength(hls.rungs.length + 1);
    expect(new Set(d.keys).size).toBe(d.keys.length);
  });

  it('adds at the end and removes by index', () => {
    let d = addRung(startDraft(hls, 'x'));
    expect(d.ladder.rungs).toHaveLength(hls.rungs.length + 1);
    d = removeRungAt(d, 0);
    expect(ids(d)[0]).toBe('360p-365k');
    expect(d.keys).toHaveLength(d.ladder.rungs.length);
    expect(d.savedId).toBe('x');
  });

  it('replaces a rung and edits the ladder fields; an empty description goes away', () => {
    let d = startDraft(hls, null);
    d = replaceRung(d, 0, { ...d.ladder.rungs[0]!, height: 240 });
    expect(d.ladder.rungs[0]!.height).toBe(240);
    d = editLadderFields(d, { name: 'Mine', description: '' });
    expect(d.ladder.name).toBe('Mine');
    expect('description' in d.ladder).toBe(false);
    expect(replaceRung(d, 99, d.ladder.rungs[0]!)).toBe(d);
  });
});

describe('ladderChoice', () => {
  it('names a listed, unchanged ladder by id and sends an edited one whole when valid', () => {
    expect(ladderChoice('hls-h264', null, true)).toEqual({ ladderId: 'hls-h264' });
    const saved = startDraft(hls, 'mine');
    expect(ladderChoice('mine', saved, true)).toEqual({ ladderId: 'mine' });
    const edited = editLadderFields(saved, { name: 'x' });
    expect(ladderChoice('mine', edited, true)).toEqual({ ladder: edited.ladder });
    expect(ladderChoice('mine', edited, false)).toBeNull();
    expect(ladderChoice(null, null, true)).toBeNull();
  });
});
