/**
 * `vq score --ref REF --dist D1 [--dist D2 …]`: VMAF, PSNR, SSIM and MS-SSIM (and on request
 * CAMBI and XPSNR) of files given by path, without the library, in one ffmpeg process. Prints the pre-flight findings first and
 * refuses a pair they block unless a `--fix` resolves it; a progress bar on a TTY; then a table,
 * or `--json` (the issue's shape, see scoreEngine/export.ts). `--per-frame FILE.csv` writes every frame.
 * Exit codes: 0 scored, 1 failed or blocked (findings printed), 2 usage error, 130 after Ctrl+C.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { toApiError } from '../../shared/errors';
import type { RawVideoSpec } from '../../shared/media';
import type { FixId, PreflightFinding } from '../../shared/preflight';
import { parseRawSpec } from '../../shared/rawSpec';
import { DROPPED_FRAMES } from '../../shared/frameMatch';
import {
  ALIGN_MODES,
  SERIES_LABELS,
  ScoreOptionsSchema,
  type ScoreOptions,
  type ScoreRunResult,
  type ScoreSeries,
} from '../../shared/score';
import { createCore } from '../core/core';
import { formatCommand } from '../core/ffmpeg/commandLine';
import { etaSeconds } from '../core/ffmpeg/progress';
import { frameList } from '../core/align/alignVideos';
import { dataLayout, defaultDataDir } from '../core/paths';
import { checkInputFile } from '../core/probe';
import {
  PreflightBlockedError,
  executeScorePlans,
  planScoreProcesses,
  parseFixArg,
  parseMetricsArg,
  parseModelArg,
  parseScaleArg,
  perFrameCsv,
  scoreJson,
  type ScorePlan,
} from '../core/scoreEngine';
import { ProgressPainter, clock } from './batchProgress';
import { EXIT_CANCELED } from './encodeCommand';
import { renderTable } from './table';
import { UsageError } from './usageError';
import { abortOnCtrlC } from './ctrlC';

/** `vq score --help`: the flags, and which metric needs what of the ffmpeg build. */
export const SCORE_HELP = `Usage: vq score --ref REF --dist D1 [--dist D2 …] [options]

Quality of files against a reference in one ffmpeg process; pre-flight findings first.

  --metrics LIST     comma-separated, default vmaf,psnr,ssim,ms_ssim:
                       vmaf      VMAF (needs an ffmpeg with libvmaf)
                       psnr      PSNR, luma and all planes (any ffmpeg)
                       ssim      SSIM, luma and all planes (any ffmpeg)
                       ms_ssim   MS-SSIM (libvmaf; skipped below 176 pixels)
                       cambi     CAMBI banding index 0..24, lower is better (libvmaf 2 or later;
                                 skipped when the longer side is below 216 pixels)
                       xpsnr     XPSNR of Y, U and V in dB (FFmpeg 7.1 or later; needs the
                                 videos' frame rate)
                     a metric this ffmpeg cannot compute is listed as unavailable with the
                     reason; asking only for such metrics is an error (exit 1)
  --model NAME|PATH  VMAF model: auto, vmaf_v0.6.1, 4k, neg, phone, a .json/.pkl file, or a
                     model libvmaf has built in, e.g. vmaf_v1.0.16_3d0h (VMAF v1, libvmaf 3.2
                     or later, measured at 10 bits as Netflix recommends); \`vq doctor\` lists
                     the built-in models of each ffmpeg
  --scale auto|WxH   compare at this size (default: the reference's)
  --start S          first second scored;  --frames N  frames scored;  --subsample N  every n-th
  --threads N        libvmaf threads (default: all cores, shared among the --dist files; one
                     thread per video when the title is too long for libvmaf's frame queue)
  --fix NAME         apply a pre-flight fix (repeatable)
  --align MODE       match the frames by their pictures before scoring (see \`vq align\`):
                       auto  when the pre-flight finds the timing or frame off (rates, frame
                             counts, start times, a variable rate, the aspect): the default
                       on    for every pair;   off  never (a --fix that needs it still looks)
                     a match found surely is scored on by itself (not with off, nor over a
                     --fix convert-fps or trim-to-shortest); the result records it; black bars
                     found need --fix crop-distorted or crop-reference
  --dropped MODE     reference frames the distorted video lacks, when matched: exclude (default)
                     leaves them out, hold scores each against the frame shown in its place
  --per-frame F.csv  every frame's values;  --json  the result as JSON on stdout
  --ref-raw / --dist-raw WxH:pix_fmt:fps   geometry of headerless raw video

Exit codes: 0 scored, 1 failed or blocked (choose a --fix), 2 usage error, 130 after Ctrl+C.
\`vq doctor\` shows what the ffmpeg builds on this machine can measure.`;

