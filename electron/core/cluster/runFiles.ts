/**
 * The files a run of an encode job leaves in its output folder on a shared disk, by name: outputs
 * under temporary names (`.<rung>.<run>[-join]-<hold>.part.<ext>`, where `<hold>` is the worker's
 * hold on the task), a chunked title's folder (`.chunks-<run>`) and unfinished uploads. The app
 * lists an output only after checking it, under its final name; everything here is hidden and
 * removed once nothing needs it.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { EncodeDone } from './encodeTask';

const escape = (t: string): string => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The temporary name a worker reported for rung `rungId` of run `runId`, when it is one that run
 * can make (with extension `ext`, or any when null); else null.
 */
export function reportedTempName(
  done: Pick<EncodeDone, 'outputs'>,
  rungId: string,
  runId: string,
  ext: string | null,
): string | null {
  const name = done.outputs.find((o) => o.rungId === rungId)?.file;
  const shape = new RegExp(
    `^\\.${escape(rungId)}\\.${escape(runId)}(?:-join)?-[0-9a-f]{12}\\.part\\.${ext === null ? '[A-Za-z0-9]+' : escape(ext)}$`,
  );
  return name && shape.test(name) ? name : null;
}

/**
 * Deletes what a run (or every run of a job, `{ job }`) left in an output folder: its chunk folder,
 * outputs under temporary names and unfinished uploads; with `tempsToo: false` the outputs a score
 * of the run still reads are kept. Listed renditions are never touched.
 */
export function removeRunLeftovers(
  outDir: string,
  of: { run: string } | { job: string },
  opts: { tempsToo?: boolean } = {},
): void {
  let names: string[];
  try {
    names = fs.readdirSync(outDir);
  } catch {
    return;
  }
  // `<job>-a` followed by the attempt's digits, then the end of the id: `-a1` never matches `-a10`.
  const runId = 'run' in of ? escape(of.run) : `${escape(of.job)}-a\\d+`;
  const chunks = new RegExp(`^\\.chunks-${runId}$`);
  // With what a hard link to the final name (`.link`) or an upload may leave beside them.
  const temps = new RegExp(
    `^\\..+\\.${runId}-(?:join-)?[0-9a-f]{12}\\.part\\.[A-Za-z0-9]+(?:\\.upload-.+|\\.link)?$`,
  );
  // Where this app places a worker's upload, and the upload while it arrives.
  const uploads = new RegExp(`^\\.{1,2}[^.].*\\.${runId}\\.part\\.[A-Za-z0-9]+(?:\\.upload-.+)?$`);
  const tempsToo = opts.tempsToo ?? true;
  for (const name of names) {
    if (chunks.test(name) || (tempsToo && (temps.test(name) || uploads.test(name)))) {
      fs.rmSync(path.join(outDir, name), { recursive: true, force: true });
    }
  }
}
