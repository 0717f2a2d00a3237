/**
 * The report of one source as one self-contained HTML file: inline CSS, inline SVG charts, no
 * script, no external URL, print-friendly. Pure: {@link ReportData} in, HTML text out. Every piece
 * of text from files or tools is escaped.
 *
 * Sections: source facts, toolchain, ladders, scores table (with XPSNR and CAMBI columns when a
 * score has them), RD chart with hull and crossovers, BD-rate table, per-frame charts, and the
 * exact ffmpeg commands.
 */
import type { PackageEntry } from '../../../shared/playback';
import { type RdRendition } from '../../../shared/analysis';
import { RD_QUALITY_LABELS, type RdQuality } from '../../../shared/rd/quality';
import {
  formatBitrate,
  formatBitsPerSecond,
  formatBytes,
  formatDuration,
  formatFps,
} from '../../../shared/format';
import type { LibraryItem } from '../../../shared/library';
import type { Batch, Rendition } from '../../../shared/queue';
import {
  bdRate,
  curvesBySettings,
  resolutionGroup,
  type BdResult,
  type CurvePoint,
  type RdPoint,
} from '../../../shared/rd';
import { RUNG_FIELD_HEADERS, rungFieldTexts, rungSizeText } from '../../../shared/rungText';
import type { ScoreResultDetail } from '../../../shared/scoreResults';
import { SERIES_LABELS, type ModelUsed, type ScoreSeries } from '../../../shared/score';
import { formatCommand } from '../ffmpeg/commandLine';
import { esc } from './html';
import { SERIES_COLORS, perFrameChartSvg, rdChartSvg, type RdSeries } from './svgCharts';

/** An ffmpeg build that took part, and what it did. */
export interface ReportBinary {
  role: string;
  path: string;
  version: string | null;
  /** "libvmaf 1.3.9 (API 1)" and the like, when known. */
  notes: string[];
}

/** Everything the report shows, gathered by `buildReport`. */
export interface ReportData {
  generatedAt: string;
  appVersion: string;
  source: LibraryItem;
  /** The quality figure of the RD chart, hull and BD table. */
  quality: RdQuality;
  /** Scored renditions (analysis.get), bitrate ascending. */
  points: RdRendition[];
  /**
   * Renditions whose score is stale (analysis.get's `stalePoints`): listed, marked with why, and
   * left out of every chart, hull and BD-rate.
   */
  stalePoints?: RdRendition[];
  renditions: Rendition[];
  /** Score results of the points, by result id. */
  scores: Map<string, ScoreResultDetail>;
  /** Batches that made the renditions (their ladders). */
  batches: Batch[];
  binaries: ReportBinary[];
  /** Streaming packages of this source's ladders (`vq package`), with their playbacks. */
  packages?: PackageEntry[];
}

/** One row of the BD-rate table. */
export interface BdRow {
  curve: string;
  points: number;
  result: BdResult | null;
  error: string | null;
}

/** Series the scores table adds as columns (pooled mean) when a score has them. */
const EXTRA_COLUMNS: readonly ScoreSeries[] = ['xpsnr', 'xpsnrU', 'xpsnrV', 'cambi'];

/** What the report says about the scale of each added series. */
const SERIES_NOTE: Partial<Record<ScoreSeries, string>> = {
  xpsnr:
    'XPSNR-Y, -U and -V: the perceptually weighted PSNR of each plane (FFmpeg’s xpsnr filter), in dB, higher is better.',
  cambi:
    'CAMBI: libvmaf’s banding index of the encoded video, from 0 (no visible banding) to 24; lower is better.',
};

function fixed(v: number | null | undefined, digits: number): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(digits);
}

function table(header: string[], rows: string[][], cls = ''): string {
  return (
    `<table${cls ? ` class="${cls}"` : ''}><thead><tr>${header.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead>` +
    `<tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('')}</tbody></table>`
  );
}

function facts(pairs: [string, string][]): string {
  return `<dl class="facts">${pairs.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl>`;
}

function encoderName(e: string): string {
  return e.replace(/^lib/, '');
}

