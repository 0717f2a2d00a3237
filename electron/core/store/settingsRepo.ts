/** Key/value settings stored in the library database, validated on the way in and out. */
import { SettingsSchema, type Settings } from '../../../shared/api';
import type { Db } from './db';

const DEFAULTS: Settings = {
  ffmpegPath: null,
  ffprobePath: null,
  concurrency: null,
  onRestart: 'requeue',
};

/** Reads and writes {@link Settings}. */
export class SettingsRepo {
  constructor(private readonly db: Db) {}

  /** The current settings, defaults filled in; unreadable stored values fall back to defaults. */
  get(): Settings {
    const rows = this.db.prepare('SELECT key, value FROM settings').all() as { key: string; value: string }[];
    const stored: Record<string, unknown> = {};
    for (const r of rows) {
      // The table also keeps state that is not a setting (the queue's pause, see sqliteJobStore.ts).
      if (!Object.prototype.hasOwnProperty.call(DEFAULTS, r.key)) continue;
      try {
        stored[r.key] = JSON.parse(r.value);
      } catch {
        // A hand-edited row that is not JSON is ignored rather than breaking start-up.
      }
    }
    const merged = { ...DEFAULTS, ...stored };
    const parsed = SettingsSchema.safeParse(merged);
    if (parsed.success) return parsed.data;
    // Keep every stored value that is still valid on its own; one bad row resets only itself.
    const out: Settings = { ...DEFAULTS };
    for (const key of Object.keys(DEFAULTS) as (keyof Settings)[]) {
      const one = SettingsSchema.shape[key].safeParse(stored[key]);
      if (one.success) (out as Record<keyof Settings, unknown>)[key] = one.data;
    }
    return out;
  }

  /** Saves the given fields and returns the new settings. */
  set(patch: Partial<Settings>): Settings {
    const upsert = this.db.prepare(
      'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
    );
    this.db.transaction(() => {
      for (const [k, v] of Object.entries(patch)) {
        if (v !== undefined) upsert.run(k, JSON.stringify(v));
      }
    })();
    return this.get();
  }
}
