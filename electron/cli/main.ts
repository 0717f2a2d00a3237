/**
 * The `vq` command. Every command works on the same services as the app (electron/core), over the
 * data dir in VQ_DATA_DIR (or the OS default). Exit codes: 0 ok, 1 a command failed, 2 usage error.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { toApiError, type ApiError } from '../../shared/errors';
import { formatBitrate, formatDuration, formatFps } from '../../shared/format';
import { parseRawSpec } from '../../shared/rawSpec';
import type { RawVideoSpec } from '../../shared/media';
import { createCore, type Core } from '../core/core';
import { defaultDataDir } from '../core/paths';
import { moveDatabaseAside } from '../core/store/db';
import { checkInputFile, probeFile } from '../core/probe';
import { APP_VERSION } from '../core/version';
import { tokenProblem } from '../server/auth';
import { startServer } from '../server/server';
import { describeLadders, describeMedia, describeToolchain } from './describe';
import { alignCommand } from './alignCommand';
import { encodeCommand } from './encodeCommand';
import { frameCommand } from './frameCommand';
import { projectCommand } from './projectCommand';
import { bdrateCommand } from './bdrateCommand';
import { hullCommand } from './hullCommand';
import { packageCommand } from './packageCommand';
import { reportCommand } from './reportCommand';
import { scoreCommand } from './scoreCommand';
import { shotsCommand } from './shotsCommand';
import { crfSearchCommand } from './crfSearchCommand';
import { shotEncodeCommand } from './shotEncodeCommand';
import { renderTable } from './table';
import { UsageError } from './usageError';
import { workerCommand, workersCommand } from './workerCommand';
import { printCommands, takeVerboseFlag } from './verbose';

const HELP = `VQ Studio ${APP_VERSION} — video encoding and quality measurement

Usage: vq <command> [options]

Commands:
  doctor [--json] [--refresh]          ffmpeg builds, encoders, libvmaf and VMAF models on this machine
  probe FILE [--json] [--raw WxH:pix_fmt[:fps]]
                                       what a video file is (codec, size, fps, bit depth, HDR, …)
  import FILE… [--json] [--raw SPEC]   add files to the library (the files are not copied or moved)
  list [--json]                        the library
  remove ID                            remove an item from the library (the file stays on disk)
  ladders [--json]                     built-in and saved encoding ladders with their rungs
  encode SOURCE --ladder ID|FILE.json --out DIR [--concurrency N] [--no-decode-once] [--score]
         [--overwrite] [--hdr keep|tonemap] [--metrics LIST] [--chunk-seconds S] [--json]
                                       encode a ladder (progress on stderr, DIR/manifest.json);
                                       --score scores each rendition against the source
                                       (--metrics vmaf,psnr,ssim,ms_ssim,cambi,xpsnr: which
                                       ones, see \`vq score --help\`);
                                       an HDR source is kept HDR (x265/AV1/VP9 rungs) unless
                                       --hdr tonemap makes SDR BT.709 renditions;
                                       renditions already in DIR are replaced only with
                                       --overwrite (else exit 1, naming them);
                                       with VQ_REDIS_URL the shared queue's workers encode;
                                       --chunk-seconds splits each rung into chunks of about S
                                       seconds at scene-aware keyframes, encoded in parallel and
                                       joined without re-encoding;
                                       exit 1 if a rung (or its scoring) failed, 130 after Ctrl+C
  score --ref REF --dist D1 [--dist D2 …] [--metrics vmaf,psnr,ssim,ms_ssim,cambi,xpsnr]
        [--model NAME|PATH] [--scale auto|WxH] [--start S] [--frames N] [--subsample N]
        [--threads N] [--fix NAME …] [--per-frame FILE.csv] [--ref-raw WxH:pix_fmt:fps]
        [--dist-raw WxH:pix_fmt:fps] [--json]
                                       quality of files against a reference in one ffmpeg process;
                                       pre-flight findings first; exit 1 when a pair is blocked
                                       (choose a --fix), 130 after Ctrl+C; \`vq score --help\`
                                       says what each metric and model needs
  frame FILE --index N --out F.png [--size WxH] [--raw WxH:pix_fmt:fps]
                                       write frame N (0-based, presentation order) as an RGB PNG
  align --ref REF --dist DIST [--json] [--max-offset N] [--shift] [--ref-raw SPEC] [--dist-raw SPEC]
                                       which reference frame each distorted frame shows, from the
                                       pictures: offset, dropped/repeated frames, confidence,
                                       black bars; --shift looks for a small shift too (a decode
                                       more of each)
  shots SOURCE [--json] [--threshold T] [--min-seconds S] [--max-seconds S] [--raw SPEC]
                                       the shots of a title: frames [start, end) between scene
                                       cuts (ffmpeg's scdet, threshold 10 of 100 by default),
                                       cuts closer than the shortest shot (0.5 s) merged, shots
                                       longer than --max-seconds split evenly; the scene scores
                                       are cached, so other rules need no decode
  crf-search SOURCE --encoder E --target-vmaf Q [--preset P] [--metric vmaf|vmafP5|…]
             [--samples N] [--sample-seconds S] [--verify [--out FILE]] [--json]
                                       the CRF that gives the title the target quality, found by
                                       encoding short samples (spread over the title, starting at
                                       shots) at CRFs an interpolating search picks; prints the
                                       CRF, the expected quality, bitrate and size with an error
                                       estimate, and each step. --verify encodes and scores the
                                       whole title at that CRF (--out keeps the encode)
  shot-encode SOURCE --encoder E (--target-vmaf Q | --target-kbps K) --out FILE [--preset P]
              [--crfs LIST] [--heights LIST] [--min-shot-seconds S] [--max-shot-seconds S]
              [--json]
                                       per-shot encoding: each shot at every CRF of a grid (and
                                       every height of --heights), a hull per shot, one slope for
                                       all shots to meet the target, the chosen shot encodes
                                       joined without re-encoding (checked) and scored; prints each
                                       shot's CRF and the result's height, bitrate and VMAF.
                                       Several targets (K1,K2,…) make an optimized ladder: one file
                                       each in the folder --out names, each at the height that
                                       does best for its target. With VQ_REDIS_URL the shared
                                       queue's workers encode the shots (streams kept beside the
                                       output, in NAME.streams/ or streams/)
  project export [--out F|-] [SOURCE_ID…]
                                       one .vqproj.json with sources, ladders, jobs, renditions and
                                       scores (all sources when none given; media by path)
  project import F [--json]            add a project's records the library lacks (all or nothing);
                                       lists media missing or changed on this machine
  bdrate --anchor A.csv --test B.csv [--method pchip|cubic] [--json]
                                       BD-rate and BD-quality of two rate–quality curves (CSV with
                                       bitrate and quality columns); exit 1 on an invalid curve
  hull RESULTS.json [--quality vmafMean|vmafHmean|vmafP5|psnrY|psnr|ssim] [--target Q]
       [--floor RATE] [--max-rungs N] [--encoder NAME] [--settings NAME] [--save-ladder F.json]
       [--json]                        convex hull across resolutions per encoder setting (encoder,
                                       preset, rate control), crossover bitrates and the
                                       recommended per-title ladder (score JSON, manifest.json,
                                       pooled JSON export, or [{bitrate, quality, width, height}])
  package MANIFEST.json --out DIR [--hls] [--dash] [--segment-seconds S] [--align] [--json]
                                       CMAF segments of an encoded ladder (no re-encode) with an
                                       HLS master playlist and a DASH MPD (both by default):
                                       BANDWIDTH is the measured peak, CODECS read from the
                                       streams; rungs whose keyframes miss a segment boundary are
                                       refused, named with the reason (--align: re-encoded from
                                       their source with fixed, closed GOPs on the boundaries)
  report SOURCE_ID|FILE --out REPORT.html
                                       one self-contained HTML report of a source: facts, toolchain,
                                       ladders, scores, RD chart with hull, BD-rate, per-frame charts
                                       and the exact ffmpeg commands
  serve [--port N] [--host ADDR] [--token T]
                                       the app's UI in a browser; prints the URL with its access token
                                       (random, or VQ_SERVE_TOKEN: at least 32 of [A-Za-z0-9_-]);
                                       --token T also works but other users of this machine can
                                       read it in the process list, VQ_SERVE_TOKEN they cannot
  data move-db-aside [--data-dir DIR] [--force]
                                       rename a damaged library.db to library.db.corrupt-<time>
                                       (nothing is deleted); the next command starts a new library.
                                       DIR: the data folder (default: VQ_DATA_DIR or the CLI's own).
                                       Refused while a VQ Studio process uses it, and when it is not
                                       damaged (passes quick_check) unless --force
  worker [--redis URL] [--name NAME] [--concurrency N] [--threads N] [--map APP=HERE ...]
                                       join the shared queue's Redis as a worker, advertise what
                                       this machine can run (ffmpeg builds, encoders, libvmaf,
                                       cores) and take the encode and score jobs its ffmpeg can
                                       run, until Ctrl+C. --map: the app's folder APP is HERE on
                                       this machine. The app, vq serve and vq encode send encodes
                                       and scores to the shared queue when VQ_REDIS_URL is set
  workers [--redis URL] [--json]       the workers registered now: name, capabilities, current job,
                                       jobs done, last heartbeat

Global option:
  --verbose                            print every ffmpeg, ffprobe and vmaf process the command
                                       starts to stderr: its purpose and command line when it
                                       starts, its exit status and duration when it ends (stdout,
                                       and so --json output, is unchanged)

Environment: VQ_DATA_DIR (library and caches), VQ_FFMPEG / VQ_FFPROBE (binaries to use),
VQ_VMAF_MODEL_DIR (folders with VMAF models, separated by '${path.delimiter}'), VQ_SERVE_TOKEN (the
access token of \`vq serve\`), VQ_REDIS_URL (the shared queue's Redis,
redis://[:PASSWORD@]HOST[:PORT][/DB] or rediss:// for TLS).`;

/** Runs the CLI with the given arguments; resolves to the exit code. */
export async function runCli(argv: string[]): Promise<number> {
  const { verbose, rest } = takeVerboseFlag(argv);
  const stopPrinting = verbose ? printCommands((line) => console.error(line)) : null;
  try {
    return await runCommand(rest);
  } finally {
    stopPrinting?.();
  }
}