function qualityOf(p: RdRendition, q: RdQuality): number | null {
  const v = p.metrics[q];
  return v !== null && Number.isFinite(v) ? v : null;
}

/** Curve points of the chosen quality (points without it are left out). */
export function curvePoints(
  points: readonly RdRendition[],
  quality: RdQuality,
): (CurvePoint & { rendition: RdRendition })[] {
  const out: (CurvePoint & { rendition: RdRendition })[] = [];
  for (const p of points) {
    const q = qualityOf(p, quality);
    if (q === null || !(p.bitrate > 0)) continue;
    out.push({
      id: p.renditionId,
      group: resolutionGroup(p.width, p.height),
      encoder: p.encoder,
      preset: p.preset,
      rateMode: p.rateMode,
      ladderId: p.ladderId,
      ladderName: p.ladderName,
      label: p.label,
      bitrate: p.bitrate,
      quality: q,
      width: p.width,
      height: p.height,
      rendition: p,
    });
  }
  return out;
}

/** A setting's name as the report writes it: "x264 veryfast ABR". */
function settingsName(label: string): string {
  return encoderName(label);
}

/**
 * BD-rate rows, like with like (the grouping of shared/rd/groupCurves.ts, the same as the
 * Analysis view's): every encoder setting's curve — encoder, preset and rate-control family; its
 * rungs, or its hull when it is a grid of rates × resolutions — against the anchor setting's,
 * then, within each setting, every resolution's curve against that setting's lowest resolution
 * with at least 2 points. The anchor is the setting with the most points on its line (the first
 * of a tie), as the view's default. PCHIP, the default method. A pair without numbers (too few
 * points, not monotonic, no shared quality range) keeps its row and says why; no curve ever holds
 * points of two settings.
 */
export function bdRows(points: readonly CurvePoint[]): { anchor: string | null; rows: BdRow[] } {
  const curves = curvesBySettings(points);
  if (curves.length === 0) return { anchor: null, rows: [] };
  const anchorCurve = curves.reduce(
    (best, c) => (c.line.length > best.line.length ? c : best),
    curves[0]!,
  );
  const anchorName = settingsName(anchorCurve.label);
  const rows: BdRow[] = [];
  const row = (name: string, anchor: readonly RdPoint[], test: readonly RdPoint[]): BdRow => {
    try {
      return { curve: name, points: test.length, result: bdRate(anchor, test), error: null };
    } catch (err) {
      return {
        curve: name,
        points: test.length,
        result: null,
        error: err instanceof Error ? err.message : String(err),
      };
    }
  };
  for (const c of curves) {
    if (c === anchorCurve) continue;
    rows.push(row(`${settingsName(c.label)} vs ${anchorName}`, anchorCurve.line, c.line));
  }
  for (const c of [anchorCurve, ...curves.filter((x) => x !== anchorCurve)]) {
    const groups = new Map<string, CurvePoint[]>();
    for (const p of c.points) groups.set(p.group, [...(groups.get(p.group) ?? []), p]);
    // A resolution with one point is no curve; it only takes part through the hull.
    const ordered = [...groups]
      .filter(([, pts]) => pts.length >= 2)
      .sort((a, b) => (a[1][0]!.height ?? 0) - (b[1][0]!.height ?? 0));
    if (ordered.length < 2) continue;
    const [baseGroup, basePoints] = ordered[0]!;
    for (const [g, pts] of ordered.slice(1)) {
      rows.push(
        row(
          `${settingsName(c.label)} ${g} vs ${settingsName(c.label)} ${baseGroup}`,
          basePoints,
          pts,
        ),
      );
    }
  }
  return { anchor: anchorName, rows };
}

