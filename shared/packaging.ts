/**
 * Packaging a ladder for streaming (`vq package`): what a package is, whether a ladder's
 * keyframes allow the segment length asked for, and the playlists written for it — the HLS
 * master and media playlists and the DASH MPD, all over one set of CMAF (fragmented MP4)
 * segments per rendition. Pure: the files are measured elsewhere (electron/core/package).
 */

/** One CMAF media segment as measured from its file. */
export interface PackageSegment {
  /** File name inside its track's folder. */
  file: string;
  /** Start on the track's media clock (its `timescale`), from the segment's tfdt. */
  t: number;
  /** Duration in `timescale` units (the sum of its samples' durations). */
  d: number;
  bytes: number;
}

/** One track of a package: a folder with an init segment and media segments. */
export interface PackageTrack {
  /** Folder inside the package (`v0`, `v1`, …, `audio`). */
  dir: string;
  /** RFC 6381 codec string read from the init segment (`avc1.64001f`, `mp4a.40.2`). */
  codecs: string;
  timescale: number;
  segments: PackageSegment[];
  /** Peak bit rate (bits/s) as HLS defines it: see {@link peakBitrate}. */
  peakBps: number;
  /** Bytes of all segments over their duration (bits/s). */
  averageBps: number;
}

/** A video rendition of the package. */
export interface PackageVariant extends PackageTrack {
  rungId: string;
  /** The encoded file the segments were copied from. */
  sourceFile: string;
  /** ffprobe's codec name (h264, hevc, av1, vp9). */
  codec: string;
  width: number;
  height: number;
  /** Frame rate as "N/D" from the stream, and as a number. */
  frameRateText: string | null;
  frameRate: number | null;
}

/** The audio of the package, its own group (HLS) or adaptation set (DASH). */
export interface PackageAudio extends PackageTrack {
  sourceFile: string;
  codec: string;
  channels: number | null;
  sampleRate: number | null;
  language: string | null;
}

/** What `vq package` made: also `DIR/package.json`. */
export interface PackageSummary {
  /** Package id: stable for a folder (the Play view and reports name it). */
  id: string;
  /** The encoded source's path, when the manifest named it. */
  sourcePath: string | null;
  segmentSeconds: number;
  durationSeconds: number;
  hls: boolean;
  dash: boolean;
  variants: PackageVariant[];
  audio: PackageAudio | null;
  /** The ffmpeg commands that wrote the segments, one per track. */
  commands: string[][];
  createdAt: string;
}

/** Keyframes of one rendition, as read from its packets. */
export interface RenditionKeyframes {
  rungId: string;
  /** Keyframe times in seconds from the rendition's first frame, ascending. */
  keyframes: number[];
  durationSeconds: number;
  /** Seconds per frame (the tolerance of "at the same time" is half of it). */
  frameSeconds: number;
  /**
   * A keyframe whose GOP is open (pictures after it in decode order are shown before it, and need
   * the GOP before): a segment starting there would not decode on its own. Null when closed.
   */
  openGopAt?: number | null;
}

/** Why a rendition cannot be cut into segments of the length asked for. */
export interface AlignmentProblem {
  rungId: string;
  reason: string;
}

/** The keyframe interval of a rendition whose keyframes come at one fixed interval, else null. */
export function fixedGopSeconds(r: RenditionKeyframes): number | null {
  const k = r.keyframes;
  if (k.length < 2) return null;
  const first = k[1]! - k[0]!;
  const tol = r.frameSeconds / 2;
  for (let i = 2; i < k.length; i++) {
    if (Math.abs(k[i]! - k[i - 1]! - first) > tol) return null;
  }
  return first;
}

/**
 * Checks that every segment boundary (every multiple of `segmentSeconds` before the end) is a
 * keyframe of every rendition, within half a frame; then all renditions switch at the same
 * instants. Returns a problem per rendition that fails, in the user's words.
 */
