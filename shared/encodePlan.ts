/**
 * From a ladder and a source to exact ffmpeg argument arrays. Pure: the UI shows these commands
 * before anything runs, the queue runs them, and tests check them.
 *
 * Decode once, encode many: rungs that share a pass go through one process whose filter graph
 * splits the decoded video into one chain per rung. A single-rung run uses the same per-rung chain
 * (through -filter_complex too), so both ways give each output identical settings.
 *
 * An HDR source (PQ or HLG) is never flattened silently: the ladder either keeps it HDR (10-bit,
 * BT.2020 and the source's transfer, in an encoder that carries HDR) or tone-maps it to SDR BT.709
 * (zscale + tonemap), and a rung that cannot do what the ladder asks is refused with the reason.
 */
import type { HdrHandling, Ladder, RateControl, Rung } from './ladder';
import { ENCODERS, isSoftwareEncoder } from './ladder';
import { fileInputArgs } from './ffmpegInput';
import type { HdrKind, RawVideoSpec } from './media';

/** What planning needs to know about the source. */
export interface SourceGeometry {
  width: number;
  height: number;
  /** "N:D" or null. */
  sar: string | null;
  /** Clockwise display rotation in degrees; ffmpeg applies it on decode. */
  rotation: number;
  /** Frame rate as "N/D" (avg_frame_rate, else r_frame_rate) or a number. */
  frameRate: string | number | null;
  hasAudio: boolean;
  /** The source's HDR transfer (PQ or HLG); absent or null for SDR. */
  hdr?: HdrKind;
}

/** Colour tags written on an output (ffmpeg's names, also x265's). */
export interface ColourTags {
  primaries: 'bt2020' | 'bt709';
  transfer: 'smpte2084' | 'arib-std-b67' | 'bt709';
  matrix: 'bt2020nc' | 'bt709';
}

/** What one output does with the source's colour. */
export interface RungColour {
  /** sdr: an SDR source encoded as it is; hdr: kept HDR; tonemapped: HDR made SDR BT.709. */
  dynamicRange: 'sdr' | 'hdr' | 'tonemapped';
  /** The output's pixel format: the rung's, or its 10-bit twin to keep HDR. */
  pixFmt: Rung['pixFmt'];
  /** Tags written on the output (limited range); null leaves an SDR source's as ffmpeg passes them. */
  tags: ColourTags | null;
  /** The HDR transfer tone-mapped from, or null. */
  toneMapFrom: 'pq' | 'hlg' | null;
}

/** A rung resolved against one source. */
export interface PlannedRung {
  rung: Rung;
  width: number;
  height: number;
  /** Output frame rate as "N/D" when the cap changes it, else null (source rate). */
  fps: string | null;
  /** The output frame rate as a number, when known. */
  fpsValue: number | null;
  /** GOP length in frames, or null for the encoder default. */
  keyint: number | null;
  /** Two-pass rungs cannot share a process. */
  twoPass: boolean;
  colour: RungColour;
}

/** The plan for a ladder on a source: what will be encoded and what is skipped, with why. */
export interface LadderPlan {
  rungs: PlannedRung[];
  skipped: { rungId: string; reason: string }[];
  /** Rungs that cannot be encoded as the ladder asks (an HDR source kept HDR by x264), and why. */
  refused: { rungId: string; reason: string }[];
  /** The source's display size (after SAR and rotation). */
  display: { width: number; height: number };
  /** The source's HDR transfer (null for SDR) and what the ladder does with it. */
  hdr: HdrKind;
  hdrHandling: HdrHandling;
}

/** A frame rate up to 2 % over a cap is taken as at the cap (60.06 is "60 fps"). */
const FPS_CAP_SLACK = 1.02;

/** Display size of the source: SAR applied to the width, rotation of 90/270 swaps the sides. */
export function displaySize(src: SourceGeometry): { width: number; height: number } {
  let w = src.width;
  const h = src.height;
  const sar = parseRatio(src.sar);
  if (sar && Math.abs(sar - 1) > 1e-6) w = Math.round(w * sar);
  const rot = ((src.rotation % 360) + 360) % 360;
  return rot === 90 || rot === 270 ? { width: h, height: w } : { width: w, height: h };
}

