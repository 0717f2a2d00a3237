// The HTML report on a real data dir: a generated 1 s 320x180 clip with an awkward file name,
// encoded by the real queue (x264 and x265, two sizes each) and scored after encode with libvmaf,
// then `report.html` through the API.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../core';
import { makeClip, quickLadder, quickRung } from '../../testing/clips';

let dir: string;
let c: Core;
let sourceId: string;
let html: string;
let fileName: string;
let clip: string;
const CLIP_NAME = `clip <b>&"q'.mp4`;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vq-report-'));
  clip = makeClip(dir, { width: 320, height: 180, seconds: 1, fps: 24, name: CLIP_NAME });
  c = createCore({ dataDir: path.join(dir, 'data'), host: { mode: 'web' } });
  const imported = await c.api['library.import']({ paths: [clip] });
  sourceId = imported.imported[0]!.id;
  const ladder = quickLadder('report-test', [
    quickRung({ id: 'x264-180', height: 180, rateControl: { mode: 'crf', crf: 26 } }),
    quickRung({ id: 'x264-120', height: 120, rateControl: { mode: 'crf', crf: 34 } }),
    quickRung({
      id: 'x265-180',
      height: 180,
      encoder: 'libx265',
      rateControl: { mode: 'crf', crf: 28 },
    }),
    quickRung({
      id: 'x265-120',
      height: 120,
      encoder: 'libx265',
      rateControl: { mode: 'crf', crf: 36 },
    }),
  ]);
  let batchId: string | null = null;
  const finished = new Promise<void>((resolve) => {
    const off = c.events.subscribe((e) => {
      if (e.type === 'batch.finished' && e.batchId === batchId) {
        off();
        resolve();
      }
    });
  });
  const started = await c.api['encode.start']({
    sourceId,
    ladder,
    scoreAfterEncode: { options: { metrics: ['vmaf', 'psnr', 'ssim'] } },
  });
  batchId = started.batch.id;
  await finished;
  await c.queue.whenIdle();
  ({ html, fileName } = await c.api['report.html']({ sourceId }));
});