/** Runs `vq score`; resolves to the exit code. */
export async function scoreCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      ref: { type: 'string' },
      dist: { type: 'string', multiple: true },
      metrics: { type: 'string' },
      model: { type: 'string' },
      scale: { type: 'string' },
      start: { type: 'string' },
      frames: { type: 'string' },
      subsample: { type: 'string' },
      threads: { type: 'string' },
      fix: { type: 'string', multiple: true },
      align: { type: 'string' },
      dropped: { type: 'string' },
      json: { type: 'boolean' },
      'per-frame': { type: 'string' },
      'ref-raw': { type: 'string' },
      'dist-raw': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    console.log(SCORE_HELP);
    return 0;
  }
  if (positionals.length > 0) {
    throw new UsageError(`score takes its files as --ref and --dist, not "${positionals[0]}"`);
  }
  if (!values.ref) throw new UsageError('score needs --ref REFERENCE');
  const dists = values.dist ?? [];
  if (dists.length === 0) throw new UsageError('score needs at least one --dist DISTORTED');
  if (dists.length > 16) throw new UsageError('score takes at most 16 --dist files in one run');
  const options = readOptions(values);
  const refRaw = rawOption('--ref-raw', values['ref-raw']);
  const distRaw = rawOption('--dist-raw', values['dist-raw']);
  const json = values.json === true;
  const perFrameFile = values['per-frame'] ? path.resolve(values['per-frame']) : null;

  const core = createCore({ dataDir: defaultDataDir(), host: { mode: 'web' }, queue: 'off' });
  const ctrlC = abortOnCtrlC();
  try {
    const ref = await checkInputFile(values.ref, { raw: refRaw });
    const distorted = [];
    for (const d of dists) {
      const checked = await checkInputFile(d, { raw: distRaw });
      distorted.push({ path: checked.realPath, raw: distRaw ?? null });
    }
    if (perFrameFile) checkWritable(perFrameFile);
    const { plan, processes } = await planScoreProcesses(
      { ...options, reference: { path: ref.realPath, raw: refRaw ?? null }, distorted },
      { toolchain: core.toolchain, cacheDir: dataLayout(core.dataDir).cache },
      ctrlC.signal,
    );
    printPreflight(plan);
    if (plan.blocked) throw new PreflightBlockedError(plan);
    if (ctrlC.signal.aborted) return EXIT_CANCELED;
    console.error(
      `vq: scoring ${plan.pairs.length} video(s) against ${path.basename(plan.reference.path)} ` +
        `(${plan.metrics.join(', ')}) in ${processes.length === 1 ? 'one ffmpeg process' : `${processes.length} ffmpeg processes (libvmaf 1.x: one per video)`}`,
    );
    const run = await runWithProgress(processes, ctrlC.signal);
    if (perFrameFile) writeAtomically(perFrameFile, perFrameCsv(run));
    if (json) console.log(JSON.stringify(scoreJson(run), null, 2));
    else console.log(describeRun(run, perFrameFile, plan.reference.media.video.hdr));
    return 0;
  } catch (err) {
    const e = toApiError(err);
    if (ctrlC.signal.aborted || e.code === 'CANCELED') {
      console.error('vq: scoring canceled.');
      return EXIT_CANCELED;
    }
    if (json) {
      const blocked = err instanceof PreflightBlockedError ? err.blocked : undefined;
      console.log(JSON.stringify({ error: e, ...(blocked ? { blocked } : {}) }, null, 2));
    }
    throw err;
  } finally {
    ctrlC.release();
    core.close();
  }
}

interface ScoreFlags {
  metrics?: string;
  model?: string;
  scale?: string;
  start?: string;
  frames?: string;
  subsample?: string;
  threads?: string;
  fix?: string[];
  align?: string;
  dropped?: string;
}

/** The flags as validated score options (a mistake is a usage error, exit 2). */
function readOptions(v: ScoreFlags): ScoreOptions {
  const o: ScoreOptions = {};
  if (v.metrics !== undefined) o.metrics = parsed('--metrics', parseMetricsArg(v.metrics));
  if (v.model !== undefined) {
    const model = parseModelArg(v.model);
    if (!model) {
      throw new UsageError(
        `--model ${v.model}: not a model name (letters, digits, "_", "." and "-": auto, vmaf_v0.6.1, 4k, neg, phone, vmaf_v1.0.16_3d0h or another built-in name \`vq doctor\` lists) or a .json/.pkl file`,
      );
    }
    o.model = model;
  }
  if (v.scale !== undefined) o.scale = parsed('--scale', parseScaleArg(v.scale));
  if (v.start !== undefined) o.startSeconds = numberFlag('--start', v.start, 0, 1e7, false);
  if (v.frames !== undefined) o.frames = numberFlag('--frames', v.frames, 1, 1e8, true);
  if (v.subsample !== undefined)
    o.subsample = numberFlag('--subsample', v.subsample, 1, 1000, true);
  if (v.threads !== undefined) o.threads = numberFlag('--threads', v.threads, 1, 1024, true);
  if (v.fix?.length)
    o.fixes = [...new Set(v.fix.map((f) => parsed<FixId>('--fix', parseFixArg(f))))];
  if (v.align !== undefined) o.align = oneOf('--align', v.align, ALIGN_MODES);
  if (v.dropped !== undefined) o.droppedFrames = oneOf('--dropped', v.dropped, DROPPED_FRAMES);
  const checked = ScoreOptionsSchema.safeParse(o);
  if (!checked.success) throw new UsageError(checked.error.issues[0]?.message ?? 'invalid options');
  return checked.data;
}

