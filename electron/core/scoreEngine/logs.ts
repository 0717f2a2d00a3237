/**
 * Parsers for what the scoring ffmpeg writes: libvmaf logs (1.x JSON, 2.x/3.x JSON, 1.x and
 * 2.x/3.x XML) and the stats files of ffmpeg's `psnr`, `ssim` and `xpsnr` filters. Each output is
 * validated with zod, so a log of an unexpected shape is a clear error, never a silent zero.
 * Schemas: methods.md §3.6 (libvmaf `vmaf.cpp` RunVmaf for 1.x, `output.c` for 2.x).
 */
import { z } from 'zod';
import { VqError } from '../../../shared/errors';

/** One frame of a libvmaf log: every metric it logged (NaN where libvmaf wrote null/nan). */
export interface LibvmafFrame {
  frameNum: number;
  metrics: Record<string, number>;
}

/** libvmaf 2+ pooled values of one metric. */
export interface LibvmafPooled {
  min: number;
  max: number;
  mean: number;
  harmonicMean: number;
}

/** A libvmaf log, whatever its version and format. */
export interface LibvmafLog {
  /** libvmaf version as logged ("1.3.7", "3.0.0", or a git hash for dev builds). */
  version: string | null;
  /** 1 for the 1.x writer (vmaf.cpp), 2 for the 2.x+ writer (output.c). */
  generation: 1 | 2;
  frames: LibvmafFrame[];
  /** libvmaf 2+ `pooled_metrics`, null for 1.x. */
  pooled: Record<string, LibvmafPooled> | null;
  /** libvmaf 1.x aggregates: "VMAF score", "PSNR score", … (when present). */
  aggregate: Record<string, number>;
}

const LogNumber = z.union([z.number(), z.null()]).transform((v) => (v === null ? Number.NaN : v));

const V1Json = z.object({
  version: z.string(),
  params: z.record(z.string(), z.unknown()),
  metrics: z.array(z.string()).optional(),
  frames: z.array(
    z.object({ frameNum: z.number().int().min(0), metrics: z.record(z.string(), LogNumber) }),
  ),
});

const PooledEntry = z.object({
  min: LogNumber,
  max: LogNumber,
  mean: LogNumber,
  harmonic_mean: LogNumber,
});

const V2Json = z.object({
  version: z.string(),
  fps: z.number().nullable().optional(),
  frames: z.array(
    z.object({ frameNum: z.number().int().min(0), metrics: z.record(z.string(), LogNumber) }),
  ),
  pooled_metrics: z.record(z.string(), PooledEntry),
  aggregate_metrics: z.record(z.string(), z.unknown()).optional(),
});

function badLog(what: string, detail: string): VqError {
  return new VqError(
    'FFMPEG_FAILED',
    `libvmaf's ${what} log has an unexpected shape (${detail}).`,
    'This ffmpeg/libvmaf build may be too new or modified; run `vq doctor` and report the build.',
  );
}

function firstIssue(e: z.ZodError): string {
  const i = e.issues[0];
  return i ? `${i.path.join('.') || 'root'}: ${i.message}` : 'invalid';
}

/** Parses a libvmaf JSON log of any version (1.x has `params`, 2.x+ has `pooled_metrics`). */
export function parseLibvmafJson(text: string): LibvmafLog {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw badLog('JSON', 'not JSON');
  }
  if (typeof json === 'object' && json !== null && 'pooled_metrics' in json) {
    const p = V2Json.safeParse(json);
    if (!p.success) throw badLog('JSON', firstIssue(p.error));
    const pooled: Record<string, LibvmafPooled> = {};
    for (const [k, v] of Object.entries(p.data.pooled_metrics)) {
      pooled[k] = { min: v.min, max: v.max, mean: v.mean, harmonicMean: v.harmonic_mean };
    }
    return { version: p.data.version, generation: 2, frames: p.data.frames, pooled, aggregate: {} };
  }
  const p = V1Json.safeParse(json);
  if (!p.success) throw badLog('JSON', firstIssue(p.error));
  const aggregate: Record<string, number> = {};
  for (const [k, v] of Object.entries(json as Record<string, unknown>)) {
    if (/ score$/.test(k) && typeof v === 'number') aggregate[k] = v;
  }
  return { version: p.data.version, generation: 1, frames: p.data.frames, pooled: null, aggregate };
}

