/**
 * `vq hull RESULTS.json`: the convex hull of a source's renditions across resolutions (one per
 * encoder setting — encoder, preset, rate-control family — when the file names them, as the pooled
 * JSON export does; else one per encoder), the bitrates where the best resolution changes, and the
 * recommended per-title ladder.
 * RESULTS.json is what `vq score --json` printed (the renditions are probed for bitrate and size),
 * the `manifest.json` of `vq encode --score`, the pooled JSON export, or an array of
 * `{ bitrate, quality, width?, height?, label?, encoder?, preset?, rateMode? }` (bitrate in bits/s).
 * Options: `--quality` (vmafMean, vmafHmean, vmafP5, psnrY, psnr, ssim, msSsim, xpsnr, cambi; CAMBI
 * is lower-is-better: its hull is the lower envelope, and no ladder is picked on it, so the ladder
 * options `--target`, `--floor` and `--max-rungs` are usage errors with it), `--target`, `--floor`
 * (bits/s, or with k/M), `--max-rungs`, `--encoder` (pick one encoder, or name the encoder of
 * points that have none), `--settings NAME` (pick one encoder setting by the name the output
 * prints, e.g. "libx264 veryfast ABR"), `--save-ladder FILE.json` (the ladder in the app's format, for
 * `vq encode --ladder`), `--json`. Exit codes: 0 ok, 1 unusable file, 2 usage error.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ladderQualityProblem, rdQualityDirection, RD_QUALITIES, RD_QUALITY_LABELS, type RdQuality } from '../../shared/rd/quality';
import { VqError, toApiError } from '../../shared/errors';
import { formatBitsPerSecond } from '../../shared/format';
import type { Ladder, Rung } from '../../shared/ladder';
import { rungSizeText } from '../../shared/rungText';
import {
  DEFAULT_LADDER_PICK,
  curvesBySettings,
  ladderFromPicks,
  readResultsDocument,
  resolutionGroup,
  type CurvePoint,
  type LadderPickOptions,
  type SettingsCurve,
  type ResultPoint,
} from '../../shared/rd';
import { createCore } from '../core/core';
import { defaultDataDir } from '../core/paths';
import { fsErrorToVqError, probeFile } from '../core/probe';
import { renderTable } from './table';
import { UsageError } from './usageError';

/** A hull point with its rendition's facts. */
interface HullPoint extends CurvePoint {
  path: string | null;
}

/** "150000", "150k", "1.5M" → bits/s. */
export function parseRate(flag: string, text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kKmM]?)\s*$/.exec(text);
  if (!m) throw new UsageError(`${flag} ${text}: give a bitrate in bits/s, or with k or M (150000, 150k, 1.5M)`);
  const v = Number(m[1]) * (m[2] === '' ? 1 : m[2]!.toLowerCase() === 'k' ? 1e3 : 1e6);
  return v;
}

function numberFlag(flag: string, text: string, min: number, max: number, integer = false): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
    throw new UsageError(`${flag} ${text}: give ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}`);
  }
  return n;
}

function readJson(file: string): unknown {
  const abs = path.resolve(file);
  let text: string;
  try {
    text = fs.readFileSync(abs, 'utf8');
  } catch (err) {
    throw fsErrorToVqError((err as NodeJS.ErrnoException).code, abs) ?? err;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new VqError('INVALID_ARGS', `${file} is not JSON: ${(err as Error).message}.`, 'Pass the JSON file `vq score --json` printed, a manifest.json, or the pooled JSON export.');
  }
}

/** Measures the bitrate and size of renditions the results file does not describe (score JSON). */
async function measure(points: ResultPoint[], baseDir: string): Promise<ResultPoint[]> {
  const todo = points.filter((p) => p.path !== null && (p.bitrate === null || p.width === null));
  if (todo.length === 0) return points;
  const core = createCore({ dataDir: defaultDataDir(), host: { mode: 'web' }, queue: 'off' });
  try {
    const ffprobe = await core.toolchain.binaryFor('probe');
    const out: ResultPoint[] = [];
    for (const p of points) {
      if (!todo.includes(p)) {
        out.push(p);
        continue;
      }
      const file = path.resolve(baseDir, p.path!);
      if (!fs.existsSync(file)) {
        console.error(`vq: ${p.label}: ${file} is not there to measure its bitrate; left out`);
        out.push(p);
        continue;
      }
      const info = await probeFile(file, { ffprobe });
      const kbps = info.video.bitrateKbps ?? info.bitrateKbps;
      const bitrate = kbps !== null ? kbps * 1000 : info.durationSeconds ? (info.sizeBytes * 8) / info.durationSeconds : null;
      out.push({ ...p, bitrate: p.bitrate ?? bitrate, width: p.width ?? info.video.width, height: p.height ?? info.video.height });
    }
    return out;
  } finally {
    core.close();
  }
}

