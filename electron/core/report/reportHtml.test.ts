import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RdRendition } from '../../../shared/analysis';
import type { LibraryItem } from '../../../shared/library';
import { bdRate, type CurvePoint } from '../../../shared/rd';
import { createCore } from '../core';
import { resultDetail } from '../scoreService/scoreViews';
import { openDatabase } from '../store/db';
import { ScoreRepo } from '../store/scoreRepo';
import { makeClip, quickLadder, quickRung } from '../../testing/clips';
import { TEST_V1_MODEL, testFullScore, testScore } from '../../testing/scores';
import { useTempDirs } from '../../testing/tempDir';
import { bdRows, renderReportHtml } from './reportHtml';

const pt = (
  encoder: string,
  height: number,
  kbps: number,
  quality: number,
  preset: string | null = 'medium',
  rateMode = 'crf',
): CurvePoint => ({
  id: `${encoder}-${preset}-${rateMode}-${height}-${kbps}`,
  label: `${height}p-${kbps}`,
  encoder,
  preset,
  rateMode,
  group: `${height}p`,
  height,
  bitrate: kbps * 1000,
  quality,
});

describe('bdRows', () => {
  it('compares every encoder setting against the longest curve and each resolution against the lowest one', () => {
    const x265 = [
      pt('libx265', 360, 150, 62),
      pt('libx265', 360, 300, 72),
      pt('libx265', 720, 600, 84),
      pt('libx265', 720, 1200, 91),
    ];
    const x264 = [
      pt('libx264', 360, 200, 62),
      pt('libx264', 360, 400, 72),
      pt('libx264', 720, 800, 84),
      pt('libx264', 720, 1600, 91),
    ];
    const { anchor, rows } = bdRows([...x265, ...x264]);
    expect(anchor).toBe('x264 medium CRF');
    expect(rows.map((r) => r.curve)).toEqual([
      'x265 medium CRF vs x264 medium CRF',
      'x264 medium CRF 720p vs x264 medium CRF 360p',
      'x265 medium CRF 720p vs x265 medium CRF 360p',
    ]);
    // every x265 rate is 3/4 of x264's at the same quality: −25 % exactly
    expect(rows[0]!.result!.bdRatePercent).toBeCloseTo(-25, 9);
    expect(rows[0]!.result).toEqual(bdRate(x264, x265));
    // 360p 62–72 and 720p 84–91 share no quality range: an explained error, not a number
    expect(rows[1]!.result).toBeNull();
    expect(rows[1]!.error).toMatch(/do not overlap in quality/);
  });

  it('never computes a BD-rate across settings: a veryfast ABR ladder and an ultrafast CRF grid of one encoder are two curves', () => {
    const abr = [
      pt('libx264', 234, 145, 60, 'veryfast', 'abr'),
      pt('libx264', 360, 365, 75, 'veryfast', 'abr'),
      pt('libx264', 540, 730, 86, 'veryfast', 'abr'),
    ];
    const grid = [
      pt('libx264', 240, 120, 55, 'ultrafast'),
      pt('libx264', 240, 260, 62, 'ultrafast'),
      pt('libx264', 480, 500, 80, 'ultrafast'),
      pt('libx264', 480, 1100, 91, 'ultrafast'),
    ];
    const { anchor, rows } = bdRows([...abr, ...grid]);
    // The ladder has 3 points on its line, the grid's hull 3 (240p@260k is below the chord): the
    // first in curve order is the anchor.
    expect(anchor).toBe('x264 ultrafast CRF');
    const settingsRows = rows.filter((r) => / vs x264 ultrafast CRF$/.test(r.curve));
    expect(settingsRows.map((r) => r.curve)).toEqual(['x264 veryfast ABR vs x264 ultrafast CRF']);
    // The numbers are the ladder's rungs against the grid's hull, nothing pooled across them.
    const gridHull = [grid[0]!, grid[2]!, grid[3]!];
    expect(settingsRows[0]!.result).toEqual(bdRate(gridHull, abr));
    // No row names an encoder alone (the old "x264 hull", which pooled both settings).
    expect(rows.some((r) => /hull/.test(r.curve))).toBe(false);
    // The only other row is inside the grid: 480p against 240p, same setting.
    expect(rows.map((r) => r.curve)).toContain(
      'x264 ultrafast CRF 480p vs x264 ultrafast CRF 240p',
    );
    expect(rows).toHaveLength(2);
  });

  it('keeps a row it cannot compute and says why (a one-point curve)', () => {
    const { rows } = bdRows([
      pt('libsvtav1', 360, 100, 60),
      pt('libsvtav1', 720, 400, 80),
      pt('libvpx-vp9', 360, 150, 60),
    ]);
    expect(rows.map((r) => r.curve)).toEqual(['vpx-vp9 medium CRF vs svtav1 medium CRF']);
    expect(rows[0]!.result).toBeNull();
    expect(rows[0]!.error).toMatch(/test curve has 1 point; PCHIP needs at least 2/);
  });

  it('has nothing to compare for one setting at one resolution', () => {
    expect(bdRows([pt('libx264', 360, 100, 60), pt('libx264', 360, 200, 70)]).rows).toEqual([]);
    expect(bdRows([])).toEqual({ anchor: null, rows: [] });
  });
});