const CSS = `
:root { color-scheme: light; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1b1f24; background: #fff; margin: 0 auto; max-width: 1100px; padding: 24px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid #d0d7de; padding-bottom: 4px; } h3 { font-size: 14px; margin: 16px 0 6px; }
.muted { color: #57606a; }
.stale { color: #9a6700; font-size: 11px; border: 1px solid #d4a72c; border-radius: 8px; padding: 0 5px; }
table { border-collapse: collapse; margin: 6px 0 10px; font-size: 13px; }
th, td { border: 1px solid #d0d7de; padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #f6f8fa; } td > .num { display: block; text-align: right; font-variant-numeric: tabular-nums; }
dl.facts { display: grid; grid-template-columns: max-content auto; gap: 2px 16px; margin: 6px 0; }
dl.facts dt { color: #57606a; } dl.facts dd { margin: 0; }
pre.cmd { white-space: pre-wrap; word-break: break-all; background: #f6f8fa; border: 1px solid #d0d7de; padding: 6px 8px; font: 12px/1.4 ui-monospace, Menlo, Consolas, monospace; margin: 4px 0 10px; }
svg.chart { display: block; max-width: 100%; height: auto; margin: 6px 0 12px; font: 11px system-ui, sans-serif; }
svg .plot { fill: #fff; stroke: #8c959f; } svg .grid { stroke: #eaeef2; } svg .tick { fill: #57606a; } svg .axis { fill: #1b1f24; }
svg .hull { fill: none; stroke-width: 2; } svg .point { stroke: #fff; stroke-width: 1; }
svg .crossover line { stroke-dasharray: 4 3; stroke-width: 1; } svg .crossover text { font-size: 10px; }
svg .series { fill: none; stroke-width: 1.2; } svg .mean { stroke: #8c959f; stroke-dasharray: 4 3; }
svg .legend line { stroke-width: 2; } svg .legend text { fill: #1b1f24; }
.neg { color: #1a7f37; } .pos { color: #cf222e; }
@media print { body { max-width: none; padding: 0; } h2 { break-after: avoid; } svg.chart, table { break-inside: avoid; } }
`;

function sourceSection(s: LibraryItem): string {
  const v = s.media.video;
  return (
    `<section id="source"><h2>Source</h2>` +
    facts([
      ['File', s.fileName],
      ['Path', s.path],
      ['Container', s.media.containerLongName ?? s.media.container],
      ['Size', formatBytes(s.sizeBytes)],
      ['Duration', formatDuration(s.media.durationSeconds)],
      [
        'Video',
        `${v.codec}${v.profile ? ` (${v.profile})` : ''}, ${v.width}x${v.height}, ${formatFps(v.frameRate)} fps${v.vfr ? ' (variable)' : ''}`,
      ],
      ['Frames', v.frameCount === null ? '–' : String(v.frameCount)],
      ['Pixel format', `${v.pixFmt}, ${v.bitDepth}-bit`],
      [
        'Colour',
        [v.colorRange, v.colorPrimaries, v.colorTransfer, v.colorMatrix]
          .map((c) => c ?? '?')
          .join(' / ') + (v.hdr ? ` (HDR ${v.hdr.toUpperCase()})` : ''),
      ],
      ['Bitrate', formatBitrate(s.media.bitrateKbps)],
      ['Library id', s.id],
    ]) +
    `</section>`
  );
}

function toolchainSection(d: ReportData): string {
  const models = new Map<string, string>();
  for (const r of d.scores.values()) {
    if (r.model) models.set(`${r.model.name}|${r.model.path ?? ''}`, modelText(r.model));
  }
  const rows = d.binaries.map((b) => [
    esc(b.role),
    `<code>${esc(b.path)}</code>`,
    esc(b.version ?? '?'),
    esc(b.notes.join('; ')),
  ]);
  return (
    `<section id="toolchain"><h2>Toolchain</h2>` +
    (rows.length
      ? table(['used for', 'binary', 'version', 'notes'], rows)
      : '<p class="muted">No encode or score runs recorded.</p>') +
    (models.size
      ? `<h3>VMAF models</h3><ul>${[...models.values()].map((m) => `<li>${esc(m)}</li>`).join('')}</ul>`
      : '') +
    facts([
      ['VQ Studio', d.appVersion],
      ['Report made', d.generatedAt],
    ]) +
    `</section>`
  );
}

