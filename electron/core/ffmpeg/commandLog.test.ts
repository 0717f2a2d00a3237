/**
 * The command log: its ring and subscription, and what the process runner writes to it for real
 * ffmpeg runs (ok, failed, canceled, timed out, not started) and for a fluent-ffmpeg thumbnail.
 */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CommandEntry } from '../../../shared/activity';
import { makeClip } from '../../testing/clips';
import { useTempDirs } from '../../testing/tempDir';
import { requiredTool } from '../../testing/tools';
import { CommandLog, commandLog, type CommandStart } from './commandLog';
import { formatCommand } from './commandLine';
import { runTool } from './process';
import { makeThumbnail } from './thumbnail';

const FFMPEG = requiredTool('ffmpeg');
const tempDir = useTempDirs('vq-command-log-');

// A real ffmpeg generating frames forever stands in for a long encode.
const ENDLESS = [
  '-hide_banner',
  '-f',
  'lavfi',
  '-i',
  'testsrc2=size=64x64:rate=25',
  '-f',
  'null',
  '-',
];

function start(argv: string[]): CommandStart {
  return { purpose: 'other', argv, commandLine: argv.join(' '), pid: 1 };
}

describe('CommandLog', () => {
  it('keeps the latest ended entries in start order, and running ones until they end', () => {
    const log = new CommandLog(3);
    const long = log.started(start(['ffmpeg', 'long']));
    const ids = [1, 2, 3, 4].map((n) => log.started(start(['ffmpeg', String(n)])));
    for (const id of ids) log.ended(id, { outcome: 'ok', exitCode: 0, signal: null });
    // Three ended entries fit; the oldest ended one dropped out, the running one stayed.
    expect(log.list().map((e) => e.argv[1])).toEqual(['long', '2', '3', '4']);
    // Once it ends it is the oldest of four ended entries, and drops out in turn.
    log.ended(long, { outcome: 'ok', exitCode: 0, signal: null });
    expect(log.list().map((e) => e.argv[1])).toEqual(['2', '3', '4']);
    expect(log.list().every((e) => e.outcome === 'ok' && e.durationMs !== null)).toBe(true);
  });

  it('tells subscribers of each start and end, and ignores a second end', () => {
    const log = new CommandLog();
    const seen: CommandEntry[] = [];
    const off = log.subscribe((e) => seen.push(e));
    const id = log.started(start(['ffprobe', 'a.mp4']));
    log.ended(id, { outcome: 'failed', exitCode: 1, signal: null, stderrTail: 'x\n\nbad input\n' });
    log.ended(id, { outcome: 'ok', exitCode: 0, signal: null });
    off();
    log.started(start(['ffprobe', 'b.mp4']));
    expect(seen.map((e) => [e.id, e.outcome])).toEqual([
      [id, 'running'],
      [id, 'failed'],
    ]);
    expect(seen[1]).toMatchObject({ binary: 'ffprobe', exitCode: 1, stderrTail: 'x\nbad input' });
  });

  it('keeps the stderr tail only of failures, and only its last lines', () => {
    const log = new CommandLog();
    const noisy = Array.from({ length: 100 }, (_, i) => `line ${i}`).join('\n');
    const failed = log.started(start(['ffmpeg']));
    log.ended(failed, { outcome: 'failed', exitCode: 1, signal: null, stderrTail: noisy });
    const ok = log.started(start(['ffmpeg']));
    log.ended(ok, { outcome: 'ok', exitCode: 0, signal: null, stderrTail: noisy });
    const [a, b] = log.list();
    expect(a!.stderrTail!.split('\n')).toHaveLength(20);
    expect(a!.stderrTail!.endsWith('line 99')).toBe(true);
    expect(b!.stderrTail).toBeNull();
  });
});

