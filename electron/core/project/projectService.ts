/**
 * `project.export` / `project.import`: one file with the metadata and results of some sources
 * (media by path). After an import commits, open clients hear the usual events (`library.added`,
 * `ladders.changed`, `batch.added`, `job.updated`, `rendition.added`, `score.added`,
 * `pertitle.updated`) and refresh.
 */
import fs from 'node:fs/promises';
import { VqError, toApiError } from '../../../shared/errors';
import type { LadderEntry } from '../../../shared/ladder';
import type { ProjectExport, ProjectFile, ProjectImportSummary } from '../../../shared/project';
import { PerTitleRepo } from '../analysis/perTitleRepo';
import type { EventHub } from '../events';
import { storeItemThumbnail } from '../ffmpeg/thumbnail';
import { checkInputFile, probeFile } from '../probe';
import type { SqliteJobStore } from '../queue/sqliteJobStore';
import { wholeMs } from '../media/fileIdentity';
import type { Db } from '../store/db';
import { REFUSED_KEY, type LibraryRepo } from '../store/libraryRepo';
import type { RenditionRepo } from '../store/renditionRepo';
import type { ScoreRepo } from '../store/scoreRepo';
import type { Toolchain } from '../toolchain';
import { exportFileName, exportProject } from './exportProject';
import { ImportJournal } from './importJournal';
import {
  IMPORT_SLICE,
  NOT_YET_PROBED,
  importProject,
  parseProject,
  type ProjectText,
} from './importProject';
import { processTag, processTagAlive } from '../processIdentity';

/** What the project service needs. */
export interface ProjectServiceDeps {
  db: Db;
  appVersion: string;
  thumbsDir: string;
  library: LibraryRepo;
  renditions: RenditionRepo;
  jobs: SqliteJobStore;
  scores: ScoreRepo;
  toolchain: Toolchain;
  events: EventHub;
  /** Built-in and saved ladders, as `ladders.list` returns them (for `ladders.changed`). */
  ladderEntries: () => LadderEntry[];
}

/** Exports and imports project files. */
export class ProjectService {
  constructor(private readonly deps: ProjectServiceDeps) {
    this.journal = new ImportJournal(deps.db);
  }

  /** The project of the given sources (all when none given) as a JSON download. */
  export(sourceIds?: readonly string[]): ProjectExport {
    const file = exportProject(this.deps.db, { sourceIds, appVersion: this.deps.appVersion });
    return {
      fileName: exportFileName(file),
      mimeType: 'application/json',
      text: JSON.stringify(file),
    };
  }

  private readonly journal: ImportJournal;

  /**
   * Rolls back what imports of dead processes left half-written (and forgets finished journals).
   * The app and `vq serve` call it at start; every import calls it first.
   */
  recoverImports(): Promise<string[]> {
    const run = this.importing.then(async () => {
      const rolledBack = await this.journal.recover(otherImportAlive);
      await this.verifyUnchecked();
      return rolledBack;
    });
    this.importing = run.catch(() => undefined);
    return run;
  }

  /**
   * Sources and renditions an import committed but did not get to probe (the process died between
   * the two) are probed now, so none stays refused for good.
   */
  private async verifyUnchecked(): Promise<void> {
    const marked = (table: 'sources' | 'renditions'): string[] =>
      (
        this.deps.db
          .prepare(`SELECT id FROM ${table} WHERE media_json LIKE ?`)
          .all(`%${JSON.stringify(NOT_YET_PROBED).slice(1, -1)}%`) as { id: string }[]
      ).map((r) => r.id);
    await this.verifySources(marked('sources'));
    await this.verifyRenditions(marked('renditions'));
  }

  /** The import in progress: imports run one at a time (each is written in several transactions). */
  private importing: Promise<unknown> = Promise.resolve();

  /**
   * Imports project text: validates it (INVALID_ARGS naming the bad field, nothing changed), adds
   * what is new (in slices, undone on failure), probes every new source on this machine (a source
   * whose file is missing, not a regular file or not a video stays as history but is refused for
   * reading), makes thumbnails for the readable ones and emits the events. Resolves to the summary.
   */
  async import(text: ProjectText): Promise<ProjectImportSummary> {
    // Read and checked before joining the one-at-a-time chain: a slow upload delays nobody.
    const file = await parseProject(text);
    const run = this.importing.then(() => this.importNow(file));
    this.importing = run.catch(() => undefined);
    return run;
  }

