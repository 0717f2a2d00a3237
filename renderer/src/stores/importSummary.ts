/** The one-line summary shown after an import. */
import type { ImportOutcome } from '../../../shared/library';
import { isStillImage, STILL_IMAGE_REMARK } from '../../../shared/media';

function files(n: number): string {
  return n === 1 ? '1 file' : `${n} files`;
}

/**
 * "Imported 2 files · 1 file already in the library", and a remark for each still image
 * ("photo.jpg is a still image: imported as a one-frame video"); null when nothing landed
 * (failures have their own panels).
 */
export function importSummary(outcome: ImportOutcome): string | null {
  const parts: string[] = [];
  if (outcome.imported.length) parts.push(`Imported ${files(outcome.imported.length)}`);
  if (outcome.existing.length) {
    parts.push(
      outcome.existing.length === 1 && outcome.imported.length === 0
        ? `${outcome.existing[0]!.fileName} is already in the library`
        : `${files(outcome.existing.length)} already in the library`,
    );
  }
  for (const item of outcome.imported) {
    if (isStillImage(item.media)) parts.push(`${item.fileName} is ${STILL_IMAGE_REMARK}`);
  }
  return parts.length ? parts.join(' · ') : null;
}
