/**
 * The one place that starts ffmpeg and ffprobe processes. Arguments are arrays (never a shell), each
 * process is registered with an AbortController so cancel and quit can kill it, stderr keeps a tail
 * for error messages, and every process is written to the command log (commandLog.ts) with what it
 * was for, its exact command line, how long it ran and how it ended.
 */
import { spawn, type ChildProcess, type ChildProcessByStdio } from 'node:child_process';
import os from 'node:os';
import type { Readable, Writable } from 'node:stream';
import type { CommandOutcome, CommandPurpose } from '../../../shared/activity';
import { VqError } from '../../../shared/errors';
import { formatCommand } from './commandLine';
import { commandLog } from './commandLog';

/** A running or finished ffmpeg/ffprobe process as the registry sees it. */
export interface TrackedProcess {
  id: number;
  command: string[];
  startedAt: number;
  abort: AbortController;
}

const running = new Map<number, TrackedProcess>();
let nextId = 1;

/** Options for {@link runTool}. */
export interface RunOptions {
  /** What the process is for, as the command log shows it (default 'other'). */
  purpose?: CommandPurpose;
  /** Kill the process after this many milliseconds (probes use it). */
  timeoutMs?: number;
  /** Abort from outside (cancel). */
  signal?: AbortSignal;
  /** Called with each complete stdout line (progress parsing). */
  onStdoutLine?: (line: string) => void;
  /** Keep stdout in memory and return it (default true). */
  collectStdout?: boolean;
  /** Bytes of stderr to keep for error messages (default 16 KiB). */
  stderrTailBytes?: number;
  /** Receive raw stdout chunks (binary output such as images); disables collection. */
  onStdoutData?: (chunk: Buffer) => void;
  /** Called with the process id once the process is started (restart recovery records it). */
  onSpawn?: (pid: number) => void;
  /**
   * Runs below normal CPU priority (nice 10): background work that must leave the CPU to what a
   * person waits for. Where the OS refuses, it runs at normal priority.
   */
  lowPriority?: boolean;
  /**
   * Called once with the started child, for streaming readers: pausing its stdout makes ffmpeg
   * wait (backpressure), and its stderr can be read line by line. Stopping still goes via `signal`.
   */
  onChild?: (child: ChildProcessByStdio<null, Readable, Readable>) => void;
  /**
   * Gives the process a stdin pipe to write to (a decoder fed packets as they are wanted); without
   * it stdin is closed. Ending the stream closes the pipe.
   */
  onStdin?: (stdin: Writable) => void;
}

/** What a finished process left behind. */
export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderrTail: string;
  command: string[];
  durationMs: number;
  canceled: boolean;
  timedOut: boolean;
}

/**
 * Runs a binary with an argument array and resolves when it exits (whatever the exit code).
 * Rejects only when the binary cannot be started at all.
 */
