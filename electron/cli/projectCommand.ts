/**
 * `vq project export [--out F] [SOURCE_ID…]` and `vq project import F [--json]`: one project file
 * (`.vqproj.json`) with the metadata and results of library sources; media stays where it is and
 * travels by path. Export writes F (default: a name after the source or the date, in the current
 * folder) or `-` for stdout; import prints what was added, what was already there, and which media
 * is missing or changed on this machine. Exit codes: 0 ok, 1 failed, 2 usage error.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { VqError } from '../../shared/errors';
import { MAX_PROJECT_CHARS, type ImportCount, type ProjectImportSummary } from '../../shared/project';
import { createCore } from '../core/core';
import { defaultDataDir } from '../core/paths';
import { UsageError } from './usageError';

const USAGE = 'project export [--out F] [SOURCE_ID…] | project import F [--json]';

/** Runs `vq project …`; resolves to the exit code. */
export async function projectCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'export') return exportCmd(rest);
  if (sub === 'import') return importCmd(rest);
  throw new UsageError(sub === undefined ? `usage: vq ${USAGE}` : `unknown project command "${sub}" (usage: vq ${USAGE})`);
}

async function exportCmd(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { out: { type: 'string', short: 'o' } },
    allowPositionals: true,
    strict: true,
  });
  const core = createCore({ dataDir: defaultDataDir(), host: { mode: 'web' }, queue: 'off' });
  try {
    const out = await core.api['project.export']({ sourceIds: positionals.length ? positionals : undefined });
    if (values.out === '-') {
      process.stdout.write(out.text);
      return 0;
    }
    const file = path.resolve(values.out ?? out.fileName);
    writeAtomically(file, out.text);
    const p = JSON.parse(out.text) as { sources: unknown[]; renditions: unknown[]; scoreResults: unknown[] };
    console.log(
      `wrote ${file}: ${p.sources.length} source(s), ${p.renditions.length} rendition(s), ${p.scoreResults.length} score result(s)`,
    );
    return 0;
  } finally {
    core.close();
  }
}

async function importCmd(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { json: { type: 'boolean' } },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length !== 1) throw new UsageError('project import takes exactly one FILE');
  const file = path.resolve(positionals[0]!);
  const text = readProjectFile(file);
  const core = createCore({ dataDir: defaultDataDir(), host: { mode: 'web' }, queue: 'off' });
  try {
    const summary = await core.api['project.import']({ text });
    console.log(values.json ? JSON.stringify(summary, null, 2) : describeImport(summary));
    return 0;
  } finally {
    core.close();
  }
}

function readProjectFile(file: string): string {
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch {
    throw new VqError('NOT_FOUND', `File not found: ${file}`);
  }
  if (st.isDirectory()) throw new VqError('IS_DIRECTORY', `${file} is a folder, not a project file.`);
  if (st.size === 0) throw new VqError('EMPTY_FILE', `${file} is empty.`, 'Export the project again.');
  if (st.size > MAX_PROJECT_CHARS) {
    throw new VqError('INVALID_ARGS', `${file} is larger than ${MAX_PROJECT_CHARS / 1024 / 1024} MB.`, 'Export fewer sources per file.');
  }
  return fs.readFileSync(file, 'utf8');
}

// A half-written project file must never look like a finished one.
function writeAtomically(file: string, text: string): void {
  const tmp = `${file}.part`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

/** The import summary as a few readable lines. */
export function describeImport(s: ProjectImportSummary): string {
  const line = (label: string, c: ImportCount): string =>
    `${label.padEnd(14)}${String(c.added).padStart(5)} added${c.skipped ? `, ${c.skipped} already in the library` : ''}`;
  const lines = [
    line('sources', s.sources),
    line('ladders', s.ladders),
    line('batches', s.batches),
    line('jobs', s.jobs),
    line('renditions', s.renditions),
    line('score runs', s.scoreRuns),
    line('score results', s.scoreResults),
  ];
  if (s.perTitleRuns.added || s.perTitleRuns.skipped) lines.push(line('per-title runs', s.perTitleRuns));
  for (const r of s.remapped) lines.push(`${r.kind} ${r.fromId} is ${r.toId} here (same file: ${r.path})`);
  if (s.interruptedJobs.length) lines.push(`${s.interruptedJobs.length} job(s) were queued or running: imported as interrupted`);
  if (s.missingFiles.length) lines.push(`missing on this machine (${s.missingFiles.length}):`, ...s.missingFiles.map((f) => `  ${f}`));
  if (s.changedFiles.length) lines.push(`changed since export (${s.changedFiles.length}):`, ...s.changedFiles.map((f) => `  ${f}`));
  return lines.join('\n');
}