describe('the report of scores with XPSNR, CAMBI and VMAF v1', () => {
  const tempDir = useTempDirs('vq-report-new-');

  /** A rendition point of the report's source, scored by result `resultId`. */
  function point(resultId: string, label: string, kbps: number, vmafMean: number): RdRendition {
    return {
      renditionId: `r-${label}`,
      scoreResultId: resultId,
      batchId: 'b',
      jobId: null,
      ladderId: 'l',
      ladderName: 'L',
      rungId: label,
      label,
      encoder: 'libx264',
      width: 320,
      height: 240,
      rateControl: 'CRF 23',
      preset: 'ultrafast',
      rateMode: 'crf',
      bitrate: kbps * 1000,
      sizeBytes: kbps * 125,
      metrics: {
        vmafMean,
        vmafHmean: null,
        vmafP5: null,
        psnr: null,
        psnrY: null,
        ssim: null,
        msSsim: null,
        xpsnr: null,
        cambi: null,
      },
      createdAt: 't',
      stale: null,
    };
  }

  it('lists the new series (CAMBI lower is better), charts them per frame, and draws VMAF v1 on 0–110', async () => {
    const dir = tempDir();
    const clip = makeClip(dir, { width: 320, height: 240, fps: 24, seconds: 1 });
    const c = createCore({ dataDir: path.join(dir, 'data'), host: { mode: 'web' }, queue: 'off' });
    let source: LibraryItem;
    try {
      source = (await c.api['library.import']({ paths: [clip] })).imported[0]!;
    } finally {
      c.close();
    }
    // Two scores stored in a real library file: one with every new series and the v1 model, one
    // of VMAF v0.6.1 alone (its chart keeps fitting its values).
    const db = openDatabase(path.join(dir, 'data'));
    const repo = new ScoreRepo(db);
    const run = {
      id: 'run1',
      jobId: null,
      referenceId: source.id,
      referencePath: clip,
      command: ['ffmpeg'],
      ffmpeg: { path: 'ffmpeg', version: '7.1.5', libvmafApi: 2 as const, libvmafVersion: '3.2.0' },
      model: null,
      startedAt: 't',
      durationMs: 1,
    };
    const scored = {
      target: { kind: 'source' as const, id: source.id },
      path: clip,
      label: 'x',
      encoder: null,
      width: 320,
      height: 240,
      bitrateKbps: null,
    };
    repo.insertRun(run, [
      {
        id: 'full',
        scored,
        score: testFullScore({ perFrame: { ...testFullScore().perFrame, vmaf: [90, 95, 99] } }),
        createdAt: 't',
      },
      {
        id: 'plain',
        scored,
        score: testScore({ vmaf: [90, 95, 99] }, [0, 1, 2], {
          model: { ...TEST_V1_MODEL, name: 'vmaf_v0.6.1', maxScore: undefined },
        }),
        createdAt: 't',
      },
    ]);
    // A later XPSNR-only score of the same video: its point takes VMAF from the earlier one.
    repo.insertRun({ ...run, id: 'run2' }, [
      { id: 'xonly', scored, score: testScore({ xpsnr: [30, 31, 32] }, [0, 1, 2]), createdAt: 'u' },
    ]);
    const full = resultDetail(repo.get('full')!);
    const plain = resultDetail(repo.get('plain')!);
    const xonly = resultDetail(repo.get('xonly')!);
    db.close();

    const merged = renderReportHtml({
      generatedAt: 'now',
      appVersion: 'test',
      source,
      quality: 'vmafMean',
      points: [{ ...point('xonly', 'm', 400, 94.667), scoreResultIds: ['xonly', 'plain'] }],
      renditions: [],
      scores: new Map([
        ['xonly', xonly],
        ['plain', plain],
      ]),
      batches: [],
      binaries: [],
    });
    expect(merged).toContain('<th>XPSNR-Y</th>');
    expect(merged).toContain('<span class="num">31.000</span>');
    expect(merged).toContain('<span class="num">90.000</span>'); // VMAF min of the earlier score
    expect(
      [...merged.matchAll(/aria-label="m \([^"]*\): ([^"]+) per frame"/g)].map((x) => x[1]),
    ).toEqual(['VMAF', 'XPSNR-Y']);
    expect(merged).toContain('(run run2)');
    expect(merged).toContain('(run run1)');

    const html = renderReportHtml({
      generatedAt: 'now',
      appVersion: 'test',
      source,
      quality: 'vmafMean',
      points: [point('full', 'full', 800, 94.667), point('plain', 'plain', 400, 94.667)],
      renditions: [],
      scores: new Map([
        ['full', full],
        ['plain', plain],
      ]),
      batches: [],
      binaries: [],
    });
    const section = (id: string, next: string): string =>
      html.slice(html.indexOf(`<section id="${id}">`), html.indexOf(`<section id="${next}">`));

    const scores = section('scores', 'rd');
    for (const h of ['XPSNR-Y', 'XPSNR-U', 'XPSNR-V', 'CAMBI'])
      expect(scores).toContain(`<th>${h}</th>`);
    for (const k of ['xpsnr', 'xpsnrU', 'xpsnrV', 'cambi'] as const)
      expect(scores).toContain(`<span class="num">${full.metrics[k]!.mean!.toFixed(3)}</span>`);
    expect(scores).toContain('lower is better');
    expect(scores).toMatch(/in dB/);
    expect(scores).toContain('VMAF of 0–110');
    expect(section('toolchain', 'ladders')).toContain(
      'vmaf_v1.0.16_3d0h_2160 (built-in), scores 0–110',
    );

    const frames = section('frames', 'commands');
    const charts = [
      ...frames.matchAll(/<svg class="chart frame-chart"[^>]*aria-label="([^"]+)"[\s\S]*?<\/svg>/g),
    ].map((m) => ({ label: m[1]!, svg: m[0] }));
    expect(charts.map((ch) => ch.label)).toEqual([
      'full (x264 320x240, 800 kb/s): VMAF per frame',
      'full (x264 320x240, 800 kb/s): XPSNR-Y per frame',
      'full (x264 320x240, 800 kb/s): CAMBI (lower is better) per frame',
      'plain (x264 320x240, 400 kb/s): VMAF per frame',
    ]);
    // VMAF v1 on its whole scale: the axis starts at 0; v0.6.1 fits the values (90–99).
    expect(charts[0]!.svg).toMatch(/>0<\/text>/);
    expect(charts[3]!.svg).not.toMatch(/>0<\/text>/);
    // XPSNR: luma with both chroma planes, and a legend naming them.
    expect(charts[1]!.svg.match(/<path class="series"/g)).toHaveLength(3);
    expect(charts[1]!.svg).toContain('>XPSNR-V</text>');
    // CAMBI's NaN frame is left out of its line: two points.
    expect(/<path class="series" d="([^"]+)"/.exec(charts[2]!.svg)![1]!.split(' L')).toHaveLength(
      2,
    );
  });
});