function laddersSection(d: ReportData): string {
  const withLadder = d.batches.filter((b) => b.ladder);
  if (withLadder.length === 0)
    return `<section id="ladders"><h2>Ladders</h2><p class="muted">No ladder batches made these renditions.</p></section>`;
  const parts = withLadder.map((b) => {
    const l = b.ladder!;
    const rows = l.rungs.map((r) => rungFieldTexts(r).map(esc));
    return (
      `<h3>${esc(l.name)} <span class="muted">(${esc(l.id)}; batch ${esc(b.id)}, ${esc(b.createdAt)})</span></h3>` +
      table([...RUNG_FIELD_HEADERS], rows)
    );
  });
  return `<section id="ladders"><h2>Ladders</h2>${parts.join('')}</section>`;
}

/** The stored results a point's figures come from, newest first (shared/analysis.ts). */
function resultsOf(d: ReportData, p: RdRendition): ScoreResultDetail[] {
  return (p.scoreResultIds ?? [p.scoreResultId])
    .map((id) => d.scores.get(id))
    .filter((r): r is ScoreResultDetail => r !== undefined);
}

/** The newest of a point's results that has `series`, or undefined. */
function resultWith(
  d: ReportData,
  p: RdRendition,
  series: ScoreSeries,
): ScoreResultDetail | undefined {
  return resultsOf(d, p).find(
    (r) => r.perFrame[series] !== undefined || r.metrics[series] !== undefined,
  );
}

/** The added series ({@link EXTRA_COLUMNS}) that any score of the points has. */
function extraSeries(d: ReportData): ScoreSeries[] {
  return EXTRA_COLUMNS.filter((k) => d.points.some((p) => resultWith(d, p, k)?.metrics[k]));
}

/** The top of a VMAF model's scale when it is not 100 (VMAF v1: 110), else null. */
function modelMax(model: ModelUsed | null): number | null {
  const max = model?.maxScore;
  return max !== undefined && max !== 100 ? max : null;
}

/** The top of a result's VMAF scale when it is not 100, else null. */
function vmafMax(r: ScoreResultDetail): number | null {
  return modelMax(r.model);
}

/** A VMAF model as the toolchain section lists it: file or built-in, transform, scale, why. */
function modelText(m: ModelUsed): string {
  const max = modelMax(m);
  return [
    m.name,
    m.path ? ` (${m.path})` : ' (built-in)',
    m.transform ? ', phone transform' : '',
    max !== null ? `, scores 0–${max}` : '',
    ` — ${m.reason}`,
  ].join('');
}