/**
 * Resolves every rung of a ladder against a source: rungs larger than the source are skipped, rungs
 * that cannot keep an HDR source HDR are refused.
 */
export function planLadder(ladder: Ladder, src: SourceGeometry): LadderPlan {
  const display = displaySize(src);
  const hdr = src.hdr ?? null;
  const hdrHandling = ladder.hdr ?? 'keep';
  const plan: LadderPlan = { rungs: [], skipped: [], refused: [], display, hdr, hdrHandling };
  const rate = parseRate(src.frameRate);
  for (const rung of ladder.rungs) {
    if (hdr !== null && hdrHandling === 'keep' && !carriesHdr(rung.encoder)) {
      const label = isSoftwareEncoder(rung.encoder) ? ENCODERS[rung.encoder].label : rung.encoder;
      plan.refused.push({ rungId: rung.id, reason: `${label} cannot carry HDR` });
      continue;
    }
    const { width, height } = rungSize(rung, display);
    if (width > display.width || height > display.height) {
      plan.skipped.push({
        rungId: rung.id,
        reason: `${width}x${height} is larger than the source (${display.width}x${display.height}); VQ Studio never upscales`,
      });
      continue;
    }
    let fps: string | null = null;
    let fpsValue = rate ? rate.num / rate.den : null;
    // Phones record "60 fps" at an average of 60.06 (VFR timestamps): a rate within 2 % of the cap
    // counts as at the cap, or such a clip would be divided by 3 (20 fps) instead of 2.
    const capWithSlack = rung.fpsCap === null ? null : rung.fpsCap * FPS_CAP_SLACK;
    if (capWithSlack !== null && rate && fpsValue !== null && fpsValue > capWithSlack) {
      // Divide by a whole number (60 → 30, 59.94 → 29.97) so no frames are duplicated or dropped unevenly.
      const divisor = Math.ceil(fpsValue / capWithSlack);
      fps = `${rate.num}/${rate.den * divisor}`;
      fpsValue = fpsValue / divisor;
    }
    const keyint =
      rung.gopSeconds !== null && fpsValue !== null
        ? Math.max(1, Math.round(fpsValue * rung.gopSeconds))
        : null;
    const rc = rung.rateControl;
    const colour = rungColour(rung, hdr, hdrHandling);
    plan.rungs.push({
      rung,
      width,
      height,
      fps,
      fpsValue,
      keyint,
      twoPass: rc.mode === 'abr' && rc.twoPass === true,
      colour,
    });
  }
  return plan;
}

/** True for an encoder that carries HDR here (see `hdr` in {@link ENCODERS}). */
export function carriesHdr(encoder: Rung['encoder']): boolean {
  return isSoftwareEncoder(encoder) && ENCODERS[encoder].hdr;
}

/**
 * The colour of one output. An SDR source keeps the rung's pixel format and its own tags. An HDR
 * source kept HDR is encoded 10-bit with BT.2020 and its transfer tagged (a rung asking for 8-bit
 * gets the 10-bit twin: 8 bits band visibly under PQ); tone-mapped, it is SDR BT.709 in the rung's
 * pixel format.
 */
export function rungColour(rung: Rung, hdr: HdrKind, handling: HdrHandling): RungColour {
  if (hdr === null)
    return { dynamicRange: 'sdr', pixFmt: rung.pixFmt, tags: null, toneMapFrom: null };
  if (handling === 'tonemap') {
    return {
      dynamicRange: 'tonemapped',
      pixFmt: rung.pixFmt,
      tags: { primaries: 'bt709', transfer: 'bt709', matrix: 'bt709' },
      toneMapFrom: hdr,
    };
  }
  return {
    dynamicRange: 'hdr',
    pixFmt: 'yuv420p10le',
    tags: { primaries: 'bt2020', transfer: HDR_TRANSFER[hdr], matrix: 'bt2020nc' },
    toneMapFrom: null,
  };
}

