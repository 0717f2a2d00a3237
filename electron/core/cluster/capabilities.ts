/**
 * What a worker can run, from its own toolchain report: each ffmpeg build that works, with the
 * encoders it proved, its filters of interest and its libvmaf (version, models, features). Jobs are matched against this.
 */
import type { ToolchainReport } from '../../../shared/toolchain';
import type { WorkerBuild } from '../../../shared/workers';

/** The working ffmpeg builds of a toolchain report, as a worker advertises them. */
export function workerBuilds(report: ToolchainReport): WorkerBuild[] {
  return report.binaries
    .filter((b) => b.kind === 'ffmpeg' && b.error === null)
    .slice(0, 16)
    .map((b) => ({
      path: b.path,
      version: b.version,
      encoders: [...b.encoders],
      filters: [...b.filters],
      libvmaf: b.libvmaf
        ? {
            version: b.libvmaf.version ?? null,
            models: b.libvmaf.models.map((m) => m.name),
            features: [...(b.libvmaf.features ?? [])],
          }
        : null,
    }));
}