function scoresSection(d: ReportData): string {
  if (d.points.length === 0) {
    const none = d.stalePoints?.length
      ? 'No rendition of this source has a score of the file as it is now.'
      : 'No rendition of this source has been scored yet.';
    return `<section id="scores"><h2>Scores</h2><p class="muted">${none}</p>${staleScores(d)}</section>`;
  }
  const extra = extraSeries(d);
  const rows = d.points.map((p) => {
    const of = (k: ScoreSeries) => resultWith(d, p, k)?.metrics[k];
    const n = (v: string) => `<span class="num">${v}</span>`;
    return [
      esc(p.label),
      esc(encoderName(p.encoder)),
      esc(`${p.width}x${p.height}`),
      esc(p.rateControl),
      n(esc(formatBitsPerSecond(p.bitrate))),
      n(esc(formatBytes(p.sizeBytes))),
      n(fixed(p.metrics.vmafMean, 3)),
      n(fixed(p.metrics.vmafHmean, 3)),
      n(fixed(p.metrics.vmafP5, 3)),
      n(fixed(of('vmaf')?.min, 3)),
      n(fixed(p.metrics.psnrY, 3)),
      n(fixed(p.metrics.psnr, 3)),
      n(fixed(p.metrics.ssim, 5)),
      n(fixed(p.metrics.msSsim, 5)),
      ...extra.map((k) => n(fixed(of(k)?.mean, 3))),
      n(esc(resultsOf(d, p)[0]?.frames ?? '–')),
    ];
  });
  const warnings = new Map<string, string>();
  for (const r of d.scores.values())
    for (const w of r.warnings)
      warnings.set(w.message, w.reference ? `${w.message} (${w.reference})` : w.message);
  const notes = [
    ...new Set(extra.map((k) => SERIES_NOTE[k === 'xpsnrU' || k === 'xpsnrV' ? 'xpsnr' : k])),
  ].filter(Boolean);
  const scales = [
    ...new Set([...d.scores.values()].map(vmafMax).filter((v): v is number => v !== null)),
  ];
  if (scales.length)
    notes.push(
      `VMAF of ${scales.map((v) => `0–${v}`).join(', ')}: the model's scale (the VMAF v1 4K-at-3H models, 3d0h_2160, score up to 110, not 100).`,
    );
  return (
    `<section id="scores"><h2>Scores</h2><p class="muted">Pooled over the frames scored, per rendition (newest score against the source). PSNR-Y and PSNR in dB; VMAF harmonic mean as libvmaf defines it (n / Σ 1/(s+1) − 1).${notes.map((t) => ` ${esc(t)}`).join('')}</p>` +
    table(
      [
        'rendition',
        'encoder',
        'size',
        'rate control',
        'bitrate',
        'file size',
        'VMAF',
        'VMAF hmean',
        'VMAF p5',
        'VMAF min',
        'PSNR-Y',
        'PSNR',
        'SSIM',
        'MS-SSIM',
        ...extra.map((k) => SERIES_LABELS[k]),
        'frames',
      ],
      rows,
      'scores',
    ) +
    (warnings.size
      ? `<h3>Notes from scoring</h3><ul>${[...warnings.values()].map((w) => `<li>${esc(w)}</li>`).join('')}</ul>`
      : '') +
    staleScores(d) +
    `</section>`
  );
}

/** The stale scores, marked with why: numbers of bytes that are no longer there (issue 11). */
function staleScores(d: ReportData): string {
  const stale = d.stalePoints ?? [];
  if (stale.length === 0) return '';
  const n = (v: string) => `<span class="num">${v}</span>`;
  const rows = stale.map((p) => [
    `${esc(p.label)} <span class="stale">stale</span>`,
    esc(`${p.width}x${p.height}`),
    n(esc(formatBitsPerSecond(p.bitrate))),
    n(fixed(p.metrics.vmafMean, 3)),
    n(fixed(p.metrics.psnrY, 3)),
    esc(p.stale?.reason ?? ''),
  ]);
  return (
    `<h3 id="stale-scores">Stale scores (${stale.length}), left out of every chart and BD-rate</h3>` +
    `<p class="muted">These scores measured files that have since been encoded again, changed or gone; their numbers do not describe the files there now.</p>` +
    table(['rendition', 'size', 'bitrate', 'VMAF', 'PSNR-Y', 'why stale'], rows, 'stale-scores')
  );
}

