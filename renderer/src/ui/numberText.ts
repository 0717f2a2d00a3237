/** Numbers in text fields: what a typed text means, and how a number is shown for editing. */

/** '' → null (left empty); a number → it; anything else → NaN (validation says "enter a number"). */
export function parseNumberText(text: string): number | null {
  const t = text.trim().replace(',', '.');
  if (t === '') return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : Number.NaN;
}

/** The text of a value in a field: '' for null, undefined and NaN. */
export function numberText(value: number | null | undefined): string {
  return value === null || value === undefined || Number.isNaN(value) ? '' : String(value);
}

/** True when two field values mean the same (NaN equals NaN, null equals undefined). */
export function sameNumber(a: number | null | undefined, b: number | null | undefined): boolean {
  if (a === null || a === undefined) return b === null || b === undefined;
  if (b === null || b === undefined) return false;
  return Object.is(a, b) || a === b;
}
