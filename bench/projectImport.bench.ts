/**
 * Project import of a large file (`VQ_BENCH_ONLY=import npm run bench`): how long the event loop
 * of the importing process is held while `project.import` runs on a generated project of
 * `VQ_BENCH_IMPORT_SOURCES` sources (default 100,000; their files do not exist, so each is kept as
 * history and refused for reading). Two ways in: the API with the text (the desktop app, the CLI)
 * and a browser's way, the file POSTed to a running `vq serve` (`/api/project-import`) while
 * another client calls `app.info` over the WebSocket every 20 ms — its slowest answer is what a
 * person would feel. Stalls are measured with a 5 ms setInterval (the longest gap) and
 * perf_hooks' monitorEventLoopDelay. Goal: no stall over 100 ms. For scale, one `JSON.parse` of
 * the same text is timed too (the old importer's single synchronous step).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import WebSocket from 'ws';
import { createCore, type Core } from '../electron/core/core';
import { startServer } from '../electron/server/server';

/** A stall meter: the longest gap between 5 ms ticks, and the event-loop delay histogram. */
function stallMeter(): { stop(): { maxGapMs: number; delayMaxMs: number; delayP99Ms: number } } {
  const h = monitorEventLoopDelay({ resolution: 10 });
  let last = performance.now();
  let maxGap = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    maxGap = Math.max(maxGap, now - last);
    last = now;
  }, 5);
  h.enable();
  return {
    stop() {
      h.disable();
      clearInterval(timer);
      return { maxGapMs: maxGap, delayMaxMs: h.max / 1e6, delayP99Ms: h.percentile(99) / 1e6 };
    },
  };
}

function projectText(n: number): string {
  const media = {
    path: '',
    fileName: '',
    container: 'mov,mp4',
    sizeBytes: 1,
    video: { codec: 'h264', width: 1920, height: 1080, pixFmt: 'yuv420p' },
    audio: [],
  };
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
  return JSON.stringify({
    format: 'vq-studio-project',
    version: 1,
    exportedAt: new Date().toISOString(),
    app: { version: 'bench' },
    sources,
    ladders: [],
    batches: [],
    jobs: [],
    renditions: [],
    scoreRuns: [],
    scoreResults: [],
  });
}

function fresh(): { core: Core; dataDir: string } {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vq-bench-import-'));
  return { core: createCore({ dataDir, host: { mode: 'web' }, queue: 'off' }), dataDir };
}

const ms = (v: number): string => `${v.toFixed(0)} ms`;

/** Prints the stall figures of both ways of importing. */
export async function runProjectImportBenchmarks(): Promise<void> {
  const n = Number(process.env.VQ_BENCH_IMPORT_SOURCES ?? 100_000);
  const text = projectText(n);
  console.log(`project import: ${n} sources, ${(text.length / 1024 / 1024).toFixed(1)} MB of JSON`);
  const t0 = performance.now();
  JSON.parse(text);
  console.log(`  one JSON.parse of the text (for scale): ${ms(performance.now() - t0)}`);

  {
    const { core, dataDir } = fresh();
    try {
      const meter = stallMeter();
      const start = performance.now();
      const summary = await core.api['project.import']({ text });
      const total = performance.now() - start;
      const m = meter.stop();
      console.log(
        `  API with the text: total ${ms(total)}, ${summary.sources.added} added; longest stall ${ms(m.maxGapMs)}, event-loop delay max ${ms(m.delayMaxMs)}, p99 ${ms(m.delayP99Ms)}`,
      );
    } finally {
      core.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }

  {
    const { core, dataDir } = fresh();
    const rendererDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vq-bench-ui-'));
    fs.writeFileSync(
      path.join(rendererDir, 'index.html'),
      '<!doctype html><title>VQ Studio</title>',
    );
    const server = await startServer({ core, rendererDir, port: 0 });
    const base = `127.0.0.1:${server.port}`;
    const ws = new WebSocket(`ws://${base}/api?token=${server.token}`);
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    let worstPing = 0;
    let pings = 0;
    let pinging = true;
    const ping = async (): Promise<void> => {
      let id = 0;
      while (pinging) {
        const sent = performance.now();
        const mine = ++id;
        await new Promise<void>((resolve) => {
          const on = (d: WebSocket.RawData): void => {
            if ((JSON.parse(String(d)) as { id?: number }).id === mine) {
              ws.off('message', on);
              resolve();
            }
          };
          ws.on('message', on);
          ws.send(JSON.stringify({ id: mine, method: 'app.info', args: {} }));
        });
        worstPing = Math.max(worstPing, performance.now() - sent);
        pings++;
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    try {
      const pinger = ping();
      const meter = stallMeter();
      const start = performance.now();
      const res = await fetch(`http://${base}/api/project-import`, {
        method: 'POST',
        body: text,
        headers: { authorization: `Bearer ${server.token}` },
      });
      const result = (await res.json()) as { ok: boolean; value?: { sources: { added: number } } };
      const total = performance.now() - start;
      const m = meter.stop();
      pinging = false;
      await pinger;
      console.log(
        `  POST to vq serve: total ${ms(total)}, ${result.value?.sources.added ?? 'failed'} added; longest stall ${ms(m.maxGapMs)}, event-loop delay max ${ms(m.delayMaxMs)}, p99 ${ms(m.delayP99Ms)}; ${pings} WebSocket calls meanwhile, slowest ${ms(worstPing)}`,
      );
    } finally {
      ws.close();
      await server.close();
      core.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
      fs.rmSync(rendererDir, { recursive: true, force: true });
    }
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  runProjectImportBenchmarks().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
