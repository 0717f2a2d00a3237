/**
 * `vq bdrate --anchor A.csv --test B.csv [--method pchip|cubic] [--json]`: BD-rate and BD-quality
 * of the test curve against the anchor (shared/rd). Each CSV has a header with `bitrate` and
 * `quality` columns (others ignored). `--json` prints exactly `{ method, bdRatePercent, bdQuality,
 * overlap: [lo, hi] }` (bdQuality null when the curves share no bitrate range). Exit codes: 0
 * computed, 1 an invalid file or curve (message says which and why), 2 usage error.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { VqError, toApiError } from '../../shared/errors';
import { BD_METHODS, bdRate, parseRdCsv, qualityOverlapShare, type BdMethod, type RdPoint } from '../../shared/rd';
import { fsErrorToVqError } from '../core/probe';
import { UsageError } from './usageError';

/** Reads one curve; a VqError names the file. */
function readCurve(flag: string, file: string): RdPoint[] {
  let text: string;
  try {
    text = fs.readFileSync(path.resolve(file), 'utf8');
  } catch (err) {
    throw fsErrorToVqError((err as NodeJS.ErrnoException).code, path.resolve(file)) ?? err;
  }
  try {
    return parseRdCsv(text);
  } catch (err) {
    if (err instanceof VqError) throw new VqError(err.code, `${flag} ${file}: ${err.message}`, err.hint);
    throw err;
  }
}

function signed(v: number, digits: number): string {
  return `${v > 0 ? '+' : ''}${v.toFixed(digits)}`;
}

/** Runs `vq bdrate`; resolves to the exit code. */
export async function bdrateCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { anchor: { type: 'string' }, test: { type: 'string' }, method: { type: 'string' }, json: { type: 'boolean' } },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length > 0) throw new UsageError(`bdrate takes its curves as --anchor and --test, not "${positionals[0]}"`);
  if (!values.anchor) throw new UsageError('bdrate needs --anchor A.csv');
  if (!values.test) throw new UsageError('bdrate needs --test B.csv');
  const method = (values.method ?? 'pchip') as BdMethod;
  if (!BD_METHODS.includes(method)) throw new UsageError(`--method ${values.method}: use ${BD_METHODS.join(' or ')}`);
  try {
    const anchor = readCurve('--anchor', values.anchor);
    const test = readCurve('--test', values.test);
    const r = bdRate(anchor, test, method);
    if (values.json) {
      console.log(JSON.stringify({ method: r.method, bdRatePercent: r.bdRatePercent, bdQuality: r.bdQuality, overlap: r.overlap }, null, 2));
      return 0;
    }
    const share = qualityOverlapShare(anchor, test);
    const lines = [
      `BD-rate (${method === 'pchip' ? 'PCHIP, exact integral' : 'cubic fit, VCEG-M33'}) of ${values.test} against ${values.anchor}:`,
      '',
      `  BD-rate     ${signed(r.bdRatePercent, 3)} %   ${r.bdRatePercent < 0 ? `the test curve needs ${(-r.bdRatePercent).toFixed(2)} % fewer bits for the same quality` : r.bdRatePercent > 0 ? `the test curve needs ${r.bdRatePercent.toFixed(2)} % more bits for the same quality` : 'the same bits for the same quality'}`,
      r.bdQuality === null
        ? `  BD-quality  none        the curves share no bitrate range (the BD-rate needs only a shared quality range)`
        : `  BD-quality  ${signed(r.bdQuality, 4)}     mean quality difference at the same bitrate (log scale)`,
      `  overlap     quality ${r.overlap[0]} – ${r.overlap[1]} (${Math.round(share * 100)} % of the combined range; ${anchor.length} anchor and ${test.length} test points)`,
    ];
    if (share < 0.75) lines.push('', `  note: the curves share less than 75 % of their quality range; the figures rest on a small overlap.`);
    console.log(lines.join('\n'));
    return 0;
  } catch (err) {
    if (values.json) console.log(JSON.stringify({ error: toApiError(err) }, null, 2));
    throw err;
  }
}