describe('the report’s rungs', () => {
  const tempDir = useTempDirs('vq-report-rungs-');

  it('prints every rung field and a recommended rung’s size as the Ladders table does', async () => {
    const dir = tempDir();
    const clip = makeClip(dir, { width: 320, height: 180, seconds: 1 });
    const c = createCore({ dataDir: path.join(dir, 'data'), host: { mode: 'web' }, queue: 'off' });
    let source: LibraryItem;
    try {
      source = (await c.api['library.import']({ paths: [clip] })).imported[0]!;
    } finally {
      c.close();
    }
    const ladder = quickLadder('mixed', [
      quickRung({
        id: 'hw',
        encoder: 'h264_nvenc',
        preset: null,
        rateControl: { mode: 'cbr', bitrateKbps: 900 },
      }),
      quickRung({
        id: 'x264-auto',
        width: 320,
        preset: null,
        gopSeconds: null,
        fixedGop: false,
        pixFmt: 'yuv420p10le',
        fpsCap: 30,
        audio: { mode: 'aac', bitrateKbps: 128 },
      }),
    ]);
    const point = (
      label: string,
      width: number,
      height: number,
      kbps: number,
      vmafMean: number,
    ): RdRendition => ({
      renditionId: `r-${label}`,
      scoreResultId: `s-${label}`,
      batchId: 'b',
      jobId: null,
      ladderId: 'mixed',
      ladderName: 'Test mixed',
      rungId: label,
      label,
      encoder: 'libx264',
      width,
      height,
      rateControl: 'CRF 30',
      preset: 'ultrafast',
      rateMode: 'crf',
      bitrate: kbps * 1000,
      sizeBytes: kbps * 125,
      metrics: {
        vmafMean,
        vmafHmean: null,
        vmafP5: null,
        psnr: null,
        psnrY: null,
        ssim: null,
        msSsim: null,
        xpsnr: null,
        cambi: null,
      },
      createdAt: 't',
      stale: null,
    });
    const html = renderReportHtml({
      generatedAt: 'now',
      appVersion: 'test',
      source,
      quality: 'vmafMean',
      points: [
        point('a', 160, 90, 150, 70),
        point('b', 320, 180, 400, 90),
        point('c', 320, 180, 12_345, 96),
      ],
      renditions: [],
      scores: new Map(),
      batches: [
        {
          id: 'b',
          sourceId: source.id,
          ladder,
          outDir: dir,
          decodeOnce: false,
          createdAt: 't',
          skipped: [],
        },
      ],
      binaries: [],
    });
    const section = (id: string, next: string): string =>
      html.slice(html.indexOf(`<section id="${id}">`), html.indexOf(`<section id="${next}">`));
    const ladders = section('ladders', 'scores');
    const cells = (rungId: string): string[] =>
      [
        ...new RegExp(`<tr><td>${rungId}</td>(.*?)</tr>`)
          .exec(ladders)![1]!
          .matchAll(/<td>(.*?)<\/td>/g),
      ].map((m) => m[1]!);
    expect(ladders).toContain(
      '<tr><th>rung</th><th>size</th><th>encoder</th><th>rate control</th><th>preset</th><th>GOP</th><th>pixels</th><th>fps cap</th><th>audio</th><th>container</th></tr>',
    );
    expect(cells('hw')).toEqual([
      'auto×180',
      'h264_nvenc',
      'CBR 900 kb/s',
      'default',
      '1 s fixed',
      '8-bit',
      'source',
      'none',
      'mp4',
    ]);
    expect(cells('x264-auto')).toEqual([
      '320×180',
      'libx264',
      'CRF 30',
      'default (medium)',
      'auto',
      '10-bit',
      '≤ 30',
      'AAC 128',
      'mp4',
    ]);
    // The recommended rungs from the hull: sizes as a saved rung reads them, rates as everywhere.
    const picks = /<table class="picks">.*?<\/table>/.exec(section('rd', 'bdrate'))![0];
    expect(picks).toContain('<th>size</th>');
    expect(picks).toMatch(/<td>320×180<\/td><td><span class="num">12.3 Mb\/s<\/span><\/td>/);
    expect(picks).not.toMatch(/<td>\d+p<\/td>/);
  });
});