export function checkAlignment(
  renditions: readonly RenditionKeyframes[],
  segmentSeconds: number,
): AlignmentProblem[] {
  const problems: AlignmentProblem[] = [];
  for (const r of renditions) {
    const tol = r.frameSeconds / 2;
    const gop = fixedGopSeconds(r);
    if (gop !== null && r.durationSeconds > segmentSeconds + tol) {
      const ratio = segmentSeconds / gop;
      if (Math.abs(ratio - Math.round(ratio)) * gop > tol || Math.round(ratio) < 1) {
        problems.push({
          rungId: r.rungId,
          reason: `the segment length (${fmt(segmentSeconds)} s) is not a multiple of its GOP (${fmt(gop)} s, ${Math.round(gop / r.frameSeconds)} frames)`,
        });
        continue;
      }
    }
    if (r.openGopAt !== undefined && r.openGopAt !== null) {
      problems.push({
        rungId: r.rungId,
        reason: `its GOPs are open (pictures after the keyframe at ${fmt(r.openGopAt)} s are shown before it), so a segment would need the one before it; encode with closed GOPs (x265: open-gop=0)`,
      });
      continue;
    }
    if (Math.abs(r.keyframes[0] ?? Infinity) > tol) {
      problems.push({ rungId: r.rungId, reason: 'its first frame is not a keyframe' });
      continue;
    }
    const missing: number[] = [];
    for (let k = 1; k * segmentSeconds < r.durationSeconds - tol; k++) {
      const b = k * segmentSeconds;
      // Keyframes are ascending: the one at or after b - tol is the only one that can match.
      const near = r.keyframes[lowerBound(r.keyframes, b - tol)];
      if (near === undefined || near > b + tol) missing.push(b);
    }
    if (missing.length > 0) {
      const at = missing[0]!;
      const before = [...r.keyframes].reverse().find((k) => k < at);
      const after = r.keyframes.find((k) => k > at);
      const near = [before, after]
        .filter((k): k is number => k !== undefined)
        .map((k) => `${fmt(k)} s`);
      problems.push({
        rungId: r.rungId,
        reason:
          `no keyframe at ${fmt(at)} s` +
          (near.length ? ` (the nearest: ${near.join(' and ')})` : '') +
          (missing.length > 1
            ? `, nor at ${missing.length - 1} more segment boundar${missing.length > 2 ? 'ies' : 'y'}`
            : ''),
      });
    }
  }
  return problems;
}