/** ffmpeg's (and x265's) name of each HDR transfer. */
const HDR_TRANSFER = { pq: 'smpte2084', hlg: 'arib-std-b67' } as const;

/**
 * Width and height of a rung on a source of the given display size (even numbers, square pixels).
 * A ladder's sizes describe the landscape case, so on a portrait source each rung is turned:
 * - A rung with one side names a size class, as "720p" does: on a landscape source the height
 *   (width-only: the width) is that side and the other comes from the display aspect; on a portrait
 *   source a height-only rung gives the short side, the width (720p on 1080×1920 → 720×1280), and a
 *   width-only rung the long side, the height.
 * - A rung with both sides is a box, drawn for 16:9 landscape as presets' sizes are. A box of the
 *   other orientation than the source is turned (640×360 → 360×640 on a portrait source). The
 *   picture is fitted inside the box at the source's display aspect: a 3:2 or 4:3 source keeps the
 *   box's height (720×480 in a 640×360 box → 540×360), a wider one its width. A source within 1 %
 *   of the box's aspect gets the box itself (1920×1088 → 1920×1080), so ladders keep their usual
 *   sizes.
 * A derived side that rounds up past the source (853 px displayed → 854) is rounded down instead,
 * so a rung at the source's own size is not mistaken for an upscale.
 */
export function rungSize(
  rung: Rung,
  display: { width: number; height: number },
): { width: number; height: number } {
  const aspect = display.width / display.height;
  const portrait = display.height > display.width;
  if (rung.width !== null && rung.height !== null) {
    const turn = rung.width !== rung.height && rung.height > rung.width !== portrait;
    const box = turn
      ? { width: rung.height, height: rung.width }
      : { width: rung.width, height: rung.height };
    const boxAspect = box.width / box.height;
    if (Math.abs(boxAspect - aspect) / aspect <= ASPECT_SLACK) return box;
    return boxAspect > aspect
      ? { width: widthAtHeight(box.height, display), height: box.height }
      : { width: box.width, height: heightAtWidth(box.width, display) };
  }
  if (rung.height !== null) {
    return portrait
      ? { width: rung.height, height: heightAtWidth(rung.height, display) }
      : { width: widthAtHeight(rung.height, display), height: rung.height };
  }
  const side = rung.width!;
  return portrait
    ? { width: widthAtHeight(side, display), height: side }
    : { width: side, height: heightAtWidth(side, display) };
}

/** The even width of a picture `height` lines high at the display aspect, never past the source. */
export function widthAtHeight(height: number, display: { width: number; height: number }): number {
  return evenWithin((height * display.width) / display.height, display.width);
}

/** The even height of a picture `width` pixels wide at the display aspect, never past the source. */
function heightAtWidth(width: number, display: { width: number; height: number }): number {
  return evenWithin((width * display.height) / display.width, display.height);
}

/** A box whose aspect is this close to the source's (relative) is used as it is. */
const ASPECT_SLACK = 0.01;

function evenWithin(v: number, limit: number): number {
  const rounded = even(v);
  return rounded > limit && v <= limit + 1e-6 ? Math.max(2, Math.floor(v / 2) * 2) : rounded;
}

/**
 * The per-rung filter chain: frame-rate cap, then bicubic scale to the exact size, square pixels,
 * then tone mapping when the rung makes an HDR source SDR.
 */
export function rungFilterChain(p: PlannedRung): string {
  const parts: string[] = [];
  if (p.fps) parts.push(`fps=${p.fps}`);
  parts.push(`scale=${p.width}:${p.height}:flags=bicubic`, 'setsar=1');
  if (p.colour.toneMapFrom) parts.push(...toneMapFilters(p.colour.toneMapFrom, p.colour.pixFmt));
  return parts.join(',');
}

/**
 * HDR (BT.2020 PQ or HLG) to SDR BT.709: zscale (libzimg) linearises the light (100 nits is SDR
 * white), converts the primaries in float RGB, the hable curve of ffmpeg's tonemap filter brings
 * highlights into range (desat=0 keeps bright colours' saturation), and zscale applies BT.709's
 * transfer and matrix in limited range. After the scale, so each rung tone-maps only its own pixels.
 */