function rdSection(d: ReportData): string {
  const pts = curvePoints(d.points, d.quality);
  const curves = curvesBySettings(pts);
  const series: RdSeries[] = curves.map((c, i) => ({
    name: settingsName(c.label),
    color: SERIES_COLORS[i % SERIES_COLORS.length]!,
    points: c.points.map((p) => ({
      bitrate: p.bitrate,
      quality: p.quality,
      label: `${p.label} ${p.group}`,
    })),
    hull: c.hull,
    crossovers: c.crossovers,
  }));
  const hullTables = curves.map((c) => {
    const rows = c.hull.map((p) => [
      esc(p.label),
      esc(p.group),
      `<span class="num">${esc(formatBitsPerSecond(p.bitrate))}</span>`,
      `<span class="num">${fixed(p.quality, 3)}</span>`,
    ]);
    const resolutions = new Set(c.hull.map((p) => p.group)).size;
    const cross = c.crossovers.length
      ? c.crossovers
          .map((x) => `${x.from} → ${x.to} at ${formatBitsPerSecond(x.bitrate)}`)
          .join('; ')
      : resolutions > 1
        ? 'none claimed (the hull changes resolution only between resolutions of a single point each: no curves cross there)'
        : 'none (one resolution on the hull)';
    const picks = c.picks.map((r, k) => [
      esc(k + 1),
      esc(rungSizeText({ width: r.point.width ?? null, height: r.point.height ?? null })),
      `<span class="num">${esc(formatBitsPerSecond(r.bitrate))}</span>`,
      `<span class="num">${fixed(r.quality, 2)}</span>`,
      esc(r.why),
    ]);
    return (
      `<h3>${esc(settingsName(c.label))}: ${c.hull.length} of ${c.points.length} points on the hull</h3>` +
      table(['rendition', 'resolution', 'bitrate', RD_QUALITY_LABELS[d.quality]], rows) +
      `<p>Best resolution changes: ${esc(cross)} <span class="muted">(crossover drawn at the log-rate midpoint between the neighbouring hull points)</span></p>` +
      (picks.length
        ? `<h3>${esc(settingsName(c.label))}: recommended ladder from the hull</h3><p class="muted">Default rules: top rung at the first hull point reaching 95 (or the highest), neighbours 1.5–2× apart and at most 6 apart in quality, floor 150 kb/s; bitrates between hull points are interpolated along the hull.</p>` +
          table(['rung', 'size', 'bitrate', 'expected quality', 'why'], picks, 'picks')
        : '')
    );
  });
  return (
    `<section id="rd"><h2>Rate–quality chart</h2><p class="muted">${esc(RD_QUALITY_LABELS[d.quality])} against measured bitrate, one series per encoder setting (encoder, preset, rate-control family: CRF, or ABR/CBR); lines are each setting's upper convex hull across resolutions — never one hull across settings —, dashed verticals the bitrates where the best resolution changes (claimed only between resolutions with 2 points or more).</p>` +
    rdChartSvg(series, RD_QUALITY_LABELS[d.quality]) +
    hullTables.join('') +
    `</section>`
  );
}

function bdSection(d: ReportData): string {
  const { anchor, rows } = bdRows(curvePoints(d.points, d.quality));
  const head = `<section id="bdrate"><h2>BD-rate</h2>`;
  if (rows.length === 0) {
    return `${head}<p class="muted">Nothing to compare: BD-rate needs a second encoder setting (encoder, preset, rate control), or a second resolution of one setting, with scored renditions.</p></section>`;
  }
  const cells = rows.map((r) => {
    if (!r.result)
      return [
        esc(r.curve),
        esc(r.points),
        `<span class="muted">—</span>`,
        `<span class="muted">—</span>`,
        '',
        esc(r.error ?? ''),
      ];
    const cls = r.result.bdRatePercent < 0 ? 'neg' : r.result.bdRatePercent > 0 ? 'pos' : '';
    return [
      esc(r.curve),
      esc(r.points),
      `<span class="num ${cls}">${r.result.bdRatePercent > 0 ? '+' : ''}${r.result.bdRatePercent.toFixed(2)} %</span>`,
      r.result.bdQuality === null
        ? `<span class="muted" title="The curves share no bitrate range.">no shared bitrates</span>`
        : `<span class="num">${r.result.bdQuality > 0 ? '+' : ''}${r.result.bdQuality.toFixed(3)}</span>`,
      esc(`${r.result.overlap[0].toFixed(2)} – ${r.result.overlap[1].toFixed(2)}`),
      '',
    ];
  });
  return (
    `${head}<p class="muted">Like with like: one curve per encoder setting (encoder, preset, rate-control family) — a ladder's rungs, or a grid's convex hull. PCHIP over the overlapping ${esc(RD_QUALITY_LABELS[d.quality])} range, log bitrate, exact integral. Negative BD-rate: the curve needs fewer bits than the anchor (${esc(anchor ?? '')}) for the same quality. A row without numbers says why.</p>` +
    table(['curve', 'points', 'BD-rate', 'BD-quality', 'overlap', 'note'], cells) +
    `</section>`
  );
}

/**
 * Per rendition: a chart of its headline series (VMAF, else PSNR, SSIM, MS-SSIM; VMAF on the
 * model's whole scale when it is not 0–100), then XPSNR (luma, with the chroma planes) and CAMBI
 * when it has them.
 */