export function lowerBound(xs: readonly number[], x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Segment length people expect by default (seconds); the GOP multiple nearest it is chosen. */
export const PREFERRED_SEGMENT_SECONDS = 4;

/**
 * The segment length used when none is asked for: among the multiples (2–10 s) of the renditions'
 * fixed GOPs, the one the fewest renditions refuse, nearest {@link PREFERRED_SEGMENT_SECONDS}
 * (so one odd rung in a ladder is the one named); {@link PREFERRED_SEGMENT_SECONDS} when no
 * rendition has a fixed GOP.
 */
export function defaultSegmentSeconds(renditions: readonly RenditionKeyframes[]): number {
  const gops = [
    ...new Set(
      renditions
        .map(fixedGopSeconds)
        .filter((g): g is number => g !== null)
        .map(round3),
    ),
  ];
  if (gops.length === 0) return PREFERRED_SEGMENT_SECONDS;
  const candidates = new Set<number>();
  for (const gop of gops) {
    for (let k = 1; k * gop <= 10 + 1e-9; k++)
      if (k * gop >= 2 - 1e-9) candidates.add(round3(k * gop));
    if (gop > 10) candidates.add(gop);
    if (gop < 2 && candidates.size === 0) candidates.add(round3(Math.ceil(2 / gop) * gop));
  }
  // A rendition fails a length its GOP does not divide even when it is too short to show it.
  const fails = (r: RenditionKeyframes, s: number): boolean => {
    const gop = fixedGopSeconds(r);
    const off = gop === null ? 0 : Math.abs(s / gop - Math.round(s / gop)) * gop;
    return off > r.frameSeconds / 2 || checkAlignment([r], s).length > 0;
  };
  const scored = [...candidates].map((s) => ({
    s,
    failing: renditions.filter((r) => fails(r, s)).length,
  }));
  scored.sort(
    (a, b) =>
      a.failing - b.failing ||
      Math.abs(a.s - PREFERRED_SEGMENT_SECONDS) - Math.abs(b.s - PREFERRED_SEGMENT_SECONDS) ||
      a.s - b.s,
  );
  return scored[0]!.s;
}

/** "360p 2 s, 480p 2.4 s" when the renditions' fixed GOPs differ, else null. */
export function describeGops(renditions: readonly RenditionKeyframes[]): string | null {
  const gops = renditions.map((r) => ({ rungId: r.rungId, gop: fixedGopSeconds(r) }));
  const distinct = new Set(gops.map((g) => (g.gop === null ? 'varies' : fmt(g.gop))));
  if (distinct.size < 2) return null;
  return gops.map((g) => `${g.rungId} ${g.gop === null ? 'varies' : `${fmt(g.gop)} s`}`).join(', ');
}

/**
 * Peak bit rate as the HLS specification defines BANDWIDTH's measure: the highest bit rate of any
 * run of consecutive segments lasting between 0.5 and 1.5 times the target duration (so a short
 * last segment does not count alone); all segments together when no run qualifies.
 */
export function peakBitrate(
  segments: readonly { seconds: number; bytes: number }[],
  targetSeconds: number,
): number {
  let peak = 0;
  for (let i = 0; i < segments.length; i++) {
    let seconds = 0;
    let bytes = 0;
    for (let j = i; j < segments.length; j++) {
      seconds += segments[j]!.seconds;
      bytes += segments[j]!.bytes;
      if (seconds > 1.5 * targetSeconds + 1e-9) break;
      if (seconds >= 0.5 * targetSeconds - 1e-9 && seconds > 0)
        peak = Math.max(peak, (bytes * 8) / seconds);
    }
  }
  if (peak > 0) return Math.ceil(peak);
  const total = segments.reduce((a, s) => a + s.seconds, 0);
  const bytes = segments.reduce((a, s) => a + s.bytes, 0);
  return total > 0 ? Math.ceil((bytes * 8) / total) : 0;
}

/** Average bit rate of segments (bits/s). */
export function averageBitrate(segments: readonly { seconds: number; bytes: number }[]): number {
  const total = segments.reduce((a, s) => a + s.seconds, 0);
  const bytes = segments.reduce((a, s) => a + s.bytes, 0);
  return total > 0 ? Math.ceil((bytes * 8) / total) : 0;
}

/** Segment durations of a track in seconds. */
export function segmentSeconds(track: Pick<PackageTrack, 'segments' | 'timescale'>): number[] {
  return track.segments.map((s) => s.d / track.timescale);
}

/** The HLS media playlist of one track (in its folder: URIs relative to it). */
export function mediaPlaylist(track: PackageTrack): string {
  const durations = segmentSeconds(track);
  const target = Math.max(1, ...durations.map((d) => Math.round(d)));
  const lines = [
    '#EXTM3U',
    '#EXT-X-VERSION:7',
    `#EXT-X-TARGETDURATION:${target}`,
    '#EXT-X-MEDIA-SEQUENCE:0',
    '#EXT-X-PLAYLIST-TYPE:VOD',
    '#EXT-X-INDEPENDENT-SEGMENTS',
    '#EXT-X-MAP:URI="init.mp4"',
  ];
  track.segments.forEach((s, i) => lines.push(`#EXTINF:${durations[i]!.toFixed(6)},`, s.file));
  lines.push('#EXT-X-ENDLIST', '');
  return lines.join('\n');
}

/** Variants in the order players and people expect: lowest bandwidth first. */
export function variantsByBandwidth(variants: readonly PackageVariant[]): PackageVariant[] {
  return [...variants].sort((a, b) => a.peakBps - b.peakBps || a.height - b.height);
}

/** The HLS master playlist: one variant per rendition, audio as its own group. */
export function masterPlaylist(pkg: Pick<PackageSummary, 'variants' | 'audio'>): string {
  const lines = ['#EXTM3U', '#EXT-X-VERSION:7', '#EXT-X-INDEPENDENT-SEGMENTS'];
  const a = pkg.audio;
  if (a) {
    lines.push(
      '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio",NAME="' +
        (a.language ?? 'audio') +
        '",DEFAULT=YES,AUTOSELECT=YES' +
        (a.language ? `,LANGUAGE="${a.language}"` : '') +
        (a.channels ? `,CHANNELS="${a.channels}"` : '') +
        `,URI="${a.dir}/index.m3u8"`,
    );
  }
  for (const v of variantsByBandwidth(pkg.variants)) {
    const attrs = [
      `BANDWIDTH=${v.peakBps + (a?.peakBps ?? 0)}`,
      `AVERAGE-BANDWIDTH=${v.averageBps + (a?.averageBps ?? 0)}`,
      `CODECS="${[v.codecs, ...(a ? [a.codecs] : [])].join(',')}"`,
      `RESOLUTION=${v.width}x${v.height}`,
      ...(v.frameRate ? [`FRAME-RATE=${v.frameRate.toFixed(3)}`] : []),
      ...(a ? ['AUDIO="audio"'] : []),
    ];
    lines.push(`#EXT-X-STREAM-INF:${attrs.join(',')}`, `${v.dir}/index.m3u8`);
  }
  lines.push('');
  return lines.join('\n');
}

/** The DASH MPD (static, SegmentTemplate with SegmentTimeline) over the same segments. */
export function dashManifest(
  pkg: Pick<PackageSummary, 'variants' | 'audio' | 'durationSeconds' | 'segmentSeconds'>,
): string {
  const out: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" profiles="urn:mpeg:dash:profile:isoff-live:2011"' +
      ` type="static" mediaPresentationDuration="${isoDuration(pkg.durationSeconds)}"` +
      ` minBufferTime="${isoDuration(pkg.segmentSeconds)}">`,
    '  <Period id="0" start="PT0S">',
  ];
  // One adaptation set per video codec: players switch within a set, not across codecs.
  const byCodec = new Map<string, PackageVariant[]>();
  for (const v of variantsByBandwidth(pkg.variants)) {
    byCodec.set(v.codec, [...(byCodec.get(v.codec) ?? []), v]);
  }
  let setId = 0;
  for (const group of byCodec.values()) {
    const maxW = Math.max(...group.map((v) => v.width));
    const maxH = Math.max(...group.map((v) => v.height));
    out.push(
      `    <AdaptationSet id="${setId++}" contentType="video" mimeType="video/mp4" segmentAlignment="true" startWithSAP="1" maxWidth="${maxW}" maxHeight="${maxH}">`,
    );
    for (const v of group) {
      out.push(
        `      <Representation id="${v.dir}" bandwidth="${v.peakBps}" codecs="${xml(v.codecs)}" width="${v.width}" height="${v.height}"` +
          (v.frameRateText ? ` frameRate="${xml(dashFrameRate(v.frameRateText))}"` : '') +
          '>',
        ...segmentTemplate(v, '        '),
        '      </Representation>',
      );
    }
    out.push('    </AdaptationSet>');
  }
  const a = pkg.audio;
  if (a) {
    out.push(
      `    <AdaptationSet id="${setId}" contentType="audio" mimeType="audio/mp4" segmentAlignment="true" startWithSAP="1"` +
        (a.language ? ` lang="${xml(a.language)}"` : '') +
        '>',
      `      <Representation id="${a.dir}" bandwidth="${a.peakBps}" codecs="${xml(a.codecs)}"` +
        (a.sampleRate ? ` audioSamplingRate="${a.sampleRate}"` : '') +
        '>',
      ...(a.channels
        ? [
            `        <AudioChannelConfiguration schemeIdUri="urn:mpeg:dash:23003:3:audio_channel_configuration:2011" value="${a.channels}"/>`,
          ]
        : []),
      ...segmentTemplate(a, '        '),
      '      </Representation>',
      '    </AdaptationSet>',
    );
  }
  out.push('  </Period>', '</MPD>', '');
  return out.join('\n');
}

