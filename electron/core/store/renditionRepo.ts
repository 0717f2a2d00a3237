/** Rows of the `renditions` table: finished outputs, one per file path. */
import type { Rung } from '../../../shared/ladder';
import { REFUSED_KEY } from './libraryRepo';
import type { MediaInfo } from '../../../shared/media';
import type { Rendition } from '../../../shared/queue';
import type { Db } from './db';

interface RenditionRow {
  id: string;
  source_id: string;
  batch_id: string | null;
  job_id: string | null;
  rung_id: string;
  rung_json: string;
  path: string;
  encoder: string;
  width: number;
  height: number;
  bitrate_kbps: number | null;
  size_bytes: number;
  encode_seconds: number | null;
  command_json: string;
  media_json: string;
  created_at: string;
  worker: string | null;
}

/** Reads and writes renditions. */
export class RenditionRepo {
  constructor(private readonly db: Db) {}

  /** Renditions, newest first; of one source, one batch or one job when given. */
  list(filter: { sourceId?: string; batchId?: string; jobId?: string } = {}): Rendition[] {
    const where: string[] = [];
    const params: string[] = [];
    if (filter.jobId !== undefined) {
      where.push('job_id = ?');
      params.push(filter.jobId);
    }
    if (filter.sourceId !== undefined) {
      where.push('source_id = ?');
      params.push(filter.sourceId);
    }
    if (filter.batchId !== undefined) {
      where.push('batch_id = ?');
      params.push(filter.batchId);
    }
    const sql = `SELECT * FROM renditions ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY created_at DESC, rowid DESC`;
    return (this.db.prepare(sql).all(...params) as RenditionRow[]).map(fromRow);
  }

  /**
   * Why a rendition's file must not be read or served, or null. Renditions a project import adds
   * carry the same mark as its sources until their file is probed on this machine.
   */
  refusal(id: string): string | null {
    const row = this.db.prepare('SELECT media_json FROM renditions WHERE id = ?').get(id) as { media_json: string } | undefined;
    if (!row) return null;
    const reason = (JSON.parse(row.media_json) as Record<string, unknown>)[REFUSED_KEY];
    return typeof reason === 'string' ? reason : null;
  }

  /** Replaces a rendition's media facts and size with a fresh probe's (clears a refused mark). */
  replaceMedia(id: string, media: MediaInfo, sizeBytes: number): void {
    this.db.prepare('UPDATE renditions SET media_json = ?, size_bytes = ? WHERE id = ?').run(JSON.stringify(media), sizeBytes, id);
  }

  /** Marks a rendition refused for reading, with why (its media facts stay as they were). */
  refuse(id: string, reason: string): void {
    const row = this.db.prepare('SELECT media_json FROM renditions WHERE id = ?').get(id) as { media_json: string } | undefined;
    if (!row) return;
    const media = { ...(JSON.parse(row.media_json) as Record<string, unknown>), [REFUSED_KEY]: reason };
    this.db.prepare('UPDATE renditions SET media_json = ? WHERE id = ?').run(JSON.stringify(media), id);
  }

  /** A rendition that a new encode at its path replaced, as it was; null when there is none. */
  replaced(id: string): Rendition | null {
    const row = this.db
      .prepare('SELECT rendition_json FROM replaced_renditions WHERE id = ?')
      .get(id) as { rendition_json: string } | undefined;
    return row ? fromRow(JSON.parse(row.rendition_json) as RenditionRow) : null;
  }

  /** The rendition recorded at a file path, or null. */
  atPath(file: string): Rendition | null {
    const row = this.db.prepare('SELECT * FROM renditions WHERE path = ?').get(file) as
      | RenditionRow
      | undefined;
    return row ? fromRow(row) : null;
  }

  /** One rendition by id. */
  get(id: string): Rendition | null {
    const row = this.db.prepare('SELECT * FROM renditions WHERE id = ?').get(id) as
      | RenditionRow
      | undefined;
    return row ? fromRow(row) : null;
  }

  /**
   * Inserts a rendition. A rendition already recorded at the same path (the file was just
   * overwritten by a re-run) is replaced; its id is returned so clients can drop it. The replaced
   * row is kept in `replaced_renditions`, so its scores still show, marked stale.
   */
  insert(r: Rendition): { replacedId: string | null } {
    return this.db.transaction(() => {
      const old = this.db.prepare('SELECT * FROM renditions WHERE path = ?').get(r.path) as
        | RenditionRow
        | undefined;
      if (old) {
        this.db
          .prepare(
            `INSERT OR REPLACE INTO replaced_renditions (id, path, replaced_by, replaced_at, rendition_json)
             VALUES (?, ?, ?, ?, ?)`,
          )
          .run(old.id, old.path, r.id, new Date().toISOString(), JSON.stringify(old));
        this.db.prepare('DELETE FROM renditions WHERE id = ?').run(old.id);
      }
      this.db
        .prepare(
          `INSERT INTO renditions (id, source_id, batch_id, job_id, rung_id, rung_json, path, encoder,
             width, height, bitrate_kbps, size_bytes, encode_seconds, command_json, media_json, created_at, worker)
           VALUES (@id, @source_id, @batch_id, @job_id, @rung_id, @rung_json, @path, @encoder,
             @width, @height, @bitrate_kbps, @size_bytes, @encode_seconds, @command_json, @media_json, @created_at,
             @worker)`,
        )
        .run(toRow(r));
      return { replacedId: old?.id ?? null };
    }).immediate(); // reads, then writes: see SqliteJobStore (SQLITE_BUSY_SNAPSHOT in WAL)
  }
}

function fromRow(row: RenditionRow): Rendition {
  // The refusal mark is the repo's business (see refusal()); clients get the media facts alone.
  const { [REFUSED_KEY]: _refused, ...media } = JSON.parse(row.media_json) as MediaInfo & { [REFUSED_KEY]?: unknown };
  return {
    id: row.id,
    sourceId: row.source_id,
    batchId: row.batch_id,
    jobId: row.job_id,
    rungId: row.rung_id,
    rung: JSON.parse(row.rung_json) as Rung,
    path: row.path,
    fileName: media.fileName,
    encoder: row.encoder,
    width: row.width,
    height: row.height,
    bitrateKbps: row.bitrate_kbps,
    sizeBytes: row.size_bytes,
    encodeSeconds: row.encode_seconds,
    command: JSON.parse(row.command_json) as string[][],
    media,
    createdAt: row.created_at,
    ...(row.worker ? { worker: row.worker } : {}),
  };
}

function toRow(r: Rendition): RenditionRow {
  return {
    id: r.id,
    source_id: r.sourceId,
    batch_id: r.batchId,
    job_id: r.jobId,
    rung_id: r.rungId,
    rung_json: JSON.stringify(r.rung),
    path: r.path,
    encoder: r.encoder,
    width: r.width,
    height: r.height,
    bitrate_kbps: r.bitrateKbps,
    size_bytes: r.sizeBytes,
    encode_seconds: r.encodeSeconds,
    command_json: JSON.stringify(r.command),
    media_json: JSON.stringify(r.media),
    created_at: r.createdAt,
    worker: r.worker ?? null,
  };
}