function ladderId(settings: string): string {
  return `per-title-${settings.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'ladder'}`.slice(0, 64);
}

/** The recommended ladder of a curve in the app's format (its setting's preset), or why there is none. */
function ladderOf(curve: SettingsCurve<HullPoint>, file: string, quality: RdQuality): { ladder: Ladder | null; reason: string | null } {
  const problem = ladderQualityProblem(quality);
  if (problem) return { ladder: null, reason: problem.replace(/\.$/, '') };
  if (!curve.encoder) return { ladder: null, reason: 'the results do not name the encoder; pass --encoder NAME' };
  const preset = curve.points[0]!.preset;
  try {
    return {
      ladder: ladderFromPicks(curve.picks, { id: ladderId(curve.label), name: `Per-title ${curve.label} from ${path.basename(file)}`, encoder: curve.encoder, ...(preset !== undefined ? { preset } : {}) }),
      reason: null,
    };
  } catch (err) {
    return { ladder: null, reason: toApiError(err).message };
  }
}

function resolutionOf(p: { width?: number; height?: number }): string {
  return p.width && p.height ? `${p.width}x${p.height}` : p.height ? `${p.height}p` : '–';
}

/** A recommended rung's size as its rung in the ladder file reads (shared/rungText.ts); '–' for none. */
function pickSize(p: { width?: number; height?: number }, rung: Rung | undefined): string {
  if (rung) return rungSizeText(rung);
  if (p.width === undefined && p.height === undefined) return '–';
  return rungSizeText({ width: p.width ?? null, height: p.height ?? null });
}