async function runCommand(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        console.log(HELP);
        return command === undefined ? 2 : 0;
      case '--version':
      case '-v':
        console.log(APP_VERSION);
        return 0;
      case 'doctor':
        return await doctor(rest);
      case 'probe':
        return await probe(rest);
      case 'import':
        return await importCmd(rest);
      case 'list':
        return await list(rest);
      case 'remove':
        return await remove(rest);
      case 'serve':
        return await serve(rest);
      case 'ladders':
        return await ladders(rest);
      case 'encode':
        return await encodeCommand(rest);
      case 'score':
        return await scoreCommand(rest);
      case 'frame':
        return await frameCommand(rest);
      case 'align':
        return await alignCommand(rest);
      case 'shots':
        return await shotsCommand(rest);
      case 'crf-search':
        return await crfSearchCommand(rest);
      case 'shot-encode':
        return await shotEncodeCommand(rest);
      case 'project':
        return await projectCommand(rest);
      case 'bdrate':
        return await bdrateCommand(rest);
      case 'hull':
        return await hullCommand(rest);
      case 'report':
        return await reportCommand(rest);
      case 'package':
        return await packageCommand(rest);
      case 'data':
        return dataCmd(rest);
      case 'worker':
        return await workerCommand(rest);
      case 'workers':
        return await workersCommand(rest);
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (err) {
    if (err instanceof UsageError || isParseArgsError(err)) {
      console.error(`vq: ${(err as Error).message}\nRun \`vq --help\` for usage.`);
      return 2;
    }
    printError(toApiError(err));
    return 1;
  }
}

