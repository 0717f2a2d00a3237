/**
 * The encode's pre-flight, shown before a ladder is queued: what the plan does to this source that
 * a person should know (sizes fitted to its aspect, rungs turned for portrait, square pixels, HDR
 * kept or tone-mapped), and the score pre-flight of shared/preflight.ts run on every rendition as
 * planned, so what scoring it against the source would stop at or warn about is known before
 * anything is encoded. Pure: the source's MediaInfo and the ladder plan in, findings out.
 */
import type { LadderPlan, PlannedRung } from './encodePlan';
import type { MediaInfo } from './media';
import { preflight, type FindingId, type FixId, type Severity } from './preflight';

/** Identifiers of the encode's own checks; `score-…` are the score pre-flight's, per rendition. */
export type EncodeFindingId =
  | 'aspect-fitted'
  | 'portrait'
  | 'non-square-pixels'
  | 'hdr-kept'
  | 'hdr-ten-bit'
  | 'hdr-tonemapped'
  | `score-${FindingId}`;

/** One finding of the encode's pre-flight. */
export interface EncodeFinding {
  id: EncodeFindingId;
  severity: Severity;
  /** What the plan does, or what scoring would find, in plain words. */
  message: string;
  /** The rungs it concerns; empty when it is about the source as a whole. */
  rungIds: string[];
}

/** What the encode's pre-flight needs beyond the source and the plan. */
export interface EncodePreflightContext {
  /** Score after encode: its metrics include VMAF and the fixes it applies; null when off. */
  scoreAfterEncode: { vmaf: boolean; fixes: readonly FixId[] } | null;
}

/** Score pre-flight findings that every planned rendition has by design, so say nothing. */
const EXPECTED_PAIR_FINDINGS: ReadonlySet<FindingId> = new Set([
  'upscale',
  'bit-depth-mismatch',
  'start-offset',
]);

/** Runs the encode's checks on a ladder plan for one source. Findings come most serious first. */
export function encodePreflight(
  source: MediaInfo,
  plan: LadderPlan,
  ctx: EncodePreflightContext,
): EncodeFinding[] {
  const out: EncodeFinding[] = [...geometryFindings(source, plan), ...hdrFindings(plan)];

  // The score pre-flight on each rendition as it will come out, grouped by finding.
  const byId = new Map<FindingId, EncodeFinding>();
  for (const p of plan.rungs) {
    const findings = preflight(source, expectedRendition(source, p), {
      vmaf: ctx.scoreAfterEncode?.vmaf ?? true,
    });
    for (const f of findings) {
      if (EXPECTED_PAIR_FINDINGS.has(f.id) || f.severity === 'info') continue;
      const seen = byId.get(f.id);
      if (seen) {
        seen.rungIds.push(p.rung.id);
        continue;
      }
      const fixed = f.fixes.some((x) => ctx.scoreAfterEncode?.fixes.includes(x));
      const stops = f.severity === 'block' && !fixed;
      const when = ctx.scoreAfterEncode ? 'Score after encode' : 'Scored against the source';
      const consequence = stops
        ? ctx.scoreAfterEncode
          ? ` The score job stops at such a pair unless a fix is chosen (${f.fixes.join(' or ')}).`
          : ` Scoring stops at such a pair until a fix is chosen (${f.fixes.join(' or ')}).`
        : '';
      byId.set(f.id, {
        id: `score-${f.id}`,
        severity: stops && ctx.scoreAfterEncode ? 'warn' : 'info',
        message: `${when}: ${f.message}${consequence}`,
        rungIds: [p.rung.id],
      });
    }
  }
  out.push(...byId.values());
  const rank: Record<Severity, number> = { block: 0, warn: 1, info: 2 };
  return out.sort((a, b) => rank[a.severity] - rank[b.severity]);
}

/**
 * The rendition a planned rung will produce, as probe will see it: the planned size with square
 * pixels, upright (ffmpeg applies the rotation), the output's pixel format, colour and frame rate.
 */
export function expectedRendition(source: MediaInfo, p: PlannedRung): MediaInfo {
  const v = source.video;
  const tags = p.colour.tags;
  const transfer = tags?.transfer ?? v.colorTransfer;
  return {
    ...source,
    raw: null,
    bitrateKbps: null,
    video: {
      ...v,
      width: p.width,
      height: p.height,
      sar: '1:1',
      dar: null,
      rotation: 0,
      pixFmt: p.colour.pixFmt,
      bitDepth: p.colour.pixFmt.endsWith('10le') ? 10 : 8,
      ...(p.fps
        ? {
            rFrameRate: p.fps,
            avgFrameRate: p.fps,
            frameRate: p.fpsValue,
            vfr: false,
            frameCount: null,
            frameCountSource: null,
          }
        : {}),
      bitrateKbps: null,
      colorRange: tags ? 'tv' : v.colorRange,
      colorPrimaries: tags?.primaries ?? v.colorPrimaries,
      colorTransfer: transfer,
      colorMatrix: tags?.matrix ?? v.colorMatrix,
      hdr: p.colour.dynamicRange === 'tonemapped' ? null : v.hdr,
    },
  };
}

