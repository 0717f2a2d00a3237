/** Rows of the `sources` table as library items. */
import type { LibraryItem } from '../../../shared/library';
import type { MediaInfo, RawVideoSpec } from '../../../shared/media';
import { wholeMs } from '../media/fileIdentity';
import type { Db } from './db';

interface SourceRow {
  id: string;
  path: string;
  file_name: string;
  size_bytes: number;
  mtime_ms: number;
  added_at: string;
  media_json: string;
  raw_spec: string | null;
  thumb_path: string | null;
}

/** A stored source: the item plus what only the main side needs. */
export interface StoredSource {
  item: LibraryItem;
  thumbPath: string | null;
  raw: RawVideoSpec | null;
  mtimeMs: number;
  /**
   * Why the file must not be read, or null. Sources a project import adds stay refused until a
   * fresh probe shows a regular video file (the project's media facts are never trusted).
   */
  refused?: string | null;
}

/** The key in `media_json` that marks a source refused for reading (see {@link StoredSource.refused}). */
export const REFUSED_KEY = 'vqRefused';

/** Reads and writes library sources. */
export class LibraryRepo {
  constructor(private readonly db: Db) {}

  /** All sources, newest first. */
  list(): StoredSource[] {
    const rows = this.db.prepare('SELECT * FROM sources ORDER BY added_at DESC, rowid DESC').all() as SourceRow[];
    return rows.map(fromRow);
  }

  /** One source by id. */
  get(id: string): StoredSource | null {
    const row = this.db.prepare('SELECT * FROM sources WHERE id = ?').get(id) as SourceRow | undefined;
    return row ? fromRow(row) : null;
  }

  /** One source by its absolute path. */
  getByPath(path: string): StoredSource | null {
    const row = this.db.prepare('SELECT * FROM sources WHERE path = ?').get(path) as SourceRow | undefined;
    return row ? fromRow(row) : null;
  }

  /** Inserts a source (one statement: either the whole row lands or nothing). */
  insert(src: StoredSource): void {
    this.db
      .prepare(
        `INSERT INTO sources (id, path, file_name, size_bytes, mtime_ms, added_at, media_json, raw_spec, thumb_path)
         VALUES (@id, @path, @file_name, @size_bytes, @mtime_ms, @added_at, @media_json, @raw_spec, @thumb_path)`,
      )
      .run(toRow(src));
  }

  /**
   * Inserts a source unless one with the same path exists (another process importing the same
   * file at the same moment), then reads the row back: `inserted` says whose row it is. Never
   * fails with a UNIQUE constraint on the path.
   */
  insertOrGet(src: StoredSource): { stored: StoredSource; inserted: boolean } {
    const changes = this.db
      .prepare(
        `INSERT INTO sources (id, path, file_name, size_bytes, mtime_ms, added_at, media_json, raw_spec, thumb_path)
         VALUES (@id, @path, @file_name, @size_bytes, @mtime_ms, @added_at, @media_json, @raw_spec, @thumb_path)
         ON CONFLICT(path) DO NOTHING`,
      )
      .run(toRow(src)).changes;
    const stored = this.getByPath(src.item.path);
    if (!stored) throw new Error(`The library row of ${src.item.path} vanished while it was imported.`);
    return { stored, inserted: changes > 0 };
  }

  /** Deletes a source row; returns whether it existed. Never touches the file. */
  remove(id: string): boolean {
    return this.db.prepare('DELETE FROM sources WHERE id = ?').run(id).changes > 0;
  }

  /**
   * Replaces a source's media facts with a fresh probe's (which clears a refused mark), its size,
   * mtime and thumbnail; returns the stored source, null for an unknown id.
   */
  replaceMedia(
    id: string,
    media: MediaInfo,
    sizeBytes: number,
    mtimeMs: number,
    thumbPath: string | null,
  ): StoredSource | null {
    this.db
      .prepare(
        'UPDATE sources SET media_json = ?, size_bytes = ?, mtime_ms = ?, thumb_path = ? WHERE id = ?',
      )
      .run(JSON.stringify(media), sizeBytes, wholeMs(mtimeMs), thumbPath, id);
    return this.get(id);
  }
}

function fromRow(row: SourceRow): StoredSource {
  const { [REFUSED_KEY]: refused, ...media } = JSON.parse(row.media_json) as MediaInfo & { [REFUSED_KEY]?: unknown };
  return {
    item: {
      id: row.id,
      path: row.path,
      fileName: row.file_name,
      addedAt: row.added_at,
      sizeBytes: row.size_bytes,
      media,
      hasThumbnail: row.thumb_path !== null,
    },
    thumbPath: row.thumb_path,
    raw: row.raw_spec ? (JSON.parse(row.raw_spec) as RawVideoSpec) : null,
    mtimeMs: row.mtime_ms,
    refused: typeof refused === 'string' ? refused : null,
  };
}

function toRow(src: StoredSource): SourceRow {
  return {
    id: src.item.id,
    path: src.item.path,
    file_name: src.item.fileName,
    size_bytes: src.item.sizeBytes,
    mtime_ms: wholeMs(src.mtimeMs),
    added_at: src.item.addedAt,
    media_json: JSON.stringify(src.item.media),
    raw_spec: src.raw ? JSON.stringify(src.raw) : null,
    thumb_path: src.thumbPath,
  };
}