function perFrameSection(d: ReportData): string {
  const charts: string[] = [];
  d.points.forEach((p, i) => {
    if (resultsOf(d, p).length === 0) return;
    const title = `${p.label} (${encoderName(p.encoder)} ${p.width}x${p.height}, ${formatBitsPerSecond(p.bitrate)})`;
    const color = SERIES_COLORS[i % SERIES_COLORS.length]!;
    const chart = (
      series: ScoreSeries,
      o: { label?: string; range?: [number, number]; more?: ScoreSeries[] } = {},
    ): string => {
      // Each series from the newest result that has it, on that result's own frames.
      const r = resultWith(d, p, series)!;
      return perFrameChartSvg({
        title,
        seriesLabel: o.label ?? SERIES_LABELS[series],
        frames: r.frameNumbers,
        values: r.perFrame[series]!,
        mean: r.metrics[series]?.mean ?? null,
        color,
        range: o.range,
        more: (o.more ?? [])
          .filter((s) => r.perFrame[s])
          .map((s, k) => ({
            label: SERIES_LABELS[s],
            values: r.perFrame[s]!,
            color: SERIES_COLORS[(i + k + 1) % SERIES_COLORS.length]!,
          })),
      });
    };
    const has = (s: ScoreSeries): boolean => resultWith(d, p, s)?.perFrame[s] !== undefined;
    const headline = (['vmaf', 'psnrY', 'psnr', 'ssim', 'msSsim'] as ScoreSeries[]).find(has);
    const max = headline === 'vmaf' ? vmafMax(resultWith(d, p, 'vmaf')!) : null;
    if (headline) charts.push(chart(headline, max !== null ? { range: [0, max] } : {}));
    if (has('xpsnr')) charts.push(chart('xpsnr', { more: ['xpsnrU', 'xpsnrV'] }));
    if (has('cambi'))
      charts.push(chart('cambi', { label: 'CAMBI (lower is better)', range: [0, 1] }));
  });
  return `<section id="frames"><h2>Per-frame scores</h2>${charts.length ? `<p class="muted">Dashed line: the mean. Long clips are drawn with the lowest and highest value of each pixel column, so single bad frames stay visible. CAMBI measures banding: there a lower line is better.</p>${charts.join('')}` : '<p class="muted">No per-frame scores stored.</p>'}</section>`;
}

function commandsSection(d: ReportData): string {
  const shown = new Set(d.points.map((p) => p.renditionId));
  // A decode-once job writes several renditions with one command: show it once, naming them all.
  const byCommand = new Map<string, { files: string[]; passes: string[] }>();
  for (const r of d.renditions.filter((x) => shown.has(x.id) || d.points.length === 0)) {
    const passes = r.command.map((c) => formatCommand(c));
    const key = passes.join('\n');
    const had = byCommand.get(key) ?? { files: [], passes };
    had.files.push(`${r.rungId} → ${r.fileName}`);
    byCommand.set(key, had);
  }
  const enc = [...byCommand.values()].map(
    (e) =>
      `<h3>${esc(e.files.join(', '))}</h3>` +
      e.passes
        .map(
          (c, i) =>
            `${e.passes.length > 1 ? `<div class="muted">pass ${i + 1}</div>` : ''}<pre class="cmd">${esc(c)}</pre>`,
        )
        .join(''),
  );
  const seen = new Set<string>();
  const score: string[] = [];
  for (const r of d.points.flatMap((p) => resultsOf(d, p))) {
    if (seen.has(r.runId)) continue;
    seen.add(r.runId);
    const labels = d.points
      .filter((q) => resultsOf(d, q).some((x) => x.runId === r.runId))
      .map((q) => q.label);
    score.push(
      `<h3>${esc(labels.join(', '))} <span class="muted">(run ${esc(r.runId)})</span></h3><pre class="cmd">${esc(formatCommand(r.command))}</pre>`,
    );
  }
  return (
    `<section id="commands"><h2>ffmpeg commands</h2>` +
    `<h3>Encoding</h3>${enc.length ? enc.join('') : '<p class="muted">None recorded.</p>'}` +
    `<h3>Scoring</h3>${score.length ? score.join('') : '<p class="muted">None recorded.</p>'}` +
    `</section>`
  );
}