afterAll(() => {
  c?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('report.html', () => {
  it('names the file after the source, safely', () => {
    expect(fileName).toBe('clip_b_q_-report.html');
  });

  it('has every section', () => {
    for (const id of [
      'source',
      'toolchain',
      'ladders',
      'scores',
      'rd',
      'bdrate',
      'frames',
      'commands',
    ])
      expect(html).toContain(`<section id="${id}">`);
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
  });

  it('escapes file names and never loads anything from outside', () => {
    expect(html).toContain('clip &lt;b&gt;&amp;&quot;q&#39;.mp4');
    expect(html).not.toContain('<b>&');
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(/i);
    expect(html).not.toMatch(/\s(src|href|xlink:href)\s*=/i);
    expect(html).not.toMatch(/https?:\/\//);
  });

  it('shows the source facts, the toolchain and the ladder used', () => {
    expect(html).toMatch(/<dt>Video<\/dt><dd>h264 \([^)]*\), 320x180, 24 fps<\/dd>/);
    expect(html).toMatch(
      /<td>scoring<\/td><td><code>[^<]*ffmpeg[^<]*<\/code><\/td><td>[^<?]+<\/td><td>libvmaf \d+\.\d+\.\d+ \(filter API 1\)/,
    );
    expect(html).toMatch(/<td>encoding<\/td>/);
    expect(html).toContain('Test report-test');
    for (const rung of ['x264-180', 'x264-120', 'x265-180', 'x265-120'])
      expect(html).toContain(`<td>${rung}</td>`);
  });

  it('tabulates the pooled scores of every rendition as analysis.get has them', async () => {
    const { points } = await c.api['analysis.get']({ sourceId });
    expect(points).toHaveLength(4);
    const scores = html.slice(
      html.indexOf('<section id="scores">'),
      html.indexOf('<section id="rd">'),
    );
    for (const p of points) {
      expect(scores).toContain(`<td>${p.label}</td>`);
      expect(scores).toContain(p.metrics.vmafMean!.toFixed(3));
      expect(scores).toContain(p.metrics.psnrY!.toFixed(3));
    }
  });

  it('draws the RD chart with every point, both hulls, and a BD-rate row for x265 against x264', () => {
    const rd = html.slice(html.indexOf('<section id="rd">'), html.indexOf('<section id="bdrate">'));
    expect(rd.match(/<circle class="point"/g)).toHaveLength(4);
    const hulls = [...rd.matchAll(/<path class="hull" d="([^"]+)"/g)].map((m) => m[1]!);
    expect(hulls.length).toBeGreaterThanOrEqual(1);
    for (const d of hulls) expect(d).toMatch(/^M[\d.]+,[\d.]+ L[\d.]+,[\d.]+/);
    const bd = html.slice(
      html.indexOf('<section id="bdrate">'),
      html.indexOf('<section id="frames">'),
    );
    expect(bd).toContain('x265 ultrafast CRF vs x264 ultrafast CRF');
  });

  it('draws a per-frame chart per rendition and lists the exact commands', () => {
    const frames = html.slice(
      html.indexOf('<section id="frames">'),
      html.indexOf('<section id="commands">'),
    );
    const paths = [...frames.matchAll(/<path class="series" d="([^"]+)"/g)].map((m) => m[1]!);
    expect(paths).toHaveLength(4);
    for (const d of paths) expect(d.split(' L').length).toBe(24); // 24 frames, fewer than 2 per column: all drawn
    const cmds = html.slice(html.indexOf('<section id="commands">'));
    expect(cmds.match(/-c:v libx264/g)?.length).toBeGreaterThanOrEqual(2);
    expect(cmds).toContain('-c:v libx265');
    expect(cmds).toMatch(/libvmaf/);
  });

  it('refuses an unknown source', async () => {
    await expect(c.api['report.html']({ sourceId: 'nope' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});

describe('report.html of a source with nothing encoded yet', () => {
  it('still has every section, each saying what is missing', async () => {
    const other = createCore({
      dataDir: path.join(dir, 'data-empty'),
      host: { mode: 'web' },
      queue: 'off',
    });
    try {
      const { imported } = await other.api['library.import']({ paths: [clip] });
      const { html: empty } = await other.api['report.html']({ sourceId: imported[0]!.id });
      for (const id of [
        'source',
        'toolchain',
        'ladders',
        'scores',
        'rd',
        'bdrate',
        'frames',
        'commands',
      ])
        expect(empty).toContain(`<section id="${id}">`);
      expect(empty).toContain('No rendition of this source has been scored yet.');
      expect(empty).toContain('No scored renditions to draw.');
      expect(empty).toContain('No per-frame scores stored.');
      expect(empty).not.toContain('<svg');
    } finally {
      other.close();
    }
  });
});

describe('report.html of a mixed library', () => {
  it('keeps a veryfast ABR ladder and an ultrafast CRF grid apart: no BD-rate from pooled curves', async () => {
    const mixed = createCore({ dataDir: path.join(dir, 'data-mixed'), host: { mode: 'web' } });
    try {
      const { imported } = await mixed.api['library.import']({ paths: [clip] });
      const id = imported[0]!.id;
      const encode = async (ladder: ReturnType<typeof quickLadder>): Promise<void> => {
        let batchId: string | null = null;
        const done = new Promise<void>((resolve) => {
          const off = mixed.events.subscribe((e) => {
            if (e.type === 'batch.finished' && e.batchId === batchId) {
              off();
              resolve();
            }
          });
        });
        const started = await mixed.api['encode.start']({
          sourceId: id,
          ladder,
          scoreAfterEncode: { options: { metrics: ['psnr'] } },
        });
        batchId = started.batch.id;
        await done;
        await mixed.queue.whenIdle();
      };
      const abr = (rid: string, height: number, kbps: number) =>
        quickRung({
          id: rid,
          height,
          preset: 'veryfast',
          rateControl: { mode: 'abr', bitrateKbps: kbps },
        });
      await encode(
        quickLadder('abr-ladder', [
          abr('abr-180', 180, 300),
          abr('abr-120', 120, 120),
          abr('abr-90', 90, 50),
        ]),
      );
      const crf = (rid: string, height: number, value: number) =>
        quickRung({ id: rid, height, rateControl: { mode: 'crf', crf: value } });
      await encode(
        quickLadder('crf-grid', [
          crf('g180-24', 180, 24),
          crf('g180-36', 180, 36),
          crf('g120-24', 120, 24),
          crf('g120-36', 120, 36),
        ]),
      );

      const { points } = await mixed.api['analysis.get']({ sourceId: id });
      expect(points).toHaveLength(7);
      expect(new Set(points.map((p) => `${p.preset} ${p.rateMode}`))).toEqual(
        new Set(['veryfast abr', 'ultrafast crf']),
      );

      const { html: report } = await mixed.api['report.html']({ sourceId: id });
      const rd = report.slice(
        report.indexOf('<section id="rd">'),
        report.indexOf('<section id="bdrate">'),
      );
      // One hull per setting, never one across both.
      expect(rd).toContain('<h3>x264 ultrafast CRF: ');
      expect(rd).toContain('<h3>x264 veryfast ABR: ');
      expect(rd).not.toMatch(/<h3>x264: /);
      // The ladder's hull changes resolution at every rung, but with one point per resolution no
      // crossover is claimed for it.
      const ladderPart = rd.slice(rd.indexOf('<h3>x264 veryfast ABR: '));
      expect(ladderPart).toMatch(/Best resolution changes: none claimed/);
      const bd = report.slice(
        report.indexOf('<section id="bdrate">'),
        report.indexOf('<section id="frames">'),
      );
      const curveCells = [...bd.matchAll(/<tr><td>([^<]+)<\/td>/g)].map((m) => m[1]!);
      expect(curveCells.length).toBeGreaterThan(0);
      // Every row compares one setting with one setting (or a resolution within a setting).
      for (const name of curveCells) {
        const [test, anchor] = name.split(' vs ');
        expect(test).toMatch(/^x264 (ultrafast CRF|veryfast ABR)( \d+x\d+)?$/);
        expect(anchor).toMatch(/^x264 (ultrafast CRF|veryfast ABR)( \d+x\d+)?$/);
      }
      expect(
        curveCells.some((n) =>
          /^x264 veryfast ABR vs x264 ultrafast CRF$|^x264 ultrafast CRF vs x264 veryfast ABR$/.test(
            n,
          ),
        ),
      ).toBe(true);
    } finally {
      mixed.close();
    }
  }, 120_000);
});