/** "3:2", "9:16", or "2.40:1" when the reduced ratio has large terms. */
export function aspectName(width: number, height: number): string {
  const g = gcd(width, height);
  const [a, b] = [width / g, height / g];
  if (Math.max(a, b) <= 21) return `${a}:${b}`;
  return width >= height ? `${(width / height).toFixed(2)}:1` : `1:${(height / width).toFixed(2)}`;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** What a rung asked for, in the ladder's words: "640×360", "720p" or "640 wide". */
function askedSize(p: PlannedRung): string {
  const { width, height } = p.rung;
  if (width !== null && height !== null) return `${width}×${height}`;
  return height !== null ? `${height}p` : `${width} wide`;
}

function geometryFindings(source: MediaInfo, plan: LadderPlan): EncodeFinding[] {
  const out: EncodeFinding[] = [];
  const { width: dw, height: dh } = plan.display;
  const portrait = dh > dw;
  const shape = aspectName(dw, dh);
  // Rungs whose size is not what the ladder literally says: fitted boxes, turned or derived sides.
  const changed = plan.rungs.filter((p) => {
    const { width, height } = p.rung;
    if (width !== null && height !== null) return p.width !== width || p.height !== height;
    return portrait;
  });
  if (changed.length) {
    const examples = [...new Set(changed.map((p) => `${askedSize(p)} → ${p.width}×${p.height}`))];
    const list = examples.slice(0, 4).join(', ') + (examples.length > 4 ? ', …' : '');
    const oneSided = changed.some((p) => p.rung.width === null || p.rung.height === null);
    out.push(
      portrait
        ? {
            id: 'portrait',
            severity: 'info',
            message:
              `Portrait ${shape} source (${dw}×${dh}): rungs are turned to portrait and keep its ` +
              `aspect${oneSided ? "; a one-sided rung's size is its short side" : ''} (${list}).`,
            rungIds: changed.map((p) => p.rung.id),
          }
        : {
            id: 'aspect-fitted',
            severity: 'info',
            message: `${shape} source (${dw}×${dh}): rung sizes fitted to ${shape} (${list}).`,
            rungIds: changed.map((p) => p.rung.id),
          },
    );
  }
  const sar = source.video.sar;
  if (sar && sar !== '1:1' && sar !== '0:1' && source.raw === null) {
    out.push({
      id: 'non-square-pixels',
      severity: 'info',
      message:
        `Non-square pixels (SAR ${sar}, stored ${source.video.width}×${source.video.height}): ` +
        `renditions have square pixels at the display size ${dw}×${dh}.`,
      rungIds: [],
    });
  }
  return out;
}

function hdrFindings(plan: LadderPlan): EncodeFinding[] {
  if (plan.hdr === null || plan.rungs.length === 0) return [];
  const kind = plan.hdr === 'pq' ? 'PQ' : 'HLG';
  const all = plan.rungs.map((p) => p.rung.id);
  if (plan.hdrHandling === 'tonemap') {
    return [
      {
        id: 'hdr-tonemapped',
        severity: 'info',
        message:
          `HDR source (BT.2020 ${kind}): tone-mapped to SDR BT.709 as chosen (zscale and the ` +
          'tonemap filter, hable curve); renditions are tagged BT.709.',
        rungIds: all,
      },
    ];
  }
  const out: EncodeFinding[] = [
    {
      id: 'hdr-kept',
      severity: 'info',
      message:
        `HDR source (BT.2020 ${kind}): renditions kept HDR — 10-bit, tagged BT.2020 primaries, ` +
        `${kind} transfer (${plan.hdr === 'pq' ? 'smpte2084' : 'arib-std-b67'}), BT.2020 matrix.`,
      rungIds: all,
    },
  ];
  const eightBit = plan.rungs.filter((p) => p.rung.pixFmt !== p.colour.pixFmt);
  if (eightBit.length) {
    out.push({
      id: 'hdr-ten-bit',
      severity: 'info',
      message:
        `${eightBit.length === 1 ? 'A rung asks' : `${eightBit.length} rungs ask`} for 8-bit ` +
        `${eightBit[0]!.rung.pixFmt}; encoded 10-bit (yuv420p10le) instead, as 8 bits band ` +
        'visibly in HDR.',
      rungIds: eightBit.map((p) => p.rung.id),
    });
  }
  return out;
}