function isParseArgsError(err: unknown): boolean {
  return (
    err instanceof TypeError &&
    typeof (err as NodeJS.ErrnoException).code === 'string' &&
    (err as NodeJS.ErrnoException).code!.startsWith('ERR_PARSE_ARGS')
  );
}

function printError(e: ApiError): void {
  console.error(`vq: ${e.message}${e.hint ? `\n    ${e.hint}` : ''} [${e.code}]`);
}

/** A core for short commands: the queue stays off, so they never start or recover encodes. */
function openCore(queue: 'off' | 'all' = 'off'): Core {
  return createCore({ dataDir: defaultDataDir(), host: { mode: 'web' }, queue });
}

function rawOption(text: string | undefined): RawVideoSpec | undefined {
  if (text === undefined) return undefined;
  const parsed = parseRawSpec(text);
  if (!parsed.ok) throw new UsageError(`--raw: ${parsed.message}`);
  return parsed.spec;
}

async function doctor(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { json: { type: 'boolean' }, refresh: { type: 'boolean' } },
    strict: true,
  });
  const core = openCore();
  try {
    const report = await core.toolchain.report({ refresh: values.refresh });
    console.log(values.json ? JSON.stringify(report, null, 2) : describeToolchain(report));
    return report.selected.probe && report.selected.encode ? 0 : 1;
  } finally {
    core.close();
  }
}