/** Runs `vq hull`; resolves to the exit code. */
export async function hullCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      quality: { type: 'string' },
      target: { type: 'string' },
      floor: { type: 'string' },
      'max-rungs': { type: 'string' },
      encoder: { type: 'string' },
      settings: { type: 'string' },
      'save-ladder': { type: 'string' },
      json: { type: 'boolean' },
    },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length !== 1) throw new UsageError('hull takes exactly one RESULTS.json');
  const quality = (values.quality ?? 'vmafMean') as RdQuality;
  if (!RD_QUALITIES.includes(quality)) throw new UsageError(`--quality ${values.quality}: use one of ${RD_QUALITIES.join(', ')}`);
  const pick: Partial<LadderPickOptions> = {};
  // The pick options only shape the recommended ladder: refused where no ladder is picked (CAMBI).
  const pickFlags = (['target', 'floor', 'max-rungs'] as const).filter((f) => values[f] !== undefined);
  if (pickFlags.length && ladderQualityProblem(quality)) {
    throw new UsageError(
      `${pickFlags.map((f) => `--${f}`).join(', ')}: no ladder is picked on ${RD_QUALITY_LABELS[quality]} (lower is better, with no target like VMAF 95), so ${pickFlags.length === 1 ? 'this option shapes' : 'these options shape'} nothing; leave ${pickFlags.length === 1 ? 'it' : 'them'} out, or pick the ladder on --quality vmafMean`,
    );
  }
  if (values.target !== undefined) pick.targetQuality = numberFlag('--target', values.target, 0, 1000);
  if (values.floor !== undefined) pick.floorBitrate = parseRate('--floor', values.floor);
  if (values['max-rungs'] !== undefined) pick.maxRungs = numberFlag('--max-rungs', values['max-rungs'], 1, 50, true);
  const file = positionals[0]!;
  try {
    const doc = readJson(file);
    const { format, points: read } = readResultsDocument(doc, quality);
    const measured = await measure(read, path.dirname(path.resolve(file)));
    const skipped: { label: string; reason: string }[] = [];
    const usable: HullPoint[] = [];
    measured.forEach((p, i) => {
      if (p.bitrate === null || !(p.bitrate > 0)) skipped.push({ label: p.label, reason: 'no bitrate' });
      else if (p.quality === null) skipped.push({ label: p.label, reason: `no ${RD_QUALITY_LABELS[quality]}` });
      else {
        usable.push({
          id: `${i}:${p.label}`,
          label: p.label,
          group: resolutionGroup(p.width, p.height),
          encoder: p.encoder ?? values.encoder ?? '',
          ...(p.preset !== undefined ? { preset: p.preset } : {}),
          ...(p.rateMode !== undefined ? { rateMode: p.rateMode } : {}),
          bitrate: p.bitrate,
          quality: p.quality,
          ...(p.width !== null ? { width: p.width } : {}),
          ...(p.height !== null ? { height: p.height } : {}),
          path: p.path,
        });
      }
    });
    const chosen = values.encoder && usable.some((p) => p.encoder === values.encoder) ? usable.filter((p) => p.encoder === values.encoder) : usable;
    if (values.encoder && chosen.length === usable.length && usable.some((p) => p.encoder !== values.encoder)) {
      throw new VqError('INVALID_ARGS', `No rendition in ${file} was made with ${values.encoder}.`, `The file has ${[...new Set(usable.map((p) => p.encoder))].join(', ')}.`);
    }
    if (chosen.length === 0) {
      throw new VqError('INVALID_ARGS', `${file} has no rendition with both a bitrate and ${RD_QUALITY_LABELS[quality]}.`, 'Score the renditions (vq encode --score), or choose another --quality.');
    }
    const direction = rdQualityDirection(quality);
    const all = curvesBySettings(chosen, pick, direction);
    const curves = values.settings === undefined ? all : all.filter((c) => c.label === values.settings);
    if (curves.length === 0) {
      throw new VqError('INVALID_ARGS', `No rendition in ${file} was made with the setting "${values.settings}".`, `The file has ${all.map((c) => `"${c.label}"`).join(', ')}.`);
    }
    const ladders = curves.map((c) => ladderOf(c, file, quality));
    if (values['save-ladder']) {
      if (curves.length !== 1) throw new UsageError(`--save-ladder: the file has ${curves.length} encoder settings (${curves.map((c) => `"${c.label}"`).join(', ')}); choose one with --settings NAME`);
      const l = ladders[0]!;
      if (!l.ladder) throw new VqError('INVALID_ARGS', `No ladder to save: ${l.reason}.`, 'See the hull printed above.');
      fs.writeFileSync(path.resolve(values['save-ladder']), `${JSON.stringify(l.ladder, null, 2)}\n`);
    }
    const options = { ...DEFAULT_LADDER_PICK, ...pick };
    if (values.json) {
      console.log(
        JSON.stringify(
          {
            file,
            format,
            quality,
            direction,
            options,
            curves: curves.map((c, i) => ({
              encoder: c.encoder,
              settings: c.label,
              points: c.points.length,
              hull: c.hull.map((p) => ({ label: p.label, bitrate: p.bitrate, quality: p.quality, width: p.width ?? null, height: p.height ?? null, group: p.group })),
              crossovers: c.crossovers,
              recommended: c.picks.map((r) => ({ bitrate: r.bitrate, quality: r.quality, width: r.point.width ?? null, height: r.point.height ?? null, from: r.point.label, why: r.why })),
              ladder: ladders[i]!.ladder,
            })),
            skipped,
          },
          null,
          2,
        ),
      );
      return 0;
    }
    const out: string[] = [];
    curves.forEach((c, i) => {
      if (i > 0) out.push('');
      out.push(`${c.encoder ? c.label : 'Renditions'}: ${c.points.length} point${c.points.length === 1 ? '' : 's'}, ${c.hull.length} on the convex hull (${RD_QUALITY_LABELS[quality]}${direction === 'lower' ? '; lower is better: the lower envelope' : ''})`, '');
      out.push(renderTable(['bitrate', 'quality', 'resolution', 'rendition'], c.hull.map((p) => [formatBitsPerSecond(p.bitrate), p.quality.toFixed(3), resolutionOf(p), p.label])));
      out.push('');
      const resolutions = new Set(c.hull.map((p) => p.group)).size;
      out.push(
        c.crossovers.length
          ? `Best resolution changes: ${c.crossovers.map((x) => `${x.from} → ${x.to} at ${formatBitsPerSecond(x.bitrate)}`).join('; ')}`
          : resolutions > 1
            ? 'Best resolution changes: none claimed (the hull changes resolution only between resolutions of a single point each: no curves cross there)'
            : 'Best resolution changes: none (one resolution on the hull)',
      );
      const l = ladders[i]!;
      if (direction === 'lower') {
        out.push('', `No recommended ladder: ${l.reason}.`);
        return;
      }
      out.push('', `Recommended ladder (top at quality ${options.targetQuality}, steps ${options.minStepRatio}–${options.maxStepRatio}×, ≤ ${options.maxQualityGap} apart, floor ${formatBitsPerSecond(options.floorBitrate)}, ≤ ${options.maxRungs} rungs):`, '');
      out.push(renderTable(['rung', 'size', 'bitrate', 'quality', 'why'], c.picks.map((r, k) => [String(k + 1), pickSize(r.point, l.ladder?.rungs[k]), formatBitsPerSecond(r.bitrate), r.quality.toFixed(2), r.why])));
      if (!l.ladder) out.push('', `No ladder file: ${l.reason}.`);
      else if (values['save-ladder']) out.push('', `Ladder "${l.ladder.id}" saved to ${values['save-ladder']} (vq encode SOURCE --ladder ${values['save-ladder']} …).`);
    });
    if (skipped.length) out.push('', `Left out: ${skipped.map((s) => `${s.label} (${s.reason})`).join(', ')}`);
    console.log(out.join('\n'));
    return 0;
  } catch (err) {
    if (values.json) console.log(JSON.stringify({ error: toApiError(err) }, null, 2));
    throw err;
  }
}