/** A number as libvmaf's XML writes it ("%.6f", or nan/inf). */
const XmlNumber = z
  .string()
  .regex(/^(-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?|-?nan|-?inf)$/i, 'not a number')
  .transform((s) => {
    const l = s.toLowerCase();
    if (l.endsWith('nan')) return Number.NaN;
    if (l.endsWith('inf')) return l.startsWith('-') ? -Infinity : Infinity;
    return Number(s);
  });

const XmlFrameAttrs = z.object({ frameNum: z.string().regex(/^\d+$/) }).catchall(XmlNumber);

const XmlPooledAttrs = z.object({
  name: z.string().min(1),
  min: XmlNumber,
  max: XmlNumber,
  mean: XmlNumber,
  harmonic_mean: XmlNumber,
});

function attributes(tag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of tag.matchAll(/([A-Za-z_][\w.:-]*)="([^"]*)"/g)) out[m[1]!] = m[2]!;
  return out;
}

/**
 * Parses a libvmaf XML log (1.x: `<VMAF version>`, `<fyi aggregateVMAF…>`, `<frames>`; 2.x+: plus
 * `<pooled_metrics><metric name min max mean harmonic_mean/>`). libvmaf writes flat, generated
 * XML with double-quoted attributes only, so a tag scanner suffices; zod checks every value.
 */
export function parseLibvmafXml(text: string): LibvmafLog {
  const root = /<VMAF\b([^>]*)>/.exec(text);
  if (!root) throw badLog('XML', 'no <VMAF> element');
  const version = attributes(root[1]!).version ?? null;
  const frames: LibvmafFrame[] = [];
  for (const m of text.matchAll(/<frame\s([^>]*?)\/?>/g)) {
    const p = XmlFrameAttrs.safeParse(attributes(m[1]!));
    if (!p.success) throw badLog('XML', `frame ${frames.length}: ${firstIssue(p.error)}`);
    const { frameNum, ...metrics } = p.data;
    frames.push({ frameNum: Number(frameNum), metrics: metrics as Record<string, number> });
  }
  const pooledBlock = /<pooled_metrics>([\s\S]*?)<\/pooled_metrics>/.exec(text);
  let pooled: Record<string, LibvmafPooled> | null = null;
  if (pooledBlock) {
    pooled = {};
    for (const m of pooledBlock[1]!.matchAll(/<metric\s([^>]*?)\/?>/g)) {
      const p = XmlPooledAttrs.safeParse(attributes(m[1]!));
      if (!p.success) throw badLog('XML', `pooled metric: ${firstIssue(p.error)}`);
      pooled[p.data.name] = {
        min: p.data.min,
        max: p.data.max,
        mean: p.data.mean,
        harmonicMean: p.data.harmonic_mean,
      };
    }
  }
  const aggregate: Record<string, number> = {};
  const fyi = /<fyi\s([^>]*?)\/?>/.exec(text);
  if (fyi) {
    for (const [k, v] of Object.entries(attributes(fyi[1]!))) {
      const n = XmlNumber.safeParse(v);
      if (/^aggregate/.test(k) && n.success) aggregate[k] = n.data;
    }
  }
  return { version, generation: pooled ? 2 : 1, frames, pooled, aggregate };
}

/** One line of the psnr filter's stats file. */
export interface PsnrStatsLine {
  /** 1-based frame counter of the filter. */
  n: number;
  /** Luma PSNR (`psnr_y`). */
  psnrY: number;
  /** `psnr_avg`: PSNR of the plane-size-weighted mean MSE. */
  psnrAvg: number;
  /** Every value of the line (mse_*, psnr_*), for export. */
  values: Record<string, number>;
}

/** One line of the ssim filter's stats file. */
export interface SsimStatsLine {
  n: number;
  /** Luma SSIM (`Y:`). */
  ssimY: number;
  /** `All:`: plane-size-weighted mean SSIM. */
  ssimAll: number;
  values: Record<string, number>;
}

/** A value as the filters print it ("%0.2f"/"%f", or inf for identical frames). */
const StatNumber = z
  .string()
  .regex(/^(-?\d+(\.\d+)?|-?inf|nan)$/i, 'not a number')
  .transform((s) => {
    const l = s.toLowerCase();
    if (l === 'nan') return Number.NaN;
    if (l.endsWith('inf')) return l.startsWith('-') ? -Infinity : Infinity;
    return Number(s);
  });

const PsnrLine = z
  .object({ n: z.string().regex(/^\d+$/), psnr_avg: StatNumber, psnr_y: StatNumber })
  .catchall(StatNumber);