describe('the process runner writes the command log', () => {
  const seen: CommandEntry[] = [];
  const off = commandLog.subscribe((e) => seen.push(e));
  afterEach(() => void seen.splice(0));

  /** The entries of the one process whose argv is `argv`: its start and its end. */
  function entriesOf(argv: readonly string[]): CommandEntry[] {
    return seen.filter((e) => e.argv.join('\0') === argv.join('\0'));
  }

  it('logs a run that worked with its purpose, command line, pid, exit code and duration', async () => {
    const args = ['-hide_banner', '-version'];
    const r = await runTool(FFMPEG, args, { purpose: 'toolchain check' });
    expect(r.code).toBe(0);
    const [started, ended] = entriesOf([FFMPEG, ...args]);
    expect(started).toMatchObject({
      purpose: 'toolchain check',
      outcome: 'running',
      endedAt: null,
    });
    expect(ended).toMatchObject({
      id: started!.id,
      purpose: 'toolchain check',
      binary: FFMPEG,
      commandLine: formatCommand([FFMPEG, ...args]),
      outcome: 'ok',
      exitCode: 0,
      signal: null,
      stderrTail: null,
    });
    expect(ended!.pid).toBeGreaterThan(0);
    expect(ended!.durationMs).toBeGreaterThanOrEqual(0);
    expect(commandLog.list().find((e) => e.id === started!.id)).toEqual(ended);
  });

  it('logs a failed run with its exit code and the end of its stderr', async () => {
    const args = ['-hide_banner', '-i', path.join(tempDir(), 'missing.mp4')];
    const r = await runTool(FFMPEG, args, { purpose: 'frame decode' });
    const ended = entriesOf([FFMPEG, ...args]).at(-1);
    expect(ended).toMatchObject({ outcome: 'failed', exitCode: r.code, signal: null });
    expect(r.code).not.toBe(0);
    expect(ended!.stderrTail).toMatch(/No such file/);
  });

  it('logs a canceled run and one stopped at its time limit, each with its signal', async () => {
    const abort = new AbortController();
    const canceled = runTool(FFMPEG, ENDLESS, { purpose: 'encode', signal: abort.signal });
    // The entry exists from the moment the process starts.
    expect(entriesOf([FFMPEG, ...ENDLESS])).toMatchObject([{ outcome: 'running' }]);
    abort.abort();
    await canceled;
    expect(entriesOf([FFMPEG, ...ENDLESS]).at(-1)).toMatchObject({
      outcome: 'canceled',
      exitCode: null,
      signal: 'SIGKILL',
    });
    seen.splice(0);
    await runTool(FFMPEG, ENDLESS, { purpose: 'encode', timeoutMs: 300 });
    expect(entriesOf([FFMPEG, ...ENDLESS]).at(-1)).toMatchObject({
      outcome: 'timed out',
      signal: 'SIGKILL',
    });
  });

  it('logs a program that could not be started, with the reason', async () => {
    const missing = path.join(tempDir(), 'ffmpeg');
    await expect(
      runTool(missing, ['-version'], { purpose: 'toolchain check' }),
    ).rejects.toMatchObject({
      code: 'NO_FFMPEG',
    });
    const ended = entriesOf([missing, '-version']).at(-1);
    expect(ended).toMatchObject({ outcome: 'not started', pid: null, exitCode: null });
    expect(ended!.error).toMatch(/ENOENT/);
  });

  it('logs a thumbnail (started by fluent-ffmpeg) with its exact arguments', async () => {
    const dir = tempDir();
    const clip = makeClip(dir, { width: 160, height: 90, seconds: 1, name: 'my clip.mp4' });
    const output = path.join(dir, 'thumb.jpg');
    await makeThumbnail({ ffmpeg: FFMPEG, input: clip, output, atSeconds: 0.5 });
    const thumbs = seen.filter((e) => e.purpose === 'thumbnail');
    expect(thumbs.map((e) => e.outcome)).toEqual(['running', 'ok']);
    // The path with a space is one argument, as ffmpeg got it.
    expect(thumbs[1]!.argv.filter((a) => a.endsWith(clip))).toHaveLength(1);
    expect(thumbs[1]!.argv[0]).toBe(FFMPEG);
    expect(thumbs[1]).toMatchObject({ exitCode: 0, commandLine: formatCommand(thumbs[1]!.argv) });

    seen.splice(0);
    const gone = path.join(dir, 'gone.mp4');
    await expect(
      makeThumbnail({ ffmpeg: FFMPEG, input: gone, output, atSeconds: 0 }),
    ).rejects.toThrow();
    const failed = seen.filter((e) => e.purpose === 'thumbnail').at(-1);
    expect(failed).toMatchObject({ outcome: 'failed', exitCode: 1 });
    expect(failed!.stderrTail).toMatch(/No such file/);
  });

  it('stops telling a subscriber once it unsubscribes', async () => {
    off();
    await runTool(FFMPEG, ['-hide_banner', '-version'], { purpose: 'toolchain check' });
    expect(seen).toEqual([]);
  });
});
