/**
 * The real `vq` command in a child process for tests that need it running while they act
 * (`vq worker`, a background `vq encode`): its output as it comes, waiting for a line, its exit.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import path from 'node:path';

/** `bin/vq.mjs` of this checkout. */
export const VQ_BIN = path.resolve('bin/vq.mjs');

/** A running `vq`. */
export interface VqProcess {
  child: ChildProcess;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  /** Everything it printed so far (stdout and stderr). */
  out(): string;
  /** Resolves once its output matches `pattern`; rejects after `timeoutMs` or when it exits first. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
}

/**
 * Starts `vq ARGS` with `env`; every process started is in `started`, for afterAll to kill.
 * `cores` pins it and every process it starts to those CPUs (`taskset -c`), so one machine can
 * stand in for several smaller ones in a benchmark.
 */
export function startVq(
  args: string[],
  env: NodeJS.ProcessEnv,
  started?: ChildProcess[],
  opts: { cores?: string } = {},
): VqProcess {
  const child = opts.cores
    ? spawn('taskset', ['-c', opts.cores, process.execPath, VQ_BIN, ...args], { env })
    : spawn(process.execPath, [VQ_BIN, ...args], { env });
  started?.push(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      exitCode = code;
      resolve(code);
    }),
  );
  return {
    child,
    exited,
    out: () => out,
    waitFor: async (pattern, timeoutMs = 60_000) => {
      const end = Date.now() + timeoutMs;
      while (!pattern.test(out)) {
        if (exitCode !== undefined)
          throw new Error(`vq ${args[0]} exited (${exitCode}) before printing ${pattern}:\n${out}`);
        if (Date.now() > end)
          throw new Error(`timed out waiting for ${pattern} from vq ${args[0]}:\n${out}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
}

/** What a finished `vq` printed, and how it ended. */
export interface VqRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `vq ARGS` with `env` to its end (two minutes at most). */
export function runVq(args: string[], env: NodeJS.ProcessEnv): VqRun {
  const r = spawnSync(process.execPath, [VQ_BIN, ...args], {
    env,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
