/**
 * Rate–quality points from the result files people already have (`vq hull RESULTS.json`). Pure:
 * zod checks the shape, nothing is read from disk. Four shapes are recognised:
 *
 * - `analysis`: the JSON of `analysis.export` (`{ sourceId, renditions: RdRendition[] }`) or the
 *   value of `analysis.get` (`{ sourceId, points: RdRendition[] }`); bitrate in bits/s.
 * - `encode-manifest`: `DIR/manifest.json` of `vq encode --score` (`bitrateKbps`, `scores.metrics`).
 * - `score-json`: what `vq score --json` prints. It has no bitrate or size: the points come back
 *   with `bitrate: null` and the file path, and the caller measures the files (the CLI probes them).
 * - `points`: a plain array of `{ bitrate, quality, width?, height?, label?, encoder?, preset?,
 *   rateMode? }`.
 *
 * The analysis JSON and plain points may name each rendition's preset and rate-control mode: the
 * curves are then one per encoder setting (groupCurves.ts), else one per encoder.
 */
import { z } from 'zod';
import { pooledFigure, RD_QUALITY_SERIES, type RdQuality } from './quality';
import { VqError } from '../errors';

/** One rendition read from a results file. */
export interface ResultPoint {
  label: string;
  /** Encoder when the file names it. */
  encoder: string | null;
  width: number | null;
  height: number | null;
  /** bits/s; null when the file does not say (score JSON). */
  bitrate: number | null;
  /** The chosen quality figure; null when it was not measured. */
  quality: number | null;
  /** The rendition's file, when the file names it. */
  path: string | null;
  /** The rung's preset (null: the encoder's default), when the file says. */
  preset?: string | null;
  /** The rung's rate-control mode, when the file says. */
  rateMode?: RateMode;
}

const RateModeSchema = z.enum(['crf', 'abr', 'cbr']);
type RateMode = z.infer<typeof RateModeSchema>;
const settingsFields = {
  preset: z.string().max(16).nullable().optional(),
  rateMode: RateModeSchema.optional(),
};

/** The preset and rate mode a file gave, as optional fields (absent when it gave none). */
function settingsFrom(r: { preset?: string | null; rateMode?: RateMode }): Pick<ResultPoint, 'preset' | 'rateMode'> {
  return { ...(r.preset !== undefined ? { preset: r.preset } : {}), ...(r.rateMode !== undefined ? { rateMode: r.rateMode } : {}) };
}

/** Which shape a results file had. */
export type ResultsFormat = 'analysis' | 'encode-manifest' | 'score-json' | 'points';

const num = z.number().nullable().optional();
const Pooled = z.object({ mean: num, harmonicMean: num, p5: num }).passthrough();
const SeriesMetrics = z
  .object({ vmaf: Pooled.optional(), psnrY: Pooled.optional(), psnr: Pooled.optional(), ssim: Pooled.optional(), msSsim: Pooled.optional(), xpsnr: Pooled.optional(), cambi: Pooled.optional() })
  .passthrough();

const AnalysisRendition = z
  .object({
    renditionId: z.string(),
    label: z.string(),
    encoder: z.string(),
    width: z.number(),
    height: z.number(),
    bitrate: z.number().nullable(),
    metrics: z.object({ vmafMean: num, vmafHmean: num, vmafP5: num, psnrY: num, psnr: num, ssim: num, msSsim: num, xpsnr: num, cambi: num }).passthrough(),
    ...settingsFields,
  })
  .passthrough();
const AnalysisExportDoc = z.object({ sourceId: z.string(), renditions: z.array(AnalysisRendition) }).passthrough();
const AnalysisDataDoc = z.object({ sourceId: z.string(), points: z.array(AnalysisRendition) }).passthrough();

const ManifestDoc = z
  .object({
    source: z.object({ path: z.string() }).passthrough(),
    renditions: z.array(
      z
        .object({
          rungId: z.string(),
          path: z.string(),
          encoder: z.string(),
          width: z.number(),
          height: z.number(),
          bitrateKbps: z.number().nullable(),
          scores: z.object({ metrics: SeriesMetrics }).passthrough().optional(),
        })
        .passthrough(),
    ),
  })
  .passthrough();

