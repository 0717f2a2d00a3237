/**
 * Chart benchmark (Compare view's linked chart): time to draw 4 series × 100,000 frames on a
 * 1400 × 220 canvas in real Chromium, at device pixel ratio 1 and 2; goal ≤ 50 ms per draw.
 * Standalone: `node --import tsx bench/chart.bench.ts`, or `VQ_BENCH_ONLY=chart npm run bench`.
 *
 * The real chart code (renderer/src/views/compare/chart: decimate + drawFrameChart, and the
 * in-page timing harness bench/chartHarness.browser.ts) is bundled with esbuild and loaded into a blank page
 * of Debian's Chromium (VQ_CHROMIUM, else `chromium` on PATH), launched like playwright.config.ts
 * does. Timing happens in the page with performance.now(); each timed draw ends with a one-pixel
 * getImageData so the rasterization is part of it. Printed per DPR, median and p95 of
 * VQ_BENCH_CHART_RUNS draws (default 30): decimation alone, a full draw from raw values, and a
 * redraw with the decimation kept (a playhead move); and as the baseline, every frame stroked as
 * one canvas path (VQ_BENCH_CHART_NAIVE_RUNS, default 5). Figures, never assertions — except that a
 * draw which leaves no pixel of a series' colour fails the run.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from '@playwright/test';
import { build } from 'esbuild';

// The harness's types (bench/chartHarness.browser.ts), restated: the Node project does not
// compile browser files, it only bundles them for the page.
interface ChartBenchOptions {
  frames: number;
  seriesCount: number;
  width: number;
  height: number;
  dpr: number;
  runs: number;
  naiveRuns: number;
}
interface Timing {
  median: number;
  p95: number;
}
interface ChartBenchResult {
  decimate: Timing;
  draw: Timing;
  redraw: Timing;
  naive: Timing;
  seriesPixels: number[];
  columns: number;
}

const RUNS = Number(process.env.VQ_BENCH_CHART_RUNS ?? 30);
const NAIVE_RUNS = Number(process.env.VQ_BENCH_CHART_NAIVE_RUNS ?? 5);
const FRAMES = 100_000;
const SERIES = 4;
const WIDTH = 1400;
const HEIGHT = 220;
const GOAL_MS = 50;

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Debian's Chromium, as playwright.config.ts finds it. */
function chromiumPath(): string {
  if (process.env.VQ_CHROMIUM) return process.env.VQ_CHROMIUM;
  for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
    try {
      const found = execFileSync('which', [name], { encoding: 'utf8' }).trim();
      if (found) return found;
    } catch {
      // try the next name
    }
  }
  throw new Error('No Chromium found: install chromium (apt) or set VQ_CHROMIUM to its path.');
}

/** The chart module and its harness as one script defining `globalThis.VqChartBench`. */
async function bundleHarness(): Promise<string> {
  const out = await build({
    entryPoints: [path.join(repoRoot, 'bench/chartHarness.browser.ts')],
    bundle: true,
    format: 'iife',
    globalName: 'VqChartBench',
    platform: 'browser',
    target: 'chrome120',
    write: false,
    logLevel: 'silent',
  });
  return out.outputFiles[0]!.text;
}

function ms(v: number): string {
  return `${v.toFixed(2).padStart(8)} ms`;
}

/** Runs the chart benchmark and prints its figures. */
export async function runChartBenchmarks(): Promise<void> {
  const script = await bundleHarness();
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  try {
    console.log(
      `chart: draw ${SERIES} series × ${FRAMES.toLocaleString('en')} frames on a ${WIDTH}×${HEIGHT} canvas ` +
        `(Chromium ${browser.version()}, software raster; median / p95 of ${RUNS} draws; goal ≤ ${GOAL_MS} ms)`,
    );
    for (const dpr of [1, 2]) {
      const page = await browser.newPage({ deviceScaleFactor: dpr });
      await page.setContent('<!doctype html><html><body style="margin:0"></body></html>');
      await page.addScriptTag({ content: script });
      const options: ChartBenchOptions = {
        frames: FRAMES,
        seriesCount: SERIES,
        width: WIDTH,
        height: HEIGHT,
        dpr,
        runs: RUNS,
        naiveRuns: NAIVE_RUNS,
      };
      const r = await page.evaluate(
        (o) =>
          (
            globalThis as unknown as {
              VqChartBench: { runChartBenchmark: (o: ChartBenchOptions) => ChartBenchResult };
            }
          ).VqChartBench.runChartBenchmark(o),
        options,
      );
      await page.close();
      if (r.seriesPixels.some((n) => n === 0)) {
        throw new Error(`DPR ${dpr}: a series drew no pixels (${r.seriesPixels.join(', ')})`);
      }
      const verdict = r.draw.median <= GOAL_MS ? 'within goal' : 'OVER GOAL';
      console.log(
        `  DPR ${dpr} (${r.columns} pixel columns per series; pixels drawn per series: ${r.seriesPixels.join(', ')})`,
      );
      const row = (label: string, t: Timing, note = ''): void =>
        console.log(`    ${label.padEnd(40)} ${ms(t.median)}  p95 ${ms(t.p95)}  ${note}`.trimEnd());
      row(`decimation alone (${SERIES} series)`, r.decimate);
      row('full draw, rasterized', r.draw, verdict);
      row('redraw, decimation kept (playhead move)', r.redraw);
      row(
        `naive: stroke every frame (${NAIVE_RUNS} runs)`,
        r.naive,
        `full draw is ${(r.naive.median / r.draw.median).toFixed(0)}× faster`,
      );
    }
  } finally {
    await browser.close();
  }
}

// Standalone run; importing this module (bench/run.ts) does not start it.
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  runChartBenchmarks().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