export function toneMapFilters(from: 'pq' | 'hlg', pixFmt: string): string[] {
  return [
    `zscale=tin=${HDR_TRANSFER[from]}:pin=bt2020:min=bt2020nc:rin=tv:t=linear:npl=100`,
    'format=gbrpf32le',
    'zscale=p=bt709',
    'tonemap=tonemap=hable:desat=0',
    'zscale=t=bt709:m=bt709:r=tv',
    `format=${pixFmt}`,
  ];
}

/** Encoder, rate control, GOP, pixel format, audio and container arguments of one output. */
export function rungOutputArgs(
  p: PlannedRung,
  opts: { pass?: 1 | 2; passLogFile?: string; noAudio?: boolean } = {},
): string[] {
  const { rung } = p;
  const args: string[] = ['-c:v', rung.encoder];
  const preset =
    rung.preset ?? (isSoftwareEncoder(rung.encoder) ? ENCODERS[rung.encoder].defaultPreset : null);
  const x265Params: string[] = ['log-level=error'];
  const tags = p.colour.tags;
  switch (rung.encoder) {
    case 'libx264':
      if (preset) args.push('-preset', preset);
      args.push(...rateArgs(rung.rateControl, { cbrParams: ['-x264-params', 'nal-hrd=cbr'] }));
      if (p.keyint !== null) args.push('-g', String(p.keyint), '-keyint_min', String(p.keyint));
      if (rung.fixedGop) args.push('-sc_threshold', '0');
      break;
    case 'libx265':
      if (preset) args.push('-preset', preset);
      args.push(...rateArgs(rung.rateControl, {}));
      if (p.keyint !== null) x265Params.push(`keyint=${p.keyint}`, `min-keyint=${p.keyint}`);
      // Fixed GOPs are for segmented streaming: closed too, so a segment decodes on its own (x265
      // opens them by default: leading pictures would reach into the segment before).
      if (rung.fixedGop) x265Params.push('scenecut=0', 'open-gop=0');
      if (opts.pass)
        x265Params.push(`pass=${opts.pass}`, `stats=${opts.passLogFile ?? 'x265_2pass.log'}`);
      // x265 writes its own VUI: the tags go in its parameters too, not only on the stream.
      if (tags)
        x265Params.push(
          `colorprim=${tags.primaries}`,
          `transfer=${tags.transfer}`,
          `colormatrix=${tags.matrix}`,
          'range=limited',
        );
      if (rung.container === 'mp4') args.push('-tag:v', 'hvc1'); // Apple players need hvc1
      break;
    case 'libsvtav1':
      if (preset) args.push('-preset', preset);
      args.push(...rateArgs(rung.rateControl, {}));
      if (p.keyint !== null) args.push('-g', String(p.keyint));
      break;
    case 'libaom-av1':
      if (preset) args.push('-cpu-used', preset);
      args.push(
        '-row-mt',
        '1',
        ...rateArgs(rung.rateControl, { constantQualityZeroBitrate: true }),
      );
      if (p.keyint !== null) args.push('-g', String(p.keyint), '-keyint_min', String(p.keyint));
      break;
    case 'libvpx-vp9':
      args.push('-deadline', 'good');
      if (preset) args.push('-cpu-used', preset);
      args.push(
        '-row-mt',
        '1',
        ...rateArgs(rung.rateControl, { constantQualityZeroBitrate: true }),
      );
      if (p.keyint !== null) args.push('-g', String(p.keyint), '-keyint_min', String(p.keyint));
      break;
    default:
      args.push(...rateArgs(rung.rateControl, {}));
      if (p.keyint !== null) args.push('-g', String(p.keyint));
  }
  if (rung.encoder === 'libx265') args.push('-x265-params', x265Params.join(':'));
  if (opts.pass && rung.encoder !== 'libx265') {
    args.push('-pass', String(opts.pass));
    if (opts.passLogFile) args.push('-passlogfile', opts.passLogFile);
  }
  args.push('-pix_fmt', p.colour.pixFmt);
  if (tags)
    args.push(
      '-color_primaries',
      tags.primaries,
      '-color_trc',
      tags.transfer,
      '-colorspace',
      tags.matrix,
      '-color_range',
      'tv',
    );
  if (opts.pass === 1) {
    args.push('-an', '-f', 'null');
    return args;
  }
  args.push(...(opts.noAudio ? ['-an'] : rungAudioArgs(rung)), ...rungContainerArgs(rung));
  return args;
}

