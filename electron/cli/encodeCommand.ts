/**
 * `vq encode SOURCE --ladder ID|FILE.json --out DIR [--score [--metrics LIST]] [--overwrite]
 * [--hdr keep|tonemap]`: imports the source
 * (or reuses it), runs the ladder through the same queue as the app, in this process, shows
 * progress on stderr and writes `DIR/manifest.json`. With `--score`, each encode job is followed
 * by a score job and the manifest carries each rendition's pooled scores. Renditions already in
 * DIR are never replaced without `--overwrite` (exit 1 naming them). Exit codes: 0 every rung
 * encoded (and scored), 1 a rung or its scoring failed or outputs exist (reasons printed), 2 usage
 * error, 130 canceled with Ctrl+C (ffmpeg killed, partial outputs deleted).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { VqArgs, VqEvent } from '../../shared/api';
import { VqError } from '../../shared/errors';
import { formatBitrate, formatBytes } from '../../shared/format';
import { HdrHandlingSchema, LadderSchema, ladderProblems } from '../../shared/ladder';
import { renditionsMadeTogether, type Job, type Rendition } from '../../shared/queue';
import { parseRawSpec } from '../../shared/rawSpec';
import { createCore, type Core } from '../core/core';
import { formatCommand } from '../core/ffmpeg/commandLine';
import { parseMetricsArg } from '../core/scoreEngine';
import { defaultDataDir } from '../core/paths';
import { BatchProgress, ProgressPainter, clock } from './batchProgress';
import { batchRecord, buildManifest, type EncodeManifest } from './manifest';
import { renderTable } from './table';
import { UsageError } from './usageError';

/** Exit code after Ctrl+C, as shells report a SIGINT death (128 + 2). */
export const EXIT_CANCELED = 130;

/** Runs `vq encode`; resolves to the exit code. */
export async function encodeCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      ladder: { type: 'string' },
      out: { type: 'string' },
      concurrency: { type: 'string' },
      'no-decode-once': { type: 'boolean' },
      json: { type: 'boolean' },
      raw: { type: 'string' },
      score: { type: 'boolean' },
      overwrite: { type: 'boolean' },
      hdr: { type: 'string' },
      metrics: { type: 'string' },
      'chunk-seconds': { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length !== 1) throw new UsageError('encode takes exactly one SOURCE file');
  if (!values.ladder)
    throw new UsageError('encode needs --ladder ID or --ladder FILE.json (see `vq ladders`)');
  if (!values.out) throw new UsageError('encode needs --out DIR');
  let concurrency: number | undefined;
  if (values.concurrency !== undefined) {
    concurrency = Number(values.concurrency);
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 16) {
      throw new UsageError(`--concurrency ${values.concurrency}: give a whole number from 1 to 16`);
    }
  }
  let chunkSeconds: number | undefined;
  if (values['chunk-seconds'] !== undefined) {
    chunkSeconds = Number(values['chunk-seconds']);
    if (!(chunkSeconds >= 1 && chunkSeconds <= 3600)) {
      throw new UsageError(
        `--chunk-seconds ${values['chunk-seconds']}: give a number of seconds from 1 to 3600`,
      );
    }
  }
  let raw;
  if (values.raw !== undefined) {
    const parsed = parseRawSpec(values.raw);
    if (!parsed.ok) throw new UsageError(`--raw: ${parsed.message}`);
    raw = parsed.spec;
  }
  const outDir = path.resolve(values.out);
  const json = values.json === true;
  const hdr = values.hdr === undefined ? undefined : HdrHandlingSchema.safeParse(values.hdr).data;
  if (values.hdr !== undefined && !hdr)
    throw new UsageError(
      `--hdr ${values.hdr}: give keep (HDR renditions) or tonemap (SDR renditions)`,
    );
  if (values.metrics !== undefined && !values.score)
    throw new UsageError('--metrics chooses what --score measures; give --score too');
  const metrics = values.metrics === undefined ? undefined : parseMetricsArg(values.metrics);
  if (metrics && !metrics.ok) throw new UsageError(`--metrics: ${metrics.message}`);

  const core = createCore({
    dataDir: defaultDataDir(),
    host: { mode: 'web' },
    queue: 'own',
    concurrency,
  });
  try {
    const ladderArg = readLadderArg(values.ladder, core);
    const imported = await core.api['library.import']({ paths: [positionals[0]!], raw });
    const failedImport = imported.failed[0];
    if (failedImport)
      throw new VqError(
        failedImport.code as VqError['code'],
        failedImport.message,
        failedImport.hint,
      );
    const source = (imported.imported[0] ?? imported.existing[0])!;
    return await runBatch(
      core,
      {
        sourceId: source.id,
        ...ladderArg,
        outDir,
        decodeOnce: values['no-decode-once'] !== true,
        ...(values.score
          ? { scoreAfterEncode: metrics?.ok ? { options: { metrics: metrics.value } } : {} }
          : {}),
        ...(hdr ? { hdr } : {}),
        ...(values.overwrite ? { overwrite: true } : {}),
        ...(chunkSeconds !== undefined ? { chunkSeconds } : {}),
      },
      json,
    );
  } finally {
    core.close();
  }
}