export function runTool(
  binary: string,
  args: readonly string[],
  opts: RunOptions = {},
): Promise<RunResult> {
  const command = [binary, ...args];
  const abort = new AbortController();
  const id = nextId++;
  const started = Date.now();
  const tracked: TrackedProcess = { id, command, startedAt: started, abort };
  const tailBytes = opts.stderrTailBytes ?? 16 * 1024;
  const collect = opts.collectStdout !== false && !opts.onStdoutData;

  return new Promise<RunResult>((resolve, reject) => {
    let timedOut = false;
    let canceled = false;
    const child = spawn(binary, args, {
      stdio: [opts.onStdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
      windowsHide: true,
      signal: abort.signal,
      killSignal: 'SIGKILL',
    }) as unknown as ChildProcessByStdio<Writable | null, Readable, Readable>;
    if (opts.onStdin && child.stdin) {
      // A decoder that exits while being written to must not take the app down (EPIPE).
      child.stdin.on('error', () => undefined);
      opts.onStdin(child.stdin);
    }
    running.set(id, tracked);
    const logId = commandLog.started({
      purpose: opts.purpose ?? 'other',
      argv: command,
      commandLine: formatCommand(command),
      pid: child.pid ?? null,
    });
    opts.onChild?.(child as ChildProcessByStdio<null, Readable, Readable>);
    child.once('spawn', () => {
      if (child.pid === undefined) return;
      if (opts.lowPriority) {
        try {
          os.setPriority(child.pid, 10);
        } catch {
          // Not allowed here: it runs at normal priority.
        }
      }
      opts.onSpawn?.(child.pid);
    });

    const timer =
      opts.timeoutMs !== undefined
        ? setTimeout(() => {
            timedOut = true;
            abort.abort();
          }, opts.timeoutMs)
        : undefined;

    const stdoutChunks: Buffer[] = [];
    let lineBuf = '';
    child.stdout.on('data', (chunk: Buffer) => {
      if (opts.onStdoutData) opts.onStdoutData(chunk);
      else if (collect) stdoutChunks.push(chunk);
      if (opts.onStdoutLine) {
        lineBuf += chunk.toString('utf8');
        let nl = lineBuf.indexOf('\n');
        while (nl >= 0) {
          opts.onStdoutLine(lineBuf.slice(0, nl).replace(/\r$/, ''));
          lineBuf = lineBuf.slice(nl + 1);
          nl = lineBuf.indexOf('\n');
        }
      }
    });

    let stderr = Buffer.alloc(0);
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = Buffer.concat([stderr, chunk]);
      if (stderr.length > tailBytes * 2) stderr = stderr.subarray(stderr.length - tailBytes);
    });

    let settled = false;
    const finish = (code: number | null, signal: NodeJS.Signals | null): void => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onOuterAbort);
      running.delete(id);
      if (opts.onStdoutLine && lineBuf) opts.onStdoutLine(lineBuf);
      const tail = stderr.length > tailBytes ? stderr.subarray(stderr.length - tailBytes) : stderr;
      commandLog.ended(logId, {
        outcome: outcomeOf(code, signal, { timedOut, stopped: abort.signal.aborted }),
        exitCode: code,
        signal,
        stderrTail: stderrEnd(stderr),
      });
      resolve({
        code,
        signal,
        stdout: collect ? Buffer.concat(stdoutChunks).toString('utf8') : '',
        stderrTail: tail.toString('utf8'),
        command,
        durationMs: Date.now() - started,
        canceled,
        timedOut,
      });
    };

    child.on('error', (err: NodeJS.ErrnoException) => {
      if (err.name === 'AbortError') return; // 'close' follows and reports the kill
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      running.delete(id);
      commandLog.ended(logId, {
        outcome: child.pid === undefined ? 'not started' : 'failed',
        exitCode: null,
        signal: null,
        error: err.message,
      });
      if (err.code === 'ENOENT' || err.code === 'EACCES') {
        reject(
          new VqError(
            binaryKind(binary) === 'ffprobe' ? 'NO_FFPROBE' : 'NO_FFMPEG',
            `Cannot run ${binary}: ${err.code === 'ENOENT' ? 'file not found' : 'permission denied'}.`,
            'Run `vq doctor` to see which ffmpeg builds were found, or set VQ_FFMPEG / VQ_FFPROBE.',
          ),
        );
      } else {
        reject(err);
      }
    });
    child.on('close', finish);
    // Wired after the listeners: an already-aborted signal kills the child at once, and its
    // AbortError must find the 'error' handler above.
    const onOuterAbort = (): void => {
      canceled = true;
      abort.abort();
    };
    if (opts.signal) {
      if (opts.signal.aborted) onOuterAbort();
      else opts.signal.addEventListener('abort', onOuterAbort, { once: true });
    }
  });
}