/** Streaming packages made of the ladders, and how their playbacks went (the Play view). */
function packagesSection(d: ReportData): string {
  const pkgs = d.packages ?? [];
  if (pkgs.length === 0) return '';
  const kbps = (bps: number): string => `${Math.round(bps / 1000)} kb/s`;
  const parts = pkgs.map((p) => {
    const s = p.summary;
    const formats = [s.hls ? 'HLS (master.m3u8)' : '', s.dash ? 'DASH (manifest.mpd)' : '']
      .filter(Boolean)
      .join(' + ');
    const variants = table(
      ['rung', 'size', 'CODECS', 'BANDWIDTH (peak)', 'AVERAGE-BANDWIDTH', 'segments'],
      s.variants.map((v) => [
        esc(v.rungId),
        `${v.width}×${v.height}`,
        `<code>${esc(v.codecs)}</code>`,
        kbps(v.peakBps),
        kbps(v.averageBps),
        String(v.segments.length),
      ]),
    );
    const plays =
      p.playbacks.length === 0
        ? '<p class="muted">Not played in the app yet.</p>'
        : table(
            [
              'played',
              'network',
              'rung',
              'time-weighted VMAF',
              'switches',
              'stalls',
              'start-up',
              'shown',
            ],
            p.playbacks.map((b) => [
              esc(b.createdAt),
              esc(b.profileName),
              esc(b.forcedRungId ? `forced ${b.forcedRungId}` : 'automatic'),
              b.timeWeightedVmaf === null ? '—' : b.timeWeightedVmaf.toFixed(2),
              String(b.switches),
              `${b.stalls} (${b.stallSeconds.toFixed(2)} s)`,
              b.startupSeconds === null ? '—' : `${b.startupSeconds.toFixed(2)} s`,
              esc(b.secondsByRung.map((r) => `${r.rungId} ${r.seconds.toFixed(1)} s`).join(', ')),
            ]),
          );
    const commands = s.commands
      .map((c) => `<pre class="cmd">${esc(formatCommand(c))}</pre>`)
      .join('');
    return (
      `<h3>${esc(p.name)} <span class="muted">(${esc(p.dir)}; ${esc(p.createdAt)})</span></h3>` +
      `<p>${esc(formats)}, ${s.segmentSeconds} s CMAF segments, ${s.durationSeconds.toFixed(2)} s` +
      `${s.audio ? `, audio <code>${esc(s.audio.codecs)}</code> (${kbps(s.audio.averageBps)})` : ', no audio'}.</p>` +
      variants +
      `<h4>Playbacks</h4>${plays}` +
      `<details><summary>The ffmpeg commands that wrote the segments</summary>${commands}</details>`
    );
  });
  return `<section id="packages"><h2>Streaming packages</h2>${parts.join('')}</section>`;
}

/** The whole report as one HTML document. */
export function renderReportHtml(d: ReportData): string {
  const title = `VQ Studio report — ${d.source.fileName}`;
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta name="viewport" content="width=device-width, initial-scale=1">`,
    `<meta name="generator" content="${esc(`VQ Studio ${d.appVersion}`)}">`,
    `<title>${esc(title)}</title>`,
    `<style>${CSS}</style>`,
    '</head><body>',
    `<header><h1>${esc(title)}</h1><p class="muted">${esc(`${d.points.length} scored rendition${d.points.length === 1 ? '' : 's'}; quality figure for curves: ${RD_QUALITY_LABELS[d.quality]}; made ${d.generatedAt}`)}</p></header>`,
    sourceSection(d.source),
    toolchainSection(d),
    laddersSection(d),
    scoresSection(d),
    rdSection(d),
    bdSection(d),
    perFrameSection(d),
    packagesSection(d),
    commandsSection(d),
    '</body></html>',
    '',
  ].join('\n');
}
