/**
 * Validation of a ladder in the editor, shaped for it: each problem knows its rung and field, so
 * the message shows at the offending cell and, with a readable place, in the summary. The rules
 * are the shared LadderSchema's (the same the API and ladder files use).
 */
import { LadderSchema, type Ladder } from '../../../../shared/ladder';

/** One problem of a ladder. */
export interface LadderIssue {
  /** Index of the rung, or null for the ladder's own fields. */
  rung: number | null;
  /** Field path inside the rung (or ladder): "height", "rateControl.crf", "name". */
  field: string;
  message: string;
}

const FIELD_NAMES: Record<string, string> = {
  id: 'ID',
  name: 'Name',
  description: 'Description',
  rungs: 'Rungs',
  width: 'Width',
  height: 'Height',
  encoder: 'Encoder',
  rateControl: 'Rate control',
  'rateControl.mode': 'Rate control',
  'rateControl.crf': 'CRF',
  'rateControl.bitrateKbps': 'Bitrate',
  'rateControl.maxrateKbps': 'Maxrate',
  'rateControl.bufsizeKbps': 'Bufsize',
  'rateControl.twoPass': 'Two-pass',
  preset: 'Preset',
  gopSeconds: 'GOP',
  fixedGop: 'Fixed GOP',
  pixFmt: 'Pixel format',
  fpsCap: 'FPS cap',
  audio: 'Audio',
  'audio.bitrateKbps': 'Audio bitrate',
  container: 'Container',
};

type ZodIssue = NonNullable<ReturnType<typeof LadderSchema.safeParse>['error']>['issues'][number];

/** zod's generic wording ("Too small: expected number to be >=16") in the editor's words. */
function friendly(issue: ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.expected === 'number' ? 'enter a number' : issue.message;
    case 'too_small':
      if (!issue.message.startsWith('Too small')) return issue.message;
      if (issue.origin === 'string') return 'required';
      return issue.inclusive === false
        ? `must be more than ${issue.minimum}`
        : `must be at least ${issue.minimum}`;
    case 'too_big':
      if (!issue.message.startsWith('Too big')) return issue.message;
      if (issue.origin === 'string') return `at most ${issue.maximum} characters`;
      return `must be at most ${issue.maximum}`;
    default:
      return issue.message;
  }
}

/**
 * Rungs that repeat an earlier rung's id. The schema says so too, but only once every rung is
 * otherwise valid (zod skips a refinement over a list with broken items); the editor says it now.
 */
function duplicateIds(ladder: Ladder): LadderIssue[] {
  const seen = new Set<string>();
  const out: LadderIssue[] = [];
  ladder.rungs.forEach((r, i) => {
    if (seen.has(r.id))
      out.push({ rung: i, field: 'id', message: `rung id "${r.id}" is used twice` });
    seen.add(r.id);
  });
  return out;
}

/** Every problem of a ladder (none when it is valid). */
export function ladderIssues(ladder: Ladder): LadderIssue[] {
  const result = LadderSchema.safeParse(ladder);
  if (result.success) return [];
  const fromSchema = result.error.issues
    .map((issue) => {
      const path = issue.path.map(String);
      const inRung = path[0] === 'rungs' && path.length > 2;
      return {
        rung: inRung ? Number(path[1]) : null,
        field: (inRung ? path.slice(2) : path).join('.'),
        message: friendly(issue),
      };
    })
    .filter((i) => !(i.field === 'id' && i.message.endsWith('is used twice')));
  return [...fromSchema, ...duplicateIds(ladder)];
}

/** Messages for one cell: the field itself and anything below it ("rateControl" covers ".crf"). */
export function messagesAt(
  issues: readonly LadderIssue[],
  rung: number | null,
  field: string,
): string[] {
  return issues
    .filter((i) => i.rung === rung && (i.field === field || i.field.startsWith(`${field}.`)))
    .map((i) => i.message);
}

/** Where a problem is, for the summary: "Rung 3 (360p-crf33) · Height". */
export function issuePlace(issue: LadderIssue, ladder: Ladder): string {
  const field = FIELD_NAMES[issue.field] ?? issue.field;
  if (issue.rung === null) return field || 'Ladder';
  const id = ladder.rungs[issue.rung]?.id;
  return `Rung ${issue.rung + 1}${id ? ` (${id})` : ''} · ${field}`;
}
