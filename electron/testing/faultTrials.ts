/**
 * Seeded fault injection: the real `vq encode`, `vq score`, `vq serve` and `vq project import`
 * processes are killed with SIGKILL at a random moment, then the app is started again (`vq serve`,
 * whose queue recovers what the dead process left) and the data folder is checked:
 * - `PRAGMA integrity_check` is ok;
 * - every job is done, queued or interrupted, and a batch has all of its jobs or does not exist
 *   (none lost, none duplicated);
 * - every listed rendition is a finished file (never a `.part` name), and no `.part` file is left;
 * - no ffmpeg started for the trial is still running;
 * - a killed project import left the library as before or as after, never in between.
 * Used by electron/cli/faults.test.ts (30 trials in CI) and bench/faults.bench.ts (as many as you
 * ask for). Kill moments are drawn from a seeded generator, so a failing trial can be replayed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import WebSocket from 'ws';
import { seededRandom } from '../../shared/seededRandom';
import { makeClip, quickLadder, quickRung } from './clips';

/** The kinds of process a trial kills. */
export const FAULT_KINDS = ['encode', 'score', 'serve', 'import'] as const;

/** One of {@link FAULT_KINDS}. */
export type FaultKind = (typeof FAULT_KINDS)[number];

/** What one trial did and found. */
export interface TrialResult {
  kind: FaultKind;
  trial: number;
  /** When the process was killed, ms after it started (or after the request, for serve). */
  killAfterMs: number;
  /** True when the process had already exited by itself before the kill. */
  finishedFirst: boolean;
  /** What the data folder held right after the kill, before the restart (jobs by status, sources). */
  atKill: string;
  /** What was wrong; empty when every check held. */
  problems: string[];
  /** Job statuses after the restart, by status. */
  jobs: Record<string, number>;
}

const VQ = path.resolve('bin/vq.mjs');

/** The folder a trial set works in, with its clip, ladder and project file. */
export interface FaultFixture {
  root: string;
  source: string;
  /** A rendition-like file to score against the source. */
  distorted: string;
  ladderFile: string;
  /** Number of jobs one batch of the ladder makes (encodes + scores). */
  jobsPerBatch: number;
  projectFile: string;
  /** Sources in the project file. */
  projectSources: number;
}

/** Makes the clip, ladder and a project file of `projectSources` sources under `root`. */
export async function makeFaultFixture(root: string, projectSources = 6000): Promise<FaultFixture> {
  const source = makeClip(root, { width: 480, height: 270, seconds: 1, name: 'fault-src.mp4' });
  const distorted = makeClip(root, {
    width: 480,
    height: 270,
    fps: 30,
    seconds: 1,
    name: 'fault-dist.mp4',
  });
  const ladderFile = path.join(root, 'fault-ladder.json');
  const rungs = [
    quickRung({ id: 'r90', height: 90 }),
    quickRung({ id: 'r180', height: 180 }),
    quickRung({ id: 'r270', height: 270 }),
  ];
  fs.writeFileSync(ladderFile, JSON.stringify(quickLadder('fault', rungs)));
  // A real export of a real library, padded with more sources so the import takes a while.
  const scratch = fs.mkdtempSync(path.join(root, 'scratch-'));
  await vqRun(['import', source], scratch);
  const projectFile = path.join(root, 'fault.vqproj.json');
  await vqRun(['project', 'export', '--out', projectFile], scratch);
  const project = JSON.parse(fs.readFileSync(projectFile, 'utf8')) as {
    sources: { id: string; path: string; fileName: string }[];
  };
  const first = project.sources[0]!;
  for (let i = 1; i < projectSources; i++) {
    project.sources.push({
      ...first,
      id: `fault-${i}`,
      path: path.join(root, 'missing', `clip-${i}.mp4`),
      fileName: `clip-${i}.mp4`,
    });
  }
  fs.writeFileSync(projectFile, JSON.stringify(project));
  return {
    root,
    source,
    distorted,
    ladderFile,
    jobsPerBatch: rungs.length * 2,
    projectFile,
    projectSources,
  };
}