const ScoreDoc = z
  .object({
    reference: z.string(),
    results: z.array(z.object({ distorted: z.string(), metrics: SeriesMetrics }).passthrough()),
  })
  .passthrough();

const PlainPoint = z
  .object({
    bitrate: z.number().positive(),
    quality: z.number(),
    width: z.number().int().positive().optional(),
    height: z.number().int().positive().optional(),
    label: z.string().optional(),
    encoder: z.string().optional(),
    ...settingsFields,
  })
  .passthrough();

type Series = z.infer<typeof SeriesMetrics>;

/** The chosen figure from pooled series (`vq score --json`, the manifest). */
function fromSeries(m: Series | undefined, quality: RdQuality): number | null {
  const pooled = m?.[RD_QUALITY_SERIES[quality] as keyof Series] as z.infer<typeof Pooled> | undefined;
  const v = pooled ? pooledFigure(pooled, quality) : undefined;
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function baseName(p: string): string {
  return p.split(/[\\/]/).pop() ?? p;
}

/**
 * The points of a parsed results file (see the module comment for the shapes), with the quality
 * figure chosen. VqError('INVALID_ARGS') when the document is none of them, naming what was wrong.
 */
export function readResultsDocument(doc: unknown, quality: RdQuality): { format: ResultsFormat; points: ResultPoint[] } {
  if (Array.isArray(doc)) {
    return {
      format: 'points',
      points: doc.map((item, i) => {
        const r = PlainPoint.safeParse(item);
        if (!r.success) {
          const issue = r.error.issues[0];
          throw new VqError(
            'INVALID_ARGS',
            `Point ${i + 1} of the array is not usable: ${issue ? `${issue.path.join('.') || 'value'}: ${issue.message}` : 'wrong shape'}.`,
            'Each point needs a numeric bitrate (bits/s, above 0) and quality; width, height, label, encoder, preset and rateMode (crf, abr or cbr) are optional.',
          );
        }
        const p = r.data;
        return { label: p.label ?? `#${i + 1}`, encoder: p.encoder ?? null, width: p.width ?? null, height: p.height ?? null, bitrate: p.bitrate, quality: p.quality, path: null, ...settingsFrom(p) };
      }),
    };
  }
  const exported = AnalysisExportDoc.safeParse(doc);
  const data = exported.success ? null : AnalysisDataDoc.safeParse(doc);
  const list = exported.success ? exported.data.renditions : data?.success ? data.data.points : null;
  if (list) {
    return {
      format: 'analysis',
      points: list.map((r) => {
        const v = r.metrics[quality];
        return {
          label: r.label,
          encoder: r.encoder,
          width: r.width,
          height: r.height,
          bitrate: r.bitrate !== null && Number.isFinite(r.bitrate) ? r.bitrate : null,
          quality: typeof v === 'number' && Number.isFinite(v) ? v : null,
          path: null,
          ...settingsFrom(r),
        };
      }),
    };
  }
  const manifest = ManifestDoc.safeParse(doc);
  if (manifest.success) {
    return {
      format: 'encode-manifest',
      points: manifest.data.renditions.map((r) => ({
        label: r.rungId,
        encoder: r.encoder,
        width: r.width,
        height: r.height,
        bitrate: r.bitrateKbps !== null ? r.bitrateKbps * 1000 : null,
        quality: fromSeries(r.scores?.metrics, quality),
        path: r.path,
      })),
    };
  }
  const score = ScoreDoc.safeParse(doc);
  if (score.success) {
    return {
      format: 'score-json',
      points: score.data.results.map((r) => ({
        label: baseName(r.distorted),
        encoder: null,
        width: null,
        height: null,
        bitrate: null,
        quality: fromSeries(r.metrics, quality),
        path: r.distorted,
      })),
    };
  }
  throw new VqError(
    'INVALID_ARGS',
    'This JSON is not a results file: expected the output of `vq score --json`, a `manifest.json` of `vq encode --score`, the JSON of the pooled export, or an array of { bitrate, quality } points.',
    'Pass one of those files.',
  );
}