/** The audio arguments of a rung's output (a chunked encode's join adds the audio with these). */
export function rungAudioArgs(rung: Pick<Rung, 'audio'>): string[] {
  if (rung.audio.mode === 'none') return ['-an'];
  if (rung.audio.mode === 'copy') return ['-c:a', 'copy'];
  return ['-c:a', 'aac', '-b:a', `${rung.audio.bitrateKbps}k`];
}

/** The muxer arguments of a rung's container (MP4 with its index at the front). */
export function rungContainerArgs(rung: Pick<Rung, 'container'>): string[] {
  if (rung.container === 'mp4') return ['-movflags', '+faststart', '-f', 'mp4'];
  if (rung.container === 'mkv') return ['-f', 'matroska'];
  return ['-f', 'webm'];
}

function rateArgs(
  rc: RateControl,
  o: { cbrParams?: string[]; constantQualityZeroBitrate?: boolean },
): string[] {
  const k = (v: number): string => `${Math.round(v)}k`;
  switch (rc.mode) {
    case 'crf': {
      const out = ['-crf', String(rc.crf)];
      if (rc.maxrateKbps !== undefined) {
        // libaom/VP9: constrained quality is -crf with -b:v as the cap; x264/x265: VBV maxrate.
        if (o.constantQualityZeroBitrate) out.push('-b:v', k(rc.maxrateKbps));
        else
          out.push(
            '-maxrate',
            k(rc.maxrateKbps),
            '-bufsize',
            k(rc.bufsizeKbps ?? rc.maxrateKbps * 2),
          );
      } else if (o.constantQualityZeroBitrate) {
        out.push('-b:v', '0');
      }
      return out;
    }
    case 'abr': {
      const out = ['-b:v', k(rc.bitrateKbps)];
      if (rc.maxrateKbps !== undefined)
        out.push(
          '-maxrate',
          k(rc.maxrateKbps),
          '-bufsize',
          k(rc.bufsizeKbps ?? rc.maxrateKbps * 2),
        );
      return out;
    }
    case 'cbr':
      return [
        '-b:v',
        k(rc.bitrateKbps),
        '-minrate',
        k(rc.bitrateKbps),
        '-maxrate',
        k(rc.bitrateKbps),
        '-bufsize',
        k(rc.bufsizeKbps ?? rc.bitrateKbps),
        ...(o.cbrParams ?? []),
      ];
  }
}

/** The source every encode command reads (opened as shared/ffmpegInput.ts opens every input). */
export interface CommandInput {
  /** The source file, absolute. */
  path: string;
  /** Geometry of headerless raw video; null for a file that says its own. */
  raw: RawVideoSpec | null;
}

/** Global flags: no prompts, machine-readable progress on stdout, errors only on stderr. */
export const GLOBAL_ARGS = [
  '-hide_banner',
  '-nostdin',
  '-y',
  '-loglevel',
  'error',
  '-progress',
  'pipe:1',
  '-nostats',
];

/** Options of {@link buildEncodeCommand}; the last three make it encode one chunk of a title. */
export interface EncodeCommandOptions {
  pass?: 1 | 2;
  passLogFiles?: string[];
  threads?: number;
  /** Start decoding here (`-ss` before `-i`: fast, and frame-accurate when transcoding). */
  seekSeconds?: number;
  /** Encode this many frames of each output (`-frames:v`). */
  frames?: number;
  /** Video only (`-an`): a chunk's audio is added once when the chunks are joined. */
  noAudio?: boolean;
  /** Keyframes at these output times, in seconds (`-force_key_frames`): samples joined in one file. */
  keyframesAt?: number[];
}

