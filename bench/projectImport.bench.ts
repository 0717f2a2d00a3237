/**
 * Project import of a large file: the longest event-loop stall while `project.import` runs on a
 * generated project of `VQ_BENCH_IMPORT_SOURCES` sources (default 100,000; their files do not
 * exist, so each is kept as history and refused for reading). Measured with perf_hooks'
 * monitorEventLoopDelay (10 ms resolution) plus a 5 ms setInterval probe; goal: no stall over
 * ~100 ms apart from JSON.parse of the text itself, which is one synchronous call. Source:
 * bench/projectImport.bench.ts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { createCore } from '../electron/core/core';

/** Prints the stall figures of one import. */
export async function runProjectImportBenchmarks(): Promise<void> {
  const n = Number(process.env.VQ_BENCH_IMPORT_SOURCES ?? 100_000);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vq-bench-import-'));
  const core = createCore({ dataDir, host: { mode: 'web' }, queue: 'off' });
  try {
    const media = { path: '', fileName: '', container: 'mov,mp4', sizeBytes: 1, video: { codec: 'h264', width: 1920, height: 1080, pixFmt: 'yuv420p' }, audio: [] };
    const sources = Array.from({ length: n }, (_, i) => ({
      id: `s${i}`,
      path: `/nonexistent/vq-bench/${i}.mp4`,
      fileName: `${i}.mp4`,
      sizeBytes: 1,
      mtimeMs: 0,
      addedAt: new Date(0).toISOString(),
      media: { ...media, path: `/nonexistent/vq-bench/${i}.mp4`, fileName: `${i}.mp4` },
      raw: null,
    }));
    const text = JSON.stringify({
      format: 'vq-studio-project', version: 1, exportedAt: new Date().toISOString(), app: { version: 'bench' },
      sources, ladders: [], batches: [], jobs: [], renditions: [], scoreRuns: [], scoreResults: [],
    });
    const t0 = performance.now();
    JSON.parse(text);
    const parseMs = performance.now() - t0;

    const h = monitorEventLoopDelay({ resolution: 10 });
    let last = performance.now();
    let maxGap = 0;
    const timer = setInterval(() => {
      const now = performance.now();
      maxGap = Math.max(maxGap, now - last);
      last = now;
    }, 5);
    h.enable();
    const start = performance.now();
    const summary = await core.api['project.import']({ text });
    const totalMs = performance.now() - start;
    h.disable();
    clearInterval(timer);
    console.log(`project import: ${n} sources, ${(text.length / 1024 / 1024).toFixed(1)} MB of JSON`);
    console.log(`  total ${totalMs.toFixed(0)} ms; sources added ${summary.sources.added}`);
    console.log(`  longest stall (setInterval gap) ${maxGap.toFixed(0)} ms; event-loop delay max ${(h.max / 1e6).toFixed(0)} ms, p99 ${(h.percentile(99) / 1e6).toFixed(0)} ms`);
    console.log(`  of which JSON.parse of the text alone takes ${parseMs.toFixed(0)} ms (one synchronous call)`);
  } finally {
    core.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  runProjectImportBenchmarks().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
