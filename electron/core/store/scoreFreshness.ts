/**
 * Whether a stored score still describes the files it measured: the one place that decides, for
 * every reader (Library, Analysis, Compare, reports, the CLI). A score is stale when the rendition
 * it scored was encoded again or removed, or when its file or its reference is missing or changed:
 * another size, or another mtime and another content hash (a touch alone changes nothing). A score
 * stored before identities were recorded is judged by what is still known: missing files and
 * replaced renditions.
 */
import type { ScoreStale, ScoreTarget } from '../../../shared/scoreResults';
import type { Db } from './db';
import { fileIdentities, statFile, type FileIdentities, type FileIdentity } from '../media/fileIdentity';

/** What a stored score recorded about the files it measured. */
export interface ScoredFiles {
  target: ScoreTarget;
  /** The distorted file as scored. */
  path: string;
  /** Its identity at score time; null for a score stored before identities were recorded. */
  identity: FileIdentity | null;
  referencePath: string;
  referenceIdentity: FileIdentity | null;
}

/** The reason shown for a score of a rendition that a new encode replaced. */
export const ENCODED_AGAIN = 'the file was encoded again after this score';

/** How a file differs from its recorded identity. */
export type FileChange =
  | { kind: 'missing' | 'size' | 'content' }
  /** It is there but cannot be looked at or read (`code`: EACCES, ELOOP, EIO, …). */
  | { kind: 'unreadable'; code: string };

/**
 * How a file differs from its recorded identity, or null when it is (or may be) the same. Never
 * throws: a file that cannot be stat'ed or read is a change of its own, so one such file never
 * breaks a whole list of scores.
 */
export function fileChange(
  file: string,
  recorded: FileIdentity | null,
  files: FileIdentities = fileIdentities,
): FileChange | null {
  try {
    const now = statFile(file);
    if (!now) return { kind: 'missing' };
    if (!recorded) return null;
    if (now.sizeBytes !== recorded.sizeBytes) return { kind: 'size' };
    if (now.mtimeMs === recorded.mtimeMs) return null;
    return files.hashOf(file, now) === recorded.hash ? null : { kind: 'content' };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException | null)?.code;
    return { kind: 'unreadable', code: typeof code === 'string' ? code : String(err) };
  }
}

function fileWords(change: FileChange): string {
  switch (change.kind) {
    case 'missing':
      return 'is missing';
    case 'size':
      return 'changed after this score (its size is different)';
    case 'content':
      return 'changed after this score (its content is different)';
    case 'unreadable':
      return `cannot be read (${change.code})`;
  }
}

/** Judges stored scores against the library's renditions and the files on disk. */
export class ScoreFreshness {
  constructor(
    private readonly db: Db,
    private readonly files: FileIdentities = fileIdentities,
  ) {}

  /** Null when the score still describes its files, else why not. */
  judge(s: ScoredFiles): ScoreStale {
    if (s.target.kind === 'rendition') {
      const replaced = this.renditionReplaced(s.target.id, s.path);
      if (replaced) return { reason: replaced };
    }
    const target = fileChange(s.path, s.identity, this.files);
    if (target) return { reason: `the scored file ${fileWords(target)}` };
    const reference = fileChange(s.referencePath, s.referenceIdentity, this.files);
    if (reference) return { reason: `the reference ${fileWords(reference)}` };
    return null;
  }

  /** Why the rendition a score points at is not the one at its path any more, or null. */
  private renditionReplaced(id: string, file: string): string | null {
    if (this.db.prepare('SELECT 1 FROM renditions WHERE id = ?').get(id)) return null;
    if (this.db.prepare('SELECT 1 FROM replaced_renditions WHERE id = ?').get(id)) {
      return ENCODED_AGAIN;
    }
    // Replaced before replacements were recorded: another rendition holds its path now.
    if (this.db.prepare('SELECT 1 FROM renditions WHERE path = ?').get(file)) return ENCODED_AGAIN;
    return 'the rendition was removed from the library';
  }
}