function segmentTemplate(track: PackageTrack, indent: string): string[] {
  const first = track.segments[0];
  const lines = [
    `${indent}<SegmentTemplate timescale="${track.timescale}" initialization="${track.dir}/init.mp4" media="${track.dir}/seg-$Number%05d$.m4s" startNumber="0"` +
      (first && first.t > 0 ? ` presentationTimeOffset="${first.t}"` : '') +
      '>',
    `${indent}  <SegmentTimeline>`,
  ];
  // Runs of equal durations that follow on without a gap become one S with a repeat count.
  let i = 0;
  while (i < track.segments.length) {
    const s = track.segments[i]!;
    let r = 0;
    while (
      i + r + 1 < track.segments.length &&
      track.segments[i + r + 1]!.d === s.d &&
      track.segments[i + r + 1]!.t === track.segments[i + r]!.t + s.d
    ) {
      r++;
    }
    lines.push(`${indent}    <S t="${s.t}" d="${s.d}"${r > 0 ? ` r="${r}"` : ''}/>`);
    i += r + 1;
  }
  lines.push(`${indent}  </SegmentTimeline>`, `${indent}</SegmentTemplate>`);
  return lines;
}

/** "N/D" as DASH writes a frame rate: "25", "30000/1001". */
function dashFrameRate(nd: string): string {
  const [n, d] = nd.split('/').map(Number) as [number, number | undefined];
  if (!d || d === 1) return String(n);
  return `${n}/${d}`;
}

/** Seconds as an xs:duration ("PT10.000S"). */
export function isoDuration(seconds: number): string {
  return `PT${Math.max(0, seconds).toFixed(3)}S`;
}

function xml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

function fmt(s: number): string {
  return String(round3(s));
}

function round3(s: number): number {
  return Math.round(s * 1000) / 1000;
}
