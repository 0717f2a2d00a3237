/**
 * A ladder being edited: the ladder, a stable React key per rung (ids are edited and may repeat
 * while typing, so they cannot be keys), which saved ladder it edits, and whether it changed.
 * Every edit returns a new draft.
 */
import type { Ladder, Rung } from '../../../../shared/ladder';
import { copyOfRung, followDerivedId, newRung } from './rungEdits';

/** A ladder in the editor. */
export interface LadderDraft {
  ladder: Ladder;
  /** React keys of the rungs, parallel to `ladder.rungs`. */
  keys: string[];
  /** The saved ladder this edits; null for a new, duplicated or imported ladder. */
  savedId: string | null;
  /** True once anything was edited since it was loaded or saved. */
  dirty: boolean;
  /** Keys of the rungs whose id the person typed here: such an id never follows other edits. */
  typedIds: ReadonlySet<string>;
}

let keyCounter = 0;
function nextKey(): string {
  keyCounter += 1;
  return `r${keyCounter}`;
}

/** A fresh draft of a ladder (a deep copy; the original is never changed). */
export function startDraft(ladder: Ladder, savedId: string | null, dirty = false): LadderDraft {
  return {
    ladder: structuredClone(ladder),
    keys: ladder.rungs.map(() => nextKey()),
    savedId,
    dirty,
    typedIds: new Set(),
  };
}

function withRungs(draft: LadderDraft, rungs: Rung[], keys: string[]): LadderDraft {
  return { ...draft, ladder: { ...draft.ladder, rungs }, keys, dirty: true };
}

/** Changes the ladder's own fields (name, id, description). */
export function editLadderFields(
  draft: LadderDraft,
  fields: Partial<Pick<Ladder, 'id' | 'name' | 'description'>>,
): LadderDraft {
  const ladder = { ...draft.ladder, ...fields };
  if (ladder.description === '') delete ladder.description;
  return { ...draft, ladder, dirty: true };
}

/**
 * Replaces rung `index`. An id derived from the rung's size and rate follows the edit, unless the
 * person typed that id here (then it is theirs, even when it reads like a derived one).
 */
export function replaceRung(draft: LadderDraft, index: number, rung: Rung): LadderDraft {
  const before = draft.ladder.rungs[index];
  const key = draft.keys[index];
  if (!before || key === undefined) return draft;
  const rungs = draft.ladder.rungs.slice();
  const others = rungs.filter((_, i) => i !== index).map((r) => r.id);
  const typed = rung.id !== before.id || draft.typedIds.has(key);
  rungs[index] = typed ? rung : followDerivedId(before, rung, others);
  const typedIds = rung.id !== before.id ? new Set(draft.typedIds).add(key) : draft.typedIds;
  return { ...withRungs(draft, rungs, draft.keys), typedIds };
}

/** Appends a new rung modelled on the last one. */
export function addRung(draft: LadderDraft): LadderDraft {
  const { rungs } = draft.ladder;
  const rung = newRung(
    rungs[rungs.length - 1],
    rungs.map((r) => r.id),
  );
  return withRungs(draft, [...rungs, rung], [...draft.keys, nextKey()]);
}

/** Inserts a copy of rung `index` right after it. */
export function duplicateRungAt(draft: LadderDraft, index: number): LadderDraft {
  const { rungs } = draft.ladder;
  const source = rungs[index];
  if (!source) return draft;
  const copy = copyOfRung(
    source,
    rungs.map((r) => r.id),
  );
  const nextRungs = [...rungs.slice(0, index + 1), copy, ...rungs.slice(index + 1)];
  const keys = [...draft.keys.slice(0, index + 1), nextKey(), ...draft.keys.slice(index + 1)];
  return withRungs(draft, nextRungs, keys);
}

/** Removes rung `index`. */
export function removeRungAt(draft: LadderDraft, index: number): LadderDraft {
  if (!draft.ladder.rungs[index]) return draft;
  return withRungs(
    draft,
    draft.ladder.rungs.filter((_, i) => i !== index),
    draft.keys.filter((_, i) => i !== index),
  );
}

/** Moves rung `index` by `delta` places (−1 up, +1 down); unchanged at either end. */
export function moveRung(draft: LadderDraft, index: number, delta: number): LadderDraft {
  const to = index + delta;
  const { rungs } = draft.ladder;
  if (!rungs[index] || to < 0 || to >= rungs.length) return draft;
  const move = <T>(list: T[]): T[] => {
    const next = list.slice();
    const [item] = next.splice(index, 1);
    next.splice(to, 0, item!);
    return next;
  };
  return withRungs(draft, move(rungs), move(draft.keys));
}

/** How `encode.plan` and `encode.start` name a ladder. */
export type LadderChoice = { ladderId: string } | { ladder: Ladder };

/**
 * A listed ladder goes by id while unchanged; an edited or new one travels whole, and only when
 * it is valid (null otherwise: nothing can be planned from it).
 */
export function ladderChoice(
  listedId: string | null,
  draft: LadderDraft | null,
  valid: boolean,
): LadderChoice | null {
  if (!draft) return listedId ? { ladderId: listedId } : null;
  if (draft.savedId !== null && !draft.dirty) return { ladderId: draft.savedId };
  return valid ? { ladder: draft.ladder } : null;
}