function oneOf<T extends string>(flag: string, text: string, choices: readonly T[]): T {
  if ((choices as readonly string[]).includes(text)) return text as T;
  throw new UsageError(`${flag} ${text}: give one of ${choices.join(', ')}`);
}

function parsed<T>(flag: string, r: { ok: true; value: T } | { ok: false; message: string }): T {
  if (!r.ok) throw new UsageError(`${flag}: ${r.message}`);
  return r.value;
}

function numberFlag(
  flag: string,
  text: string,
  min: number,
  max: number,
  integer: boolean,
): number {
  const n = Number(text);
  if (
    text.trim() === '' ||
    !Number.isFinite(n) ||
    n < min ||
    n > max ||
    (integer && !Number.isInteger(n))
  ) {
    throw new UsageError(
      `${flag} ${text}: give ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}`,
    );
  }
  return n;
}

function rawOption(flag: string, text: string | undefined): RawVideoSpec | undefined {
  if (text === undefined) return undefined;
  const r = parseRawSpec(text);
  if (!r.ok) throw new UsageError(`${flag}: ${r.message}`);
  return r.spec;
}

/** Fails before scoring when the CSV cannot be written, not after minutes of work. */
function checkWritable(file: string): void {
  const dir = path.dirname(file);
  try {
    fs.accessSync(dir, fs.constants.W_OK);
  } catch {
    throw new UsageError(
      `--per-frame ${file}: the folder ${dir} does not exist or is not writable`,
    );
  }
}