async function probe(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { json: { type: 'boolean' }, raw: { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length !== 1) throw new UsageError('probe takes exactly one FILE');
  const raw = rawOption(values.raw);
  const core = openCore();
  try {
    const file = path.resolve(positionals[0]!);
    const checked = await checkInputFile(file, { raw });
    const ffprobe = await core.toolchain.binaryFor('probe');
    const info = await probeFile(checked.realPath, { ffprobe, raw });
    console.log(values.json ? JSON.stringify(info, null, 2) : describeMedia(info));
    return 0;
  } catch (err) {
    if (values.json) console.log(JSON.stringify({ error: toApiError(err) }, null, 2));
    throw err;
  } finally {
    core.close();
  }
}

async function importCmd(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { json: { type: 'boolean' }, raw: { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length === 0) throw new UsageError('import takes one or more FILEs');
  const raw = rawOption(values.raw);
  const core = openCore();
  try {
    const outcome = await core.api['library.import']({ paths: positionals, raw });
    if (values.json) {
      console.log(JSON.stringify(outcome, null, 2));
    } else {
      for (const item of outcome.imported) console.log(`imported  ${item.id}  ${item.path}`);
      for (const item of outcome.existing) console.log(`already   ${item.id}  ${item.path}`);
      for (const f of outcome.failed)
        printError({ code: f.code as ApiError['code'], message: f.message, hint: f.hint });
    }
    return outcome.failed.length ? 1 : 0;
  } finally {
    core.close();
  }
}

async function list(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { json: { type: 'boolean' } }, strict: true });
  const core = openCore();
  try {
    const { items } = await core.api['library.list']({});
    if (values.json) {
      console.log(JSON.stringify(items, null, 2));
      return 0;
    }
    if (items.length === 0) {
      console.log('The library is empty. Add files with `vq import FILE…`.');
      return 0;
    }
    const rows = items.map((i) => {
      const v = i.media.video;
      return [
        i.id,
        i.fileName,
        v.codec,
        `${v.width}x${v.height}`,
        formatFps(v.frameRate),
        `${v.bitDepth}-bit`,
        formatDuration(i.media.durationSeconds),
        formatBitrate(i.media.bitrateKbps),
        v.hdr ? v.hdr.toUpperCase() : '',
      ];
    });
    console.log(
      renderTable(
        ['id', 'file', 'codec', 'size', 'fps', 'depth', 'duration', 'bitrate', 'HDR'],
        rows,
      ),
    );
    return 0;
  } finally {
    core.close();
  }
}

