/**
 * `vq bdrate --anchor A.csv --test B.csv [--method pchip|cubic] [--lower-is-better] [--json]`:
 * BD-rate and BD-quality of the test curve against the anchor (shared/rd). Each CSV has a header
 * with `bitrate` and `quality` columns (others ignored). `--lower-is-better` says the quality
 * column falls as quality improves (CAMBI): the curves must then fall with bitrate, the BD-rate
 * keeps its meaning (bits at equal quality) and a negative BD-quality is the better one; a
 * curve that repeats its lowest value (CAMBI 0 at several top rates) keeps only the cheapest of
 * those points (shared/rd `withoutRepeatedBest`; the text output says how many were left out).
 * `--json` prints exactly `{ method, bdRatePercent, bdQuality, overlap: [lo, hi] }` (bdQuality
 * null when the curves share no bitrate range). Exit codes: 0 computed, 1 an invalid file or
 * curve (message says which and why), 2 usage error.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { VqError, toApiError } from '../../shared/errors';
import { BD_METHODS, bdRate, parseRdCsv, qualityOverlapShare, withoutRepeatedBest, type BdMethod, type RdPoint } from '../../shared/rd';
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
    options: { anchor: { type: 'string' }, test: { type: 'string' }, method: { type: 'string' }, 'lower-is-better': { type: 'boolean' }, json: { type: 'boolean' } },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length > 0) throw new UsageError(`bdrate takes its curves as --anchor and --test, not "${positionals[0]}"`);
  if (!values.anchor) throw new UsageError('bdrate needs --anchor A.csv');
  if (!values.test) throw new UsageError('bdrate needs --test B.csv');
  const method = (values.method ?? 'pchip') as BdMethod;
  if (!BD_METHODS.includes(method)) throw new UsageError(`--method ${values.method}: use ${BD_METHODS.join(' or ')}`);
  try {
    const lower = values['lower-is-better'] === true;
    const direction = lower ? 'lower' : 'higher';
    const anchorRead = withoutRepeatedBest(readCurve('--anchor', values.anchor), direction);
    const testRead = withoutRepeatedBest(readCurve('--test', values.test), direction);
    const anchor = anchorRead.points;
    const test = testRead.points;
    const r = bdRate(anchor, test, method, direction);
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
        : `  BD-quality  ${signed(r.bdQuality, 4)}     mean quality difference at the same bitrate (log scale)${lower ? '; lower is better, so negative means the test curve is better' : ''}`,
      `  overlap     quality ${r.overlap[0]} – ${r.overlap[1]} (${Math.round(share * 100)} % of the combined range; ${anchor.length} anchor and ${test.length} test points)`,
    ];
    if (share < 0.75) lines.push('', `  note: the curves share less than 75 % of their quality range; the figures rest on a small overlap.`);
    for (const [name, read] of [['anchor', anchorRead], ['test', testRead]] as const) {
      const n = read.dropped.length;
      if (n > 0) lines.push('', `  note: the ${name} curve reaches its lowest value (${read.dropped[0]!.quality}) at ${n + 1} bitrates; only the cheapest is used (${n} dearer point${n === 1 ? '' : 's'} gain${n === 1 ? 's' : ''} nothing).`);
    }
    console.log(lines.join('\n'));
    return 0;
  } catch (err) {
    if (values.json) console.log(JSON.stringify({ error: toApiError(err) }, null, 2));
    throw err;
  }
}