/** Runs `vq …` to its end. */
export function vqRun(
  args: string[],
  dataDir: string,
  timeoutMs = 120_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawnVq(args, dataDir);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The `vq encode` a trial runs (and kills): 3 rungs, one process each, scored after encoding. */
function encodeArgs(fx: FaultFixture, outDir: string): string[] {
  return [
    'encode',
    fx.source,
    '--ladder',
    fx.ladderFile,
    '--out',
    outDir,
    '--no-decode-once',
    '--score',
    '--concurrency',
    '1',
  ];
}

/** The `vq score` a trial runs. */
function scoreArgs(fx: FaultFixture): string[] {
  return [
    'score',
    '--ref',
    fx.source,
    '--dist',
    fx.distorted,
    '--metrics',
    'vmaf,psnr,ssim',
    '--json',
  ];
}

/** The `vq project import` a trial runs. */
function importArgs(fx: FaultFixture): string[] {
  return ['project', 'import', fx.projectFile, '--json'];
}

function spawnVq(args: string[], dataDir: string): ChildProcess {
  return spawn(process.execPath, [VQ, ...args], {
    env: { ...process.env, VQ_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Kills with SIGKILL after `ms`, unless it exits first; resolves to whether it finished by itself. */
async function killAfter(child: ChildProcess, ms: number): Promise<boolean> {
  let finished = false;
  const done = exited(child).then(() => {
    finished = true;
  });
  await Promise.race([done, sleep(ms)]);
  const finishedFirst = finished;
  if (!finishedFirst) child.kill('SIGKILL');
  await exited(child);
  return finishedFirst;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** A `vq serve` process and its URL (token included). */
interface Served {
  child: ChildProcess;
  url: URL;
}

async function startServe(dataDir: string): Promise<Served> {
  const child = spawnVq(['serve', '--port', '0'], dataDir);
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const url = await new Promise<URL>((resolve, reject) => {
    const timer = setTimeout(() => {
      // Never leave it behind: a server that did not start is stopped here.
      child.kill('SIGKILL');
      reject(new Error(`vq serve did not start in 60 s: ${err}`));
    }, 60_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /(http:\/\/\S+\?token=\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(new URL(m[1]!));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`vq serve exited with ${code}: ${err}`));
    });
  });
  return { child, url };
}

/** A token holder's WebSocket to `vq serve`, with one call at a time. */
async function connect(
  served: Served,
): Promise<{ call(method: string, args: unknown): Promise<unknown>; close(): void }> {
  const ws = new WebSocket(
    `ws://${served.url.host}/api?token=${served.url.searchParams.get('token')}`,
  );
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  let nextId = 1;
  const waiting = new Map<number, (r: unknown) => void>();
  ws.on('message', (data) => {
    const msg = JSON.parse(String(data)) as {
      id?: number;
      result?: { ok: boolean; value?: unknown; error?: { message: string } };
    };
    if (typeof msg.id === 'number' && msg.result) waiting.get(msg.id)?.(msg.result);
  });
  return {
    async call(method, args) {
      const id = nextId++;
      const result = (await new Promise<unknown>((resolve) => {
        waiting.set(id, resolve);
        ws.send(JSON.stringify({ id, method, args }));
      })) as { ok: boolean; value?: unknown; error?: { message: string } };
      if (!result.ok) throw new Error(`${method}: ${result.error?.message}`);
      return result.value;
    },
    close: () => ws.close(),
  };
}

/**
 * Starts the app again on the data folder (`vq serve`: its queue recovers and runs what is left),
 * waits until no job is queued or running (or `settleMs` passes), then stops it with SIGTERM.
 */
async function restartAndSettle(dataDir: string, settleMs = 90_000): Promise<void> {
  const served = await startServe(dataDir);
  const until = Date.now() + settleMs;
  try {
    while (Date.now() < until) {
      const busy = jobStatuses(dataDir);
      if ((busy.queued ?? 0) + (busy.running ?? 0) === 0 && pendingImports(dataDir) === 0) break;
      await sleep(250);
    }
  } finally {
    served.child.kill('SIGTERM');
    await Promise.race([exited(served.child), sleep(10_000)]);
    if (served.child.exitCode === null && served.child.signalCode === null)
      served.child.kill('SIGKILL');
    await exited(served.child);
  }
}

function openDb(dataDir: string): Database.Database | null {
  const file = path.join(dataDir, 'library.db');
  if (!fs.existsSync(file)) return null;
  return new Database(file, { fileMustExist: true });
}

function hasTable(db: Database.Database, name: string): boolean {
  return Boolean(
    db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name),
  );
}

function jobStatuses(dataDir: string): Record<string, number> {
  const db = openDb(dataDir);
  if (!db || !hasTable(db, 'jobs')) {
    db?.close();
    return {}; // killed before it created or migrated library.db
  }
  try {
    const rows = db.prepare('SELECT status, count(*) AS n FROM jobs GROUP BY status').all() as {
      status: string;
      n: number;
    }[];
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  } finally {
    db.close();
  }
}

/** Pids of ffmpeg/ffprobe processes whose command line mentions `root`. */
export function ffmpegUnder(root: string): number[] {
  const found: number[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let cmd: string;
    try {
      cmd = fs.readFileSync(`/proc/${name}/cmdline`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    const argv0 = path.basename(cmd.split('\0')[0] ?? '');
    if (/^ff(mpeg|probe)/.test(argv0) && cmd.includes(root)) {
      // A zombie has exited; only its parent has not reaped it yet.
      const stat = fs.existsSync(`/proc/${name}/stat`)
        ? fs.readFileSync(`/proc/${name}/stat`, 'utf8')
        : '';
      if (!/\) Z /.test(stat)) found.push(Number(name));
    }
  }
  return found;
}

/** Every check of the data folder after a restart; returns the problems found. */
export async function checkDataFolder(
  dataDir: string,
  outDirs: string[],
  root: string,
  jobsPerBatch: number | null,
): Promise<{ problems: string[]; jobs: Record<string, number> }> {
  const problems: string[] = [];
  const db = openDb(dataDir);
  let jobs: Record<string, number> = {};
  if (db) {
    try {
      const integrity = db.pragma('integrity_check', { simple: true });
      if (integrity !== 'ok') problems.push(`integrity_check: ${String(integrity)}`);
      const rows = db.prepare('SELECT id, batch_id, status FROM jobs').all() as {
        id: string;
        batch_id: string;
        status: string;
      }[];
      for (const r of rows) jobs[r.status] = (jobs[r.status] ?? 0) + 1;
      const bad = rows.filter((r) => !['done', 'queued', 'interrupted'].includes(r.status));
      for (const r of bad) problems.push(`job ${r.id} is ${r.status}`);
      if (jobsPerBatch !== null) {
        const perBatch = new Map<string, number>();
        for (const r of rows) perBatch.set(r.batch_id, (perBatch.get(r.batch_id) ?? 0) + 1);
        for (const [b, n] of perBatch)
          if (n !== jobsPerBatch) problems.push(`batch ${b} has ${n} jobs, not ${jobsPerBatch}`);
      }
      const renditions = db.prepare('SELECT id, path FROM renditions').all() as {
        id: string;
        path: string;
      }[];
      const paths = new Set<string>();
      for (const r of renditions) {
        if (/\.part\./.test(path.basename(r.path)))
          problems.push(`rendition ${r.id} lists a .part file`);
        if (!fs.existsSync(r.path))
          problems.push(`rendition ${r.id} lists a missing file ${r.path}`);
        if (paths.has(r.path)) problems.push(`two renditions list ${r.path}`);
        paths.add(r.path);
      }
    } finally {
      db.close();
    }
  } else {
    jobs = {};
  }
  for (const dir of outDirs) {
    if (!fs.existsSync(dir)) continue;
    for (const name of fs.readdirSync(dir))
      if (name.includes('.part.')) problems.push(`${name} left in ${dir}`);
  }
  // ffmpeg whose parent died stops at its next write to the closed progress pipe (≤ 0.5 s).
  let stray = ffmpegUnder(root);
  for (let i = 0; i < 20 && stray.length; i++) {
    await sleep(250);
    stray = ffmpegUnder(root);
  }
  if (stray.length) problems.push(`ffmpeg still running: pids ${stray.join(', ')}`);
  return { problems, jobs };
}

/** Project imports not yet finished or rolled back (the journal of migration 6). */
function pendingImports(dataDir: string): number {
  const db = openDb(dataDir);
  if (!db) return 0;
  try {
    return (db.prepare('SELECT count(*) AS n FROM project_imports').get() as { n: number }).n;
  } catch {
    return 0; // no such table yet: the killed process never migrated the database
  } finally {
    db.close();
  }
}

function sourcesIn(dataDir: string): number {
  const db = openDb(dataDir);
  if (!db || !hasTable(db, 'sources')) {
    db?.close();
    return 0;
  }
  try {
    return (db.prepare('SELECT count(*) AS n FROM sources').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

/** How long each kind takes when nothing kills it (the kill moments are drawn within it). */
export type Calibration = Record<FaultKind, number>;

/** Runs one trial of `kind`; `fraction` in [0, 1) places the kill within the calibrated time. */
export async function runTrial(
  fx: FaultFixture,
  kind: FaultKind,
  trial: number,
  fraction: number,
  calibration: Calibration,
): Promise<TrialResult> {
  const dir = fs.mkdtempSync(path.join(fx.root, `${kind}-${trial}-`));
  const dataDir = path.join(dir, 'data');
  const outDir = path.join(dir, 'out');
  const killAfterMs = Math.round(fraction * calibration[kind]);
  let finishedFirst = false;
  let atKill = '';
  let jobsPerBatch: number | null = fx.jobsPerBatch;
  const problems: string[] = [];
  switch (kind) {
    case 'encode': {
      const child = spawnVq(encodeArgs(fx, outDir), dataDir);
      finishedFirst = await killAfter(child, killAfterMs);
      atKill = JSON.stringify(jobStatuses(dataDir));
      await restartAndSettle(dataDir);
      break;
    }
    case 'serve': {
      const served = await startServe(dataDir);
      const api = await connect(served);
      const imported = (await api.call('library.import', { paths: [fx.source] })) as {
        imported: { id: string }[];
      };
      const ladder = JSON.parse(fs.readFileSync(fx.ladderFile, 'utf8')) as unknown;
      await api.call('encode.start', {
        sourceId: imported.imported[0]!.id,
        ladder,
        outDir,
        decodeOnce: false,
        scoreAfterEncode: {},
      });
      api.close();
      finishedFirst = await killAfter(served.child, killAfterMs);
      atKill = JSON.stringify(jobStatuses(dataDir));
      await restartAndSettle(dataDir);
      break;
    }
    case 'score': {
      jobsPerBatch = null;
      const child = spawnVq(scoreArgs(fx), dataDir);
      finishedFirst = await killAfter(child, killAfterMs);
      // Killed at any point, even while creating or migrating library.db: the app starts on it.
      await restartAndSettle(dataDir);
      break;
    }
    case 'import': {
      jobsPerBatch = null;
      const child = spawnVq(importArgs(fx), dataDir);
      finishedFirst = await killAfter(child, killAfterMs);
      atKill = `sources ${sourcesIn(dataDir)}/${fx.projectSources}`;
      // Starting the app again finishes or rolls back what the killed import left: all or nothing.
      await restartAndSettle(dataDir);
      const n = sourcesIn(dataDir);
      atKill += `, after the restart sources ${n}/${fx.projectSources}`;
      if (n !== 0 && n !== fx.projectSources)
        problems.push(
          `after the restart a killed import left ${n} of ${fx.projectSources} sources`,
        );
      // The import again completes it: nothing a killed import left stands in the way.
      const again = await vqRun(importArgs(fx), dataDir);
      if (again.code !== 0)
        problems.push(`import after the kill failed (${again.code}): ${again.stderr.trim()}`);
      else if (sourcesIn(dataDir) !== fx.projectSources)
        problems.push(`import after the kill left ${sourcesIn(dataDir)} sources`);
      break;
    }
  }
  const checked = await checkDataFolder(dataDir, [outDir], dir, jobsPerBatch);
  problems.push(...checked.problems);
  if (problems.length === 0) fs.rmSync(dir, { recursive: true, force: true });
  return { kind, trial, killAfterMs, finishedFirst, atKill, problems, jobs: checked.jobs };
}

/** Times one undisturbed run of each kind (ms), the range the kill moments are drawn from. */
export async function calibrate(fx: FaultFixture): Promise<Calibration> {
  const timed = async (fn: (dataDir: string, outDir: string) => Promise<void>): Promise<number> => {
    const dir = fs.mkdtempSync(path.join(fx.root, 'calibrate-'));
    const t0 = performance.now();
    await fn(path.join(dir, 'data'), path.join(dir, 'out'));
    const ms = performance.now() - t0;
    fs.rmSync(dir, { recursive: true, force: true });
    return ms;
  };
  const must = (r: { code: number | null; stderr: string }, what: string): void => {
    if (r.code !== 0) throw new Error(`${what} failed (${r.code}) without any fault: ${r.stderr}`);
  };
  const encode = await timed(async (d, o) => must(await vqRun(encodeArgs(fx, o), d), 'vq encode'));
  const score = await timed(async (d) => must(await vqRun(scoreArgs(fx), d), 'vq score'));
  const imp = await timed(async (d) => must(await vqRun(importArgs(fx), d), 'vq project import'));
  // serve: the encode runs inside the server after the request; the same span as `vq encode`.
  return { encode, score, serve: encode, import: imp };
}

/** Runs `trials` trials, kinds in turn, kill moments from `seed`. */
export async function runFaultTrials(
  fx: FaultFixture,
  opts: { trials: number; seed: number; log?: (line: string) => void },
): Promise<TrialResult[]> {
  const calibration = await calibrate(fx);
  opts.log?.(
    `calibration (ms): ${JSON.stringify(Object.fromEntries(Object.entries(calibration).map(([k, v]) => [k, Math.round(v)])))}`,
  );
  const random = seededRandom(opts.seed);
  const results: TrialResult[] = [];
  for (let i = 0; i < opts.trials; i++) {
    const kind = FAULT_KINDS[i % FAULT_KINDS.length]!;
    const r = await runTrial(fx, kind, i, random(), calibration);
    opts.log?.(
      `trial ${i} ${kind} kill at ${r.killAfterMs} ms${r.finishedFirst ? ' (finished first)' : ''}, at the kill ${r.atKill || '-'}: ${r.problems.length ? r.problems.join('; ') : 'ok'}, after the restart ${JSON.stringify(r.jobs)}`,
    );
    results.push(r);
  }
  return results;
}