const SsimLine = z
  .object({ n: z.string().regex(/^\d+$/), Y: StatNumber, All: StatNumber })
  .catchall(StatNumber);

function pairs(line: string): Record<string, string> {
  const out: Record<string, string> = {};
  // "(12.621900)" after All: is the dB value of the ssim line; it is kept as "dB".
  const db = /\(([^)]*)\)\s*$/.exec(line);
  const body = db ? line.slice(0, db.index) : line;
  for (const tok of body.trim().split(/\s+/)) {
    const i = tok.indexOf(':');
    if (i > 0) out[tok.slice(0, i)] = tok.slice(i + 1);
  }
  if (db) out.dB = db[1]!.trim();
  return out;
}

function badStats(filter: string, lineNo: number, detail: string): VqError {
  return new VqError(
    'FFMPEG_FAILED',
    `The ${filter} filter's stats file has an unexpected line ${lineNo} (${detail}).`,
    'This ffmpeg build may be modified; run `vq doctor` and report the build.',
  );
}

/** Parses the psnr filter's `stats_file` (v1 lines; the v2 header line is skipped). */
export function parsePsnrStats(text: string): PsnrStatsLine[] {
  const out: PsnrStatsLine[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (!/^n:/.test(line)) return;
    const p = PsnrLine.safeParse(pairs(line));
    if (!p.success) throw badStats('psnr', i + 1, firstIssue(p.error));
    const { n, psnr_avg, psnr_y, ...rest } = p.data;
    out.push({
      n: Number(n),
      psnrY: psnr_y,
      psnrAvg: psnr_avg,
      values: { psnr_avg, psnr_y, ...(rest as Record<string, number>) },
    });
  });
  return out;
}

/** Parses the ssim filter's `stats_file` ("n:1 Y:… U:… V:… All:… (dB)"). */
export function parseSsimStats(text: string): SsimStatsLine[] {
  const out: SsimStatsLine[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (!/^n:/.test(line)) return;
    const p = SsimLine.safeParse(pairs(line));
    if (!p.success) throw badStats('ssim', i + 1, firstIssue(p.error));
    const { n, Y, All, ...rest } = p.data;
    out.push({
      n: Number(n),
      ssimY: Y,
      ssimAll: All,
      values: { Y, All, ...(rest as Record<string, number>) },
    });
  });
  return out;
}

/** One line of the xpsnr filter's stats file: the XPSNR of each plane of one frame, in dB. */
export interface XpsnrStatsLine {
  /** 1-based frame counter of the filter. */
  n: number;
  /** Luma XPSNR. */
  y: number;
  /** Cb XPSNR. */
  u: number;
  /** Cr XPSNR. */
  v: number;
}

/**
 * A frame line as vf_xpsnr.c prints it (`"n: %4"PRId64` then `"  XPSNR %c: %3.4f"` per plane):
 * `n:    1  XPSNR y: 37.1508  XPSNR u: 38.7122  XPSNR v: 38.4645`. A plane with no error at all
 * prints `inf`. The summary line at the end ("XPSNR average, …") is not a frame.
 */
const XPSNR_LINE = /^n:\s*(\d+)((?:\s+XPSNR\s+[a-z]:\s*\S+)+)\s*$/;

const XpsnrLine = z
  .object({ n: z.string().regex(/^\d+$/), y: StatNumber, u: StatNumber, v: StatNumber })
  .strict();

/** Parses the xpsnr filter's `stats_file` (a YUV comparison: planes y, u and v). */
export function parseXpsnrStats(text: string): XpsnrStatsLine[] {
  const out: XpsnrStatsLine[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (!/^n:/.test(line)) return;
    const m = XPSNR_LINE.exec(line);
    if (!m)
      throw badStats(
        'xpsnr',
        i + 1,
        `not "n: N  XPSNR y: …": ${JSON.stringify(line.slice(0, 80))}`,
      );
    const fields: Record<string, string> = { n: m[1]! };
    for (const p of m[2]!.matchAll(/XPSNR\s+([a-z]):\s*(\S+)/g)) fields[p[1]!] = p[2]!;
    const p = XpsnrLine.safeParse(fields);
    if (!p.success) throw badStats('xpsnr', i + 1, firstIssue(p.error));
    out.push({ n: Number(p.data.n), y: p.data.y, u: p.data.u, v: p.data.v });
  });
  return out;
}