  private async importNow(file: ProjectFile): Promise<ProjectImportSummary> {
    const { db, events } = this.deps;
    // Already inside the one-at-a-time chain: recover directly, not through recoverImports().
    await this.journal.recover(otherImportAlive);
    const { summary, added } = await importProject(db, file, {
      journal: this.journal,
      runner: processTag(),
      isAlive: processTagAlive,
    });

    await this.verifySources(added.sources);
    await this.verifyRenditions(added.renditions);
    // Events go out in slices too: 100k sources are 100k events.
    let sent = 0;
    const paced = async (): Promise<void> => {
      if (++sent % IMPORT_SLICE === 0) await new Promise((resolve) => setImmediate(resolve));
    };
    for (const id of added.sources) {
      const src = this.deps.library.get(id);
      if (!src) continue;
      const thumb = src.refused
        ? null
        : await storeItemThumbnail(this.deps, {
            id,
            file: src.item.path,
            durationSeconds: src.item.media.durationSeconds,
            raw: src.raw,
          });
      if (thumb) db.prepare('UPDATE sources SET thumb_path = ? WHERE id = ?').run(thumb, id);
      events.emit({ type: 'library.added', item: { ...src.item, hasThumbnail: thumb !== null } });
      await paced();
    }
    if (added.ladders.length)
      events.emit({ type: 'ladders.changed', ladders: this.deps.ladderEntries() });
    for (const id of added.batches) {
      const batch = this.deps.jobs.getBatch(id);
      if (batch) events.emit({ type: 'batch.added', batch });
      await paced();
    }
    for (const id of added.jobs) {
      const job = this.deps.jobs.getJob(id);
      if (job) events.emit({ type: 'job.updated', job });
      await paced();
    }
    for (const id of added.renditions) {
      const rendition = this.deps.renditions.get(id);
      if (rendition) events.emit({ type: 'rendition.added', rendition });
      await paced();
    }
    for (const id of added.scoreResults) {
      const result = this.deps.scores.summary(id);
      if (result) events.emit({ type: 'score.added', result });
      await paced();
    }
    if (added.perTitleRuns.length) {
      const runs = new PerTitleRepo(db);
      for (const id of added.perTitleRuns) {
        const run = runs.get(id);
        if (run) events.emit({ type: 'pertitle.updated', run });
        await paced();
      }
    }
    return summary;
  }

  /**
   * Probes imported sources here: a regular file that ffprobe reads as video gets its fresh media
   * facts (the project's are replaced) and becomes readable; any other stays refused, with why.
   */
  private async verifySources(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    let ffprobe: string | null = null;
    for (const [n, id] of ids.entries()) {
      const src = this.deps.library.get(id);
      if (!src) continue;
      let reason: string;
      try {
        const checked = await checkInputFile(src.item.path, { raw: src.raw ?? undefined });
        if (checked.realPath !== src.item.path)
          throw new VqError('INVALID_ARGS', `${src.item.path} is a link to ${checked.realPath}.`);
        ffprobe ??= await this.deps.toolchain.binaryFor('probe');
        const media = await probeFile(checked.realPath, { ffprobe, raw: src.raw ?? undefined });
        const st = await fs.stat(checked.realPath);
        this.deps.db
          .prepare('UPDATE sources SET media_json = ?, size_bytes = ?, mtime_ms = ? WHERE id = ?')
          .run(JSON.stringify(media), checked.sizeBytes, wholeMs(st.mtimeMs), id);
        continue;
      } catch (err) {
        reason = `Not read: ${toApiError(err).message}`;
      }
      this.deps.db
        .prepare('UPDATE sources SET media_json = ? WHERE id = ?')
        .run(JSON.stringify({ ...src.item.media, [REFUSED_KEY]: reason }), id);
      if ((n + 1) % IMPORT_SLICE === 0) await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /**
   * Probes imported renditions here, as {@link verifySources} does sources: a regular file that
   * ffprobe reads as video gets fresh facts and may be served and scored; any other stays refused.
   */
  private async verifyRenditions(ids: readonly string[]): Promise<void> {
    let ffprobe: string | null = null;
    for (const [n, id] of ids.entries()) {
      const r = this.deps.renditions.get(id);
      if (!r) continue;
      try {
        const checked = await checkInputFile(r.path, {});
        if (checked.realPath !== r.path)
          throw new VqError('INVALID_ARGS', `${r.path} is a link to ${checked.realPath}.`);
        ffprobe ??= await this.deps.toolchain.binaryFor('probe');
        const media = await probeFile(checked.realPath, { ffprobe });
        this.deps.renditions.replaceMedia(id, media, checked.sizeBytes);
      } catch (err) {
        this.deps.renditions.refuse(id, `Not read: ${toApiError(err).message}`);
      }
      if ((n + 1) % IMPORT_SLICE === 0) await new Promise((resolve) => setImmediate(resolve));
    }
  }
}

/**
 * Whether an import's process still runs, for recovery inside the one-at-a-time chain: there, no
 * other import of this process is in progress, so one of this process's own left open (its undo
 * failed) is as dead as another process's.
 */
function otherImportAlive(runner: string): boolean {
  return runner !== processTag() && processTagAlive(runner);
}
