/** Ladder JSON files: reading one the person picked (validated), and writing one to download. */
import { LadderSchema, type Ladder } from '../../../../shared/ladder';
import { ladderIssues, type LadderIssue } from './ladderIssues';

/** A ladder read from a file, with its problems (it loads so they can be fixed), or why not. */
export type LadderFileResult =
  { ok: true; ladder: Ladder; problems: LadderIssue[] } | { ok: false; message: string };

/**
 * Reads a ladder file: a ladder object, or a listed entry `{ ladder, builtIn }`. A ladder whose
 * shape is right but whose values break a rule (odd height, wrong container) still loads, with
 * its problems, so the person can fix them in the editor; anything else is refused with why.
 */
export function parseLadderFile(text: string): LadderFileResult {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    return {
      ok: false,
      message: `The file is not JSON: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
  if (typeof data === 'object' && data !== null && 'ladder' in data && !('rungs' in data)) {
    data = (data as { ladder: unknown }).ladder;
  }
  const parsed = LadderSchema.safeParse(data);
  if (parsed.success) return { ok: true, ladder: parsed.data, problems: [] };
  // Only rule violations (custom issues) left: the shape is a ladder's, so it can be edited.
  if (parsed.error.issues.every((i) => i.code === 'custom')) {
    const ladder = data as Ladder;
    return { ok: true, ladder, problems: ladderIssues(ladder) };
  }
  const lines = parsed.error.issues
    .slice(0, 4)
    .map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`);
  const more = parsed.error.issues.length - lines.length;
  return {
    ok: false,
    message: `The file is not a VQ Studio ladder. ${lines.join('; ')}${more > 0 ? `; and ${more} more` : ''}.`,
  };
}

/** The JSON text of a ladder file (what parseLadderFile reads back). */
export function ladderJson(ladder: Ladder): string {
  return `${JSON.stringify(ladder, null, 2)}\n`;
}

/** File name for an exported ladder: "<id>.json". */
export function ladderFileName(ladder: Ladder): string {
  const safe = ladder.id.replace(/[^A-Za-z0-9_-]/g, '');
  return `${safe || 'ladder'}.json`;
}
