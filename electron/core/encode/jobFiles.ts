/**
 * Names of the files an encode job writes. ffmpeg writes `<outDir>/.<rungId>.<jobId>.part.<ext>`
 * and the job renames it to `<outDir>/<rungId>.<ext>` only after ffmpeg exits 0, so a half-written
 * file is never listed; two-pass logs go to a temporary folder named after the job.
 */
import os from 'node:os';
import path from 'node:path';
import { containerExtension } from '../../../shared/encodePlan';
import type { Rung } from '../../../shared/ladder';

/** The final output path of a rung in an output folder. */
export function finalOutputPath(outDir: string, rung: Pick<Rung, 'id' | 'container'>): string {
  return path.join(outDir, `${rung.id}.${containerExtension(rung.container)}`);
}

/** The temporary name ffmpeg writes before the rename. */
export function tempOutputPath(finalPath: string, rungId: string, jobId: string): string {
  const ext = path.extname(finalPath).slice(1);
  return path.join(path.dirname(finalPath), `.${rungId}.${jobId}.part.${ext}`);
}

/** Temporary outputs: `.<rungId>.<jobId>.part.<ext>`; the job id is group 1. */
const PART_NAME = /^\..+\.([A-Za-z0-9_-]{6,64})\.part\.[A-Za-z0-9]+$/;

/** The job id in a temporary output's file name, or null for any other file. */
export function partFileJobId(fileName: string): string | null {
  return PART_NAME.exec(fileName)?.[1] ?? null;
}

/** The folder for a job's two-pass logs (its name carries the job id, so recovery can find it). */
export function passLogDir(jobId: string, tmpDir = os.tmpdir()): string {
  return path.join(tmpDir, `vq-pass-${jobId}`);
}
