/** The summary of a project import in sentences: what landed, what was there, what is missing. */
import type { ImportCount, ProjectImportSummary } from '../../../../shared/project';

const KINDS: readonly [keyof ProjectImportSummary, string, string][] = [
  ['sources', 'source', 'sources'],
  ['ladders', 'ladder', 'ladders'],
  ['batches', 'batch', 'batches'],
  ['jobs', 'job', 'jobs'],
  ['renditions', 'rendition', 'renditions'],
  ['scoreResults', 'score', 'scores'],
  ['perTitleRuns', 'per-title run', 'per-title runs'],
];

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * Lines for the import summary: "Added 1 source, 6 renditions, 6 scores.", "Already in the
 * library: …", then what needs attention (missing or changed media, interrupted jobs, remapped ids).
 */
export function projectSummaryLines(s: ProjectImportSummary): string[] {
  const added: string[] = [];
  const skipped: string[] = [];
  for (const [key, one, many] of KINDS) {
    const c = s[key] as ImportCount;
    if (c.added) added.push(count(c.added, one, many));
    if (c.skipped) skipped.push(count(c.skipped, one, many));
  }
  const lines = [added.length ? `Added ${added.join(', ')}.` : 'Nothing new was added.'];
  if (skipped.length) lines.push(`Already in the library: ${skipped.join(', ')}.`);
  if (s.missingFiles.length) {
    lines.push(
      `${count(s.missingFiles.length, 'media file is', 'media files are')} not on this machine: ${s.missingFiles.join(', ')}.`,
    );
  }
  if (s.changedFiles.length) {
    lines.push(
      `${count(s.changedFiles.length, 'media file differs', 'media files differ')} from the project's record (size or date): ${s.changedFiles.join(', ')}.`,
    );
  }
  if (s.interruptedJobs.length) {
    lines.push(
      `${count(s.interruptedJobs.length, 'job was', 'jobs were')} unfinished in the file and came in as interrupted; retry them in the Queue.`,
    );
  }
  if (s.remapped.length) {
    lines.push(
      `${count(s.remapped.length, 'item was', 'items were')} already in the library under another id; the project's records now point at it.`,
    );
  }
  return lines;
}