/**
 * One process for one or more rungs (decode once, encode many). `outputs[i]` is the file for
 * `rungs[i]`. For a pass 1 run, outputs are ignored (written to the null muxer).
 */
export function buildEncodeCommand(
  input: CommandInput,
  rungs: PlannedRung[],
  outputs: string[],
  opts: EncodeCommandOptions = {},
): string[] {
  if (rungs.length === 0) throw new Error('no rungs to encode');
  const labels = rungs.map((_, i) => `v${i}`);
  const graph =
    rungs.length === 1
      ? `[0:v:0]${rungFilterChain(rungs[0]!)}[v0]`
      : `[0:v:0]split=${rungs.length}${labels.map((l) => `[s${l}]`).join('')};` +
        rungs.map((p, i) => `[s${labels[i]}]${rungFilterChain(p)}[${labels[i]}]`).join(';');
  const seek = opts.seekSeconds !== undefined ? ['-ss', seekText(opts.seekSeconds)] : [];
  const args = [
    ...GLOBAL_ARGS,
    ...seek,
    ...fileInputArgs(input.path, input),
    '-filter_complex',
    graph,
  ];
  rungs.forEach((p, i) => {
    args.push('-map', `[${labels[i]}]`);
    if (p.rung.audio.mode !== 'none' && opts.pass !== 1 && !opts.noAudio)
      args.push('-map', '0:a:0?');
    if (opts.frames !== undefined) args.push('-frames:v', String(opts.frames));
    if (opts.keyframesAt?.length)
      args.push('-force_key_frames', opts.keyframesAt.map((t) => t.toFixed(6)).join(','));
    args.push(
      ...rungOutputArgs(p, {
        pass: opts.pass,
        passLogFile: opts.passLogFiles?.[i],
        noAudio: opts.noAudio,
      }),
    );
    // A worker's --threads: the encoder's threads for this output (x264, x265, SVT-AV1, libaom, VP9).
    if (opts.threads !== undefined) args.push('-threads', String(opts.threads));
    args.push(opts.pass === 1 ? '-' : outputs[i]!);
  });
  return args;
}

/**
 * Seconds as ffmpeg reads them, rounded down to its microsecond clock: never a later time than
 * asked (and never "1e-7" notation), so a seek cannot land past the frame it aims at.
 */
function seekText(seconds: number): string {
  if (!(seconds >= 0) || !Number.isFinite(seconds)) throw new Error(`not a seek time: ${seconds}`);
  return (Math.floor(seconds * 1e6) / 1e6).toFixed(6);
}

/** Rungs grouped into processes: every single-pass rung in one group, each two-pass rung alone. */
export function groupForDecodeOnce(rungs: PlannedRung[], decodeOnce: boolean): PlannedRung[][] {
  if (!decodeOnce) return rungs.map((r) => [r]);
  const shared = rungs.filter((r) => !r.twoPass);
  const alone = rungs.filter((r) => r.twoPass).map((r) => [r]);
  return [...(shared.length ? [shared] : []), ...alone];
}

/** File extension of a container. */
export function containerExtension(container: Rung['container']): string {
  return container === 'mkv' ? 'mkv' : container;
}

function even(v: number): number {
  return Math.max(2, Math.round(v / 2) * 2);
}

function parseRatio(text: string | null): number | null {
  if (!text) return null;
  const [a, b] = text.split(':').map(Number);
  return a && b ? a / b : null;
}

function parseRate(rate: string | number | null): { num: number; den: number } | null {
  if (rate === null) return null;
  if (typeof rate === 'number') {
    if (!(rate > 0)) return null;
    if (Number.isInteger(rate)) return { num: rate, den: 1 };
    // 29.97 → 30000/1001: NTSC-style rationals keep fps filters exact.
    const ntsc = Math.round(rate * 1.001);
    if (Math.abs(ntsc / 1.001 - rate) < 0.005) return { num: ntsc * 1000, den: 1001 };
    return { num: Math.round(rate * 1000), den: 1000 };
  }
  const [n, d] = rate.split('/').map(Number);
  if (!n || !d) return null;
  return { num: n, den: d };
}