/** Like {@link runTool}, but throws FFMPEG_FAILED (with the stderr tail) on a non-zero exit. */
export async function runToolChecked(
  binary: string,
  args: readonly string[],
  opts: RunOptions = {},
): Promise<RunResult> {
  const r = await runTool(binary, args, opts);
  if (r.canceled) throw new VqError('CANCELED', `${binaryKind(binary)} was canceled.`);
  if (r.timedOut) {
    throw new VqError(
      'FFMPEG_FAILED',
      `${binaryKind(binary)} did not finish within ${opts.timeoutMs} ms and was stopped.`,
    );
  }
  if (r.code !== 0) {
    throw new VqError(
      'FFMPEG_FAILED',
      `${binaryKind(binary)} failed (exit ${r.code ?? r.signal}): ${lastLines(r.stderrTail, 3)}`,
    );
  }
  return r;
}

/** Kills every running ffmpeg/ffprobe process (quit, cancel-all). Returns how many were running. */
export function killAllProcesses(): number {
  const n = running.size;
  for (const p of running.values()) p.abort.abort();
  return n;
}

/**
 * Registers a process that other code started (fluent-ffmpeg's thumbnail run) so quit and
 * cancel-all reach it, and writes it to the command log like the processes of {@link runTool}.
 * It unregisters itself when the process ends.
 */
export function trackChild(purpose: CommandPurpose, child: ChildProcess): TrackedChild {
  let timedOut = false;
  const command = [child.spawnfile, ...child.spawnargs.slice(1)];
  const id = nextId++;
  const abort = new AbortController();
  abort.signal.addEventListener('abort', () => child.kill('SIGKILL'), { once: true });
  running.set(id, { id, command, startedAt: Date.now(), abort });
  const logId = commandLog.started({
    purpose,
    argv: command,
    commandLine: formatCommand(command),
    pid: child.pid ?? null,
  });
  let stderr = Buffer.alloc(0);
  child.stderr?.on('data', (chunk: Buffer | string) => {
    stderr = Buffer.concat([stderr, Buffer.from(chunk)]);
    if (stderr.length > STDERR_LOG_BYTES * 2) stderr = stderr.subarray(-STDERR_LOG_BYTES);
  });
  child.once('error', (err) => {
    running.delete(id);
    const outcome = child.pid === undefined ? 'not started' : 'failed';
    commandLog.ended(logId, { outcome, exitCode: null, signal: null, error: err.message });
  });
  child.once('close', (code: number | null, signal: NodeJS.Signals | null) => {
    running.delete(id);
    commandLog.ended(logId, {
      outcome: outcomeOf(code, signal, { timedOut, stopped: abort.signal.aborted }),
      exitCode: code,
      signal,
      stderrTail: stderrEnd(stderr),
    });
  });
  return {
    markTimedOut: () => {
      timedOut = true;
    },
  };
}

/** A child started elsewhere and tracked by {@link trackChild}. */
export interface TrackedChild {
  /** Call before killing it for taking too long: the log then says "timed out", not "failed". */
  markTimedOut(): void;
}

/** Bytes of stderr the command log looks at for a failed process (it keeps the last lines). */
const STDERR_LOG_BYTES = 8 * 1024;

/** The end of a stderr buffer as text, for the command log. */
function stderrEnd(stderr: Buffer): string {
  return stderr.subarray(-STDERR_LOG_BYTES).toString('utf8');
}

/**
 * How a process ended for the command log: exit 0 is ok whatever else happened; a process we
 * stopped is timed out (its limit) or canceled (cancel, a closed decoder, quit); else it failed.
 */
function outcomeOf(
  code: number | null,
  signal: NodeJS.Signals | null,
  how: { timedOut: boolean; stopped: boolean },
): Exclude<CommandOutcome, 'running' | 'not started'> {
  if (code === 0 && signal === null) return 'ok';
  if (how.timedOut) return 'timed out';
  return how.stopped ? 'canceled' : 'failed';
}

/** The processes running now (for diagnostics and tests). */
export function runningProcesses(): readonly TrackedProcess[] {
  return [...running.values()];
}

/** The last `n` non-empty lines of a text (for error messages). */
export function lastLines(text: string, n: number): string {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)
    .slice(-n)
    .join(' | ');
}

function binaryKind(binary: string): 'ffmpeg' | 'ffprobe' {
  return /ffprobe[^/\\]*$/i.test(binary) ? 'ffprobe' : 'ffmpeg';
}