async function remove(args: string[]): Promise<number> {
  const { positionals } = parseArgs({ args, options: {}, allowPositionals: true, strict: true });
  if (positionals.length !== 1) throw new UsageError('remove takes exactly one ID (see `vq list`)');
  const core = openCore();
  try {
    await core.api['library.remove']({ id: positionals[0]! });
    console.log(`removed ${positionals[0]} from the library (the file itself was not touched)`);
    return 0;
  } finally {
    core.close();
  }
}

async function ladders(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { json: { type: 'boolean' } }, strict: true });
  const core = openCore();
  try {
    const entries = await core.api['ladders.list']({});
    console.log(values.json ? JSON.stringify(entries, null, 2) : describeLadders(entries));
    return 0;
  } finally {
    core.close();
  }
}

async function serve(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { port: { type: 'string' }, host: { type: 'string' }, token: { type: 'string' } },
    strict: true,
  });
  // A fixed token comes preferably from the environment: a command line is readable by every user
  // of the machine (ps, /proc/<pid>/cmdline), a process's environment only by its owner. --token
  // wins when both are given. A guessable token would open the whole API (issue 10 item 7), so
  // either is refused before anything listens.
  const fromEnv = process.env.VQ_SERVE_TOKEN;
  // Not passed on: every ffmpeg this server starts inherits the environment.
  delete process.env.VQ_SERVE_TOKEN;
  const tokenSource = values.token !== undefined ? '--token' : fromEnv ? 'VQ_SERVE_TOKEN' : null;
  const token = values.token ?? (fromEnv || undefined);
  const tokenIssue = token === undefined ? null : tokenProblem(token);
  if (tokenIssue) throw new UsageError(`${tokenSource}: ${tokenIssue}`);
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port ${values.port} is not a port number`);
  const rendererDir = path.resolve(
    path.dirname(fileURLToPath(import.meta.url)),
    '../../out/renderer',
  );
  // Without a built UI the server still runs its queue, the API and the media routes (a headless
  // encoding box, the fault-injection tests); the page itself says how to build the UI.
  const uiBuilt = fs.existsSync(path.join(rendererDir, 'index.html'));
  const core = openCore('all');
  const server = await startServer({ core, rendererDir, port, host: values.host, token });
  console.log(
    `VQ Studio is serving the UI at:\n\n    ${server.url}\n\nData: ${core.dataDir}\nPress Ctrl+C to stop.`,
  );
  if (!uiBuilt)
    console.error(
      `vq: the UI is not built (${rendererDir} is missing): the API and media work; run \`npm run build\` for the page.`,
    );
  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  core.close();
  return 0;
}

/**
 * `vq data move-db-aside [--data-dir DIR] [--force]`: the way out of a damaged library.db that
 * deletes nothing. --data-dir because the app's data folder (Electron's userData) is not the CLI's
 * default; the app's error hint names it.
 */
function dataCmd(args: string[]): number {
  const { values, positionals } = parseArgs({
    args,
    options: { 'data-dir': { type: 'string' }, force: { type: 'boolean' } },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length !== 1 || positionals[0] !== 'move-db-aside') {
    throw new UsageError('usage: vq data move-db-aside [--data-dir DIR] [--force]');
  }
  const dataDir =
    values['data-dir'] !== undefined ? path.resolve(values['data-dir']) : defaultDataDir();
  const moved = moveDatabaseAside(dataDir, {
    force: values.force,
    nativeBinding: process.env.VQ_SQLITE_NATIVE,
  });
  console.log(
    `moved the library database aside to ${moved}\nThe next command starts with an empty library; nothing was deleted.`,
  );
  return 0;
}

// Run when executed directly (bin/vq.mjs imports this module and calls runCli).
if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  runCli(process.argv.slice(2)).then((code) => process.exit(code));
}