function writeAtomically(file: string, text: string): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.part`);
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

const SEVERITY_LABEL: Record<PreflightFinding['severity'], string> = {
  block: 'BLOCKS',
  warn: 'warning',
  info: 'note',
};

/** The pre-flight findings of every pair, on stderr (stdout stays clean for --json). */
function printPreflight(plan: ScorePlan): void {
  for (const p of plan.pairs) {
    if (p.findings.length === 0) continue;
    console.error(
      `vq: pre-flight of ${path.basename(p.path)} against ${path.basename(plan.reference.path)}:`,
    );
    for (const f of p.findings) {
      const fixed = f.severity === 'block' && !p.resolution.unresolved.includes(f);
      const fixes = f.fixes.length ? ` [fix: ${f.fixes.join(' | ')}]` : '';
      console.error(`    ${fixed ? 'fixed' : SEVERITY_LABEL[f.severity]}: ${f.message}${fixes}`);
    }
    if (p.resolution.applied.length)
      console.error(`    applied: ${p.resolution.applied.join(', ')}`);
  }
  for (const u of plan.unavailable) console.error(`vq: ${u.metric} unavailable: ${u.reason}`);
}

async function runWithProgress(
  processes: ScorePlan[],
  signal: AbortSignal,
): Promise<ScoreRunResult> {
  const painter = process.stderr.isTTY === true ? new ProgressPainter(process.stderr) : null;
  const started = Date.now();
  const run = await executeScorePlans(processes, {
    signal,
    onProgress: (p) => {
      if (!painter) return;
      const f = p.fraction ?? 0;
      const width = 20;
      const filled = Math.round(Math.min(1, Math.max(0, f)) * width);
      const fps = p.fps === null ? '– fps' : `${Math.round(p.fps)} fps`;
      const speed = p.speed === null ? '–x' : `${p.speed.toFixed(2)}x`;
      const eta = etaSeconds(p.fraction, (Date.now() - started) / 1000);
      painter.paint(
        [
          `scoring  [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${`${Math.floor(f * 100)}%`.padStart(4)}  ` +
            `${fps}, ${speed}  ETA ${clock(p.fraction === 1 ? 0 : eta)}`,
        ],
        p.fraction === 1,
      );
    },
  });
  return run;
}

/** A pooled figure for the table: fixed decimals, inf for infinite PSNR, – when absent. */
function fig(
  run: ScoreRunResult['results'][number],
  s: ScoreSeries,
  key: 'mean' | 'harmonicMean' | 'p5' | 'min',
  digits: number,
): string {
  const v = run.metrics[s]?.[key];
  if (v === undefined || Number.isNaN(v)) return '–';
  if (v === Infinity) return 'inf';
  return v.toFixed(digits);
}

/** Columns shown only when a result has the series: the metrics asked for by name. */
const OPTIONAL_COLUMNS: readonly { series: ScoreSeries; title: string; digits: number }[] = (
  ['xpsnr', 'xpsnrU', 'xpsnrV', 'cambi'] as const
).map((series) => ({ series, title: SERIES_LABELS[series], digits: 3 }));

/** A match scored on, in one line: where it starts, what it lacks, how sure. */
function describeMatch(r: ScoreRunResult['results'][number]): string {
  const m = r.alignment.frameMatch!;
  const first = m.mapping[0]!;
  const parts = [`distorted frame ${first.distStart} = reference frame ${first.refStart}`];
  if (m.dropped.length)
    parts.push(
      `${m.dropped.length} reference frame(s) lacking (${frameList(m.dropped)}): ${m.droppedFrames === 'hold' ? 'scored against the frame held' : 'left out'}`,
    );
  if (m.repeated.length) parts.push(`${m.repeated.length} repeated frame(s) left out`);
  parts.push(`confidence ${m.confidence.toFixed(2)}`);
  return parts.join('; ');
}

function describeRun(
  run: ScoreRunResult,
  perFrameFile: string | null,
  hdr: 'pq' | 'hlg' | null,
): string {
  const optional = OPTIONAL_COLUMNS.filter((c) => run.results.some((r) => r.metrics[c.series]));
  // An HDR reference: the signal metrics are labelled with the code values they compare.
  const onCodes = (title: string): string => (hdr ? `${title} (${hdr.toUpperCase()})` : title);
  const rows = run.results.map((r) => [
    path.basename(r.distorted),
    String(r.frames),
    fig(r, 'vmaf', 'mean', 3),
    fig(r, 'vmaf', 'harmonicMean', 3),
    fig(r, 'vmaf', 'p5', 3),
    fig(r, 'vmaf', 'min', 3),
    fig(r, 'psnrY', 'mean', 3),
    fig(r, 'psnr', 'mean', 3),
    fig(r, 'ssimY', 'mean', 5),
    fig(r, 'ssim', 'mean', 5),
    fig(r, 'msSsim', 'mean', 5),
    ...optional.map((c) => fig(r, c.series, 'mean', c.digits)),
  ]);
  const out = [
    `Scores against ${run.reference}`,
    '',
    renderTable(
      [
        'distorted',
        'frames',
        'VMAF',
        'harmonic',
        'p5',
        'min',
        onCodes('PSNR-Y'),
        onCodes('PSNR'),
        onCodes('SSIM-Y'),
        onCodes('SSIM'),
        'MS-SSIM',
        ...optional.map((c) => (c.series.startsWith('xpsnr') ? onCodes(c.title) : c.title)),
      ],
      rows,
    ),
  ];
  if (optional.some((c) => c.series === 'cambi')) {
    out.push('', 'CAMBI: mean banding index, 0 (none) to 24; lower is better.');
  }
  const notes = new Map<string, string>();
  for (const r of run.results) {
    for (const w of r.warnings)
      notes.set(w.message, w.reference ? `${w.message} (${w.reference})` : w.message);
    for (const u of r.unavailable)
      notes.set(u.reason, `${u.metric}: ${u.reason}${u.hint ? ` ${u.hint}` : ''}`);
  }
  if (notes.size) out.push('', 'Notes:', ...[...notes.values()].map((n) => `  - ${n}`));
  const matched = run.results.filter((r) => r.alignment.frameMatch);
  if (matched.length) {
    out.push('', 'Frames matched by their pictures:');
    for (const r of matched) out.push(`  ${path.basename(r.distorted)}: ${describeMatch(r)}`);
  }
  const fixes = run.results.filter((r) => r.fixes.length);
  if (fixes.length) {
    out.push(
      '',
      'Fixes applied:',
      ...fixes.map((r) => `  ${path.basename(r.distorted)}: ${r.fixes.join(', ')}`),
    );
  }
  const b = run.ffmpeg;
  out.push(
    '',
    `VMAF model: ${run.model ? `${run.model.name} (${run.model.path ?? 'built-in'})` : '–'}`,
    `ffmpeg: ${b.path} ${b.version ?? ''}${b.libvmafVersion ? `, libvmaf ${b.libvmafVersion}` : ''}`.trimEnd(),
    `Command: ${formatCommand(run.command)}`,
  );
  if (perFrameFile) out.push(`Per-frame CSV: ${perFrameFile}`);
  return out.join('\n');
}
