/**
 * Rate–quality points from CSV text (the `vq bdrate` input): a header row naming the columns, with
 * `bitrate` and `quality` among them in any order (case-insensitive; other columns ignored), then one
 * point per line. Fields may be double-quoted (`"1,5"` is not a number, `"1500"` is; `""` escapes a
 * quote). Blank lines are skipped. A malformed line gives a VqError naming it.
 */
import { VqError } from '../errors';
import type { RdPoint } from './hull';

/** Splits one CSV line into fields, honouring double quotes; null when a quote is not closed. */
function splitLine(line: string): string[] | null {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  while (i < line.length) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i += 2;
        continue;
      }
      if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      out.push(field);
      field = '';
    } else field += c;
    i++;
  }
  if (quoted) return null;
  out.push(field);
  return out;
}

/** CSV with a header and columns `bitrate` and `quality` (others ignored) → points; VqError on malformed input naming the line. */
export function parseRdCsv(text: string): RdPoint[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  const headerIndex = lines.findIndex((l) => l.trim() !== '');
  if (headerIndex < 0) throw new VqError('INVALID_CURVE', 'The CSV is empty.', 'Write a header line "bitrate,quality" and one point per line.');
  const header = splitLine(lines[headerIndex]!);
  if (header === null) throw new VqError('INVALID_CURVE', `Line ${headerIndex + 1}: a quote is not closed.`, 'Close the quote or remove it.');
  const names = header.map((h) => h.trim().toLowerCase());
  const bi = names.indexOf('bitrate');
  const qi = names.indexOf('quality');
  if (bi < 0 || qi < 0) {
    const missing = [bi < 0 ? 'bitrate' : null, qi < 0 ? 'quality' : null].filter(Boolean).join(' and ');
    throw new VqError(
      'INVALID_CURVE',
      `Line ${headerIndex + 1}: the header has no ${missing} column (found: ${header.map((h) => h.trim()).join(', ') || 'nothing'}).`,
      'The first line must name the columns, e.g. "bitrate,quality" (bitrate in bits/s or any one unit).',
    );
  }
  const points: RdPoint[] = [];
  for (let i = headerIndex + 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    const fields = splitLine(line);
    const n = i + 1;
    if (fields === null) throw new VqError('INVALID_CURVE', `Line ${n}: a quote is not closed.`, 'Close the quote or remove it.');
    const num = (idx: number, name: string): number => {
      const raw = fields[idx];
      if (raw === undefined) throw new VqError('INVALID_CURVE', `Line ${n}: there is no ${name} value (${fields.length} field${fields.length === 1 ? '' : 's'}, the header has ${header.length}).`, 'Give every line a value in each column.');
      const t = raw.trim();
      const v = t === '' ? Number.NaN : Number(t);
      if (!Number.isFinite(v)) throw new VqError('INVALID_CURVE', `Line ${n}: ${name} "${t}" is not a number.`, 'Use plain decimal numbers, with "." as the decimal point and no units.');
      return v;
    };
    points.push({ bitrate: num(bi, 'bitrate'), quality: num(qi, 'quality') });
  }
  if (points.length === 0) throw new VqError('INVALID_CURVE', 'The CSV has a header but no points.', 'Add one line per rate point.');
  return points;
}