/** `--ladder`: a file when it names one (or ends in .json), else a preset or saved ladder id. */
function readLadderArg(
  value: string,
  core: Core,
): Pick<VqArgs<'encode.start'>, 'ladderId' | 'ladder'> {
  const looksLikeFile = value.endsWith('.json') || value.includes('/') || value.includes(path.sep);
  if (!looksLikeFile || !fs.existsSync(value)) {
    if (looksLikeFile)
      throw new VqError('NOT_FOUND', `Ladder file not found: ${path.resolve(value)}`);
    if (!core.encode.ladderById(value)) {
      throw new UsageError(
        `--ladder ${value}: no such ladder; \`vq ladders\` lists them, or give a ladder .json file`,
      );
    }
    return { ladderId: value };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(value, 'utf8'));
  } catch (err) {
    throw new VqError(
      'INVALID_ARGS',
      `${value} is not a JSON file: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  const problems = ladderProblems(parsed);
  if (problems.length) {
    throw new VqError(
      'INVALID_ARGS',
      `${value} is not a valid ladder:\n    ${problems.join('\n    ')}`,
    );
  }
  return { ladder: LadderSchema.parse(parsed) };
}

async function runBatch(
  core: Core,
  request: VqArgs<'encode.start'>,
  json: boolean,
): Promise<number> {
  // Subscribe before starting: the first jobs begin inside encode.start.
  const early: VqEvent[] = [];
  let progress: BatchProgress | null = null;
  const finished = new Set<string>();
  let onFinished: (() => void) | null = null;
  const tty = process.stderr.isTTY === true;
  const painter = tty ? new ProgressPainter(process.stderr) : null;
  let lastLogMs = 0;
  // What this process learned of its batch as it ran: the manifest is written from it should the
  // batch be gone from the database by the end (cleared from another app's queue).
  const seenJobs = new Map<string, Job>();
  const seenRenditions = new Map<string, Rendition>();
  const unsubscribe = core.events.subscribe((e) => {
    if (e.type === 'job.updated') seenJobs.set(e.job.id, e.job);
    if (e.type === 'rendition.added') seenRenditions.set(e.rendition.id, e.rendition);
    if (e.type === 'batch.finished') {
      finished.add(e.batchId);
      onFinished?.();
    }
    if (!progress) {
      early.push(e);
      return;
    }
    if (!progress.apply(e)) return;
    if (e.type === 'job.updated' && e.job.status !== 'queued' && e.job.status !== 'running') {
      const what = `${e.job.kind === 'score' ? 'score ' : ''}${e.job.rungIds.join(',')}`;
      const line = `${what}: ${e.job.status}${e.job.error ? ` — ${e.job.error}` : ''}`;
      if (painter) painter.note(line);
      else console.error(`vq: ${line}`);
    }
    const now = Date.now();
    if (painter) painter.paint(progress.lines(now), e.type === 'job.updated');
    else if (now - lastLogMs >= 2000 || (e.type === 'job.updated' && e.job.status === 'running')) {
      lastLogMs = now;
      console.error(`vq: ${progress.summary(now)}`);
    }
  });

  let canceled = false;
  let batchId: string | null = null;
  const onSigint = (): void => {
    if (canceled) return; // a second Ctrl+C waits for the same cleanup
    canceled = true;
    console.error('\nvq: canceling — stopping ffmpeg and deleting partial outputs…');
    if (batchId) void core.queue.cancelAll(batchId, 'Canceled with Ctrl+C.');
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  try {
    if (canceled) return EXIT_CANCELED;
    const started = await core.api['encode.start'](request).catch((err: unknown) => {
      if (!(err instanceof VqError) || err.code !== 'OUTPUT_EXISTS') throw err;
      throw new VqError(
        err.code,
        err.message,
        'Run it again with --overwrite to replace them (their scores turn stale), or give another --out folder.',
      );
    });
    batchId = started.batch.id;
    progress = new BatchProgress(batchId, started.jobs);
    for (const e of early) progress.apply(e);
    const plan = started.batch;
    const encodeJobs = started.jobs.filter((j) => j.kind === 'encode');
    console.error(
      `vq: encoding ${encodeJobs.reduce((n, j) => n + j.rungIds.length, 0)} rung(s) in ${encodeJobs.length} job(s) into ${plan.outDir}` +
        (plan.decodeOnce ? ' (decode once, encode many)' : '') +
        (encodeJobs.length < started.jobs.length ? ', then scoring each against the source' : ''),
    );
    for (const s of plan.skipped) console.error(`vq: skipped ${s.rungId}: ${s.reason}`);
    const app = core.queue.otherLeaseHolder();
    if (app) {
      // Its queue never takes these jobs (they are this process's); it shows them as they run.
      console.error(
        `vq: VQ Studio (pid ${app.pid}) also uses this data folder; this batch runs here and shows in its queue.`,
      );
    }
    if (canceled) await core.queue.cancelAll(batchId, 'Canceled with Ctrl+C.');
    if (!finished.has(batchId)) {
      // Also read the batch from the database each second: should its last job ever end without
      // an event here, this still finishes with a manifest. The timer also keeps the process
      // alive while it waits (Node exits 13 when nothing is left to wait on).
      let poll: NodeJS.Timeout | null = null;
      await new Promise<void>((resolve) => {
        onFinished = () => {
          if (finished.has(batchId!) || core.queue.isFinished(batchId!)) resolve();
        };
        poll = setInterval(() => onFinished?.(), 1000);
        onFinished();
      }).finally(() => {
        if (poll) clearInterval(poll);
      });
    }
    await core.queue.whenIdle();
    if (painter) painter.paint(progress.lines(), true);

    const snap = await core.api['queue.snapshot']({});
    const record = batchRecord(snap, plan, {
      jobs: seenJobs.values(),
      renditions: seenRenditions.values(),
    });
    const { batch, jobs, renditions } = record;
    const source = core.library.get(batch.sourceId)!.item;
    const scoreJobIds = new Set(jobs.filter((j) => j.kind === 'score').map((j) => j.id));
    const renditionIds = new Set(renditions.map((r) => r.id));
    const scores = scoreJobIds.size
      ? (await core.api['scores.list']({ sourceId: batch.sourceId })).results.filter((s) =>
          record.stored
            ? s.jobId !== null && scoreJobIds.has(s.jobId)
            : s.target.kind === 'rendition' && renditionIds.has(s.target.id),
        )
      : [];
    if (!record.stored)
      console.error(
        'vq: the batch was cleared from the queue meanwhile; the manifest is written from what this run saw.',
      );
    const manifest = buildManifest(source, batch, jobs, renditions, scores);
    writeManifest(plan.outDir, manifest);
    if (json) console.log(JSON.stringify(manifest, null, 2));
    else console.log(describeManifest(manifest, path.join(plan.outDir, 'manifest.json')));
    for (const f of manifest.failed) {
      if (f.status !== 'canceled') console.error(`vq: ${f.rungId} failed: ${f.reason}`);
    }
    for (const f of manifest.scoreFailed ?? []) {
      if (f.status !== 'canceled')
        console.error(`vq: scoring ${f.rungIds.join(',')} failed: ${f.reason}`);
    }
    if (canceled) return EXIT_CANCELED;
    return manifest.failed.length > 0 || (manifest.scoreFailed?.length ?? 0) > 0 ? 1 : 0;
  } finally {
    unsubscribe();
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
  }
}

/** Writes the manifest atomically (temporary name, then rename), like every output. */
function writeManifest(outDir: string, manifest: EncodeManifest): void {
  const file = path.join(outDir, 'manifest.json');
  const tmp = path.join(outDir, `.manifest.${process.pid}.part.json`);
  fs.writeFileSync(tmp, JSON.stringify(manifest, null, 2) + '\n');
  fs.renameSync(tmp, file);
}

/** A decode-once time is the process's, shared by its renditions: "0:04 (shared by 3)". */
function sharedTime(time: string, command: string[][]): string {
  const together = renditionsMadeTogether(command);
  return together > 1 ? `${time} (shared by ${together})` : time;
}

function describeManifest(m: EncodeManifest, file: string): string {
  const scored = m.renditions.some((r) => r.scores);
  const fig = (v: number | null | undefined, digits: number): string =>
    v === undefined ? '–' : v === null ? 'inf' : v.toFixed(digits);
  const rows = m.renditions.map((r) => [
    r.rungId,
    `${r.width}x${r.height}`,
    r.encoder,
    formatBitrate(r.bitrateKbps),
    formatBytes(r.sizeBytes),
    r.encodeSeconds === null ? '–' : sharedTime(clock(r.encodeSeconds), r.passes ?? [r.command]),
    ...(scored
      ? [
          fig(r.scores?.metrics.vmaf?.mean, 2),
          fig(r.scores?.metrics.psnr?.mean, 2),
          fig(r.scores?.metrics.ssim?.mean, 4),
        ]
      : []),
    path.basename(r.path),
  ]);
  const header = [
    'rung',
    'size',
    'encoder',
    'bitrate',
    'file size',
    'time',
    ...(scored ? ['VMAF', 'PSNR', 'SSIM'] : []),
    'file',
  ];
  const out = [
    `${m.renditions.length} rendition(s) of ${path.basename(m.source.path)} with "${m.ladder.name}" in ${m.outDir}`,
  ];
  if (rows.length) out.push('', renderTable(header, rows));
  if (m.skipped.length)
    out.push('', 'Skipped:', ...m.skipped.map((s) => `  ${s.rungId}: ${s.reason}`));
  if (m.failed.length)
    out.push(
      '',
      'Not encoded:',
      ...m.failed.map((f) => `  ${f.rungId} (${f.status}): ${f.reason}`),
    );
  if (m.scoreFailed?.length) {
    out.push(
      '',
      'Not scored:',
      ...m.scoreFailed.map((f) => `  ${f.rungIds.join(',')} (${f.status}): ${f.reason}`),
    );
  }
  const first = m.renditions[0];
  if (first) out.push('', `Command of ${first.rungId}:`, `  ${formatCommand(first.command)}`);
  out.push('', `Manifest: ${file}`);
  return out.join('\n');
}
