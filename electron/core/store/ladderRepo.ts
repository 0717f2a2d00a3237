/** Saved ladders: one JSON row each, validated on the way out so a hand-edited row cannot break a list. */
import { LadderSchema, type Ladder, type LadderEntry } from '../../../shared/ladder';
import { PRESET_LADDERS } from '../../../shared/presets';
import type { Db } from './db';

/** A saved ladder and when it was last saved. */
export interface SavedLadder {
  ladder: Ladder;
  updatedAt: string;
}

/** Reads and writes saved ladders. */
export class LadderRepo {
  constructor(private readonly db: Db) {}

  /** Saved ladders by name; rows that no longer validate are left out. */
  list(): SavedLadder[] {
    const rows = this.db.prepare('SELECT json, updated_at FROM ladders').all() as {
      json: string;
      updated_at: string;
    }[];
    const out: SavedLadder[] = [];
    for (const r of rows) {
      const ladder = parseLadder(r.json);
      if (ladder) out.push({ ladder, updatedAt: r.updated_at });
    }
    return out.sort((a, b) => a.ladder.name.localeCompare(b.ladder.name));
  }

  /** Every ladder the app offers: the built-in presets, then the saved ladders by name. */
  entries(): LadderEntry[] {
    return [...PRESET_LADDERS, ...this.list().map((s) => ({ ladder: s.ladder, builtIn: false }))];
  }

  /** One saved ladder by id. */
  get(id: string): Ladder | null {
    const row = this.db.prepare('SELECT json FROM ladders WHERE id = ?').get(id) as
      | { json: string }
      | undefined;
    return row ? parseLadder(row.json) : null;
  }

  /** Inserts or replaces a ladder under its id. */
  save(ladder: Ladder): SavedLadder {
    const updatedAt = new Date().toISOString();
    this.db
      .prepare(
        `INSERT INTO ladders (id, json, updated_at) VALUES (?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET json = excluded.json, updated_at = excluded.updated_at`,
      )
      .run(ladder.id, JSON.stringify(ladder), updatedAt);
    return { ladder, updatedAt };
  }

  /** Deletes a saved ladder; returns whether it existed. */
  remove(id: string): boolean {
    return this.db.prepare('DELETE FROM ladders WHERE id = ?').run(id).changes > 0;
  }
}

function parseLadder(json: string): Ladder | null {
  try {
    const parsed = LadderSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
