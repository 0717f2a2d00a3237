/**
 * Where a video's picture is inside its frame: black bars (letterbox above and below, pillarbox
 * left and right), found by ffmpeg's cropdetect in the same decode that makes the signatures
 * (signatures.ts), on every fifth frame. cropdetect keeps the largest box any frame needs
 * (`reset=0`), so a dark scene never shrinks it, and a video that is black throughout has none.
 */
import type { PictureBox } from '../../../shared/score';

/** A rectangle of a frame, in pixels. */
export type Box = PictureBox;

/** Frames cropdetect looks at: every this-many-th (the bars of a video do not move). */
const SAMPLE_EVERY = 5;

/**
 * The filters of the bars branch: every fifth frame to cropdetect with its threshold as a share
 * of white (24 of 255, its 8-bit default, for every bit depth: each release since 4.1 scales a
 * share to the depth), even sizes (4:2:0 chroma), the box of all frames, and nothing out.
 */
export const BARS_FILTERS = `select=not(mod(n\\,${SAMPLE_EVERY})),cropdetect=limit=0.094:round=2:reset=0,nullsink`;

/** The box a cropdetect log line reports ("… crop=320:134:0:22"), or null for another line. */
export function cropLine(line: string): Box | null {
  // cropdetect's own lines only: a file name or a title at the info level may say "crop=" too.
  const m = /^\[Parsed_cropdetect_\d+ @ [^\]]+\].* crop=(-?\d+):(-?\d+):(-?\d+):(-?\d+)\s*$/.exec(
    line,
  );
  if (!m) return null;
  const [width, height, x, y] = m.slice(1).map(Number) as [number, number, number, number];
  return { x, y, width, height };
}

/** Bars thinner than this share of a side are read as none (edge noise, a line of dark pixels). */
const MIN_BAR_SHARE = 0.01;

/**
 * The box as the picture area inside bars, or null: no box, an empty one (all black), or bars
 * too thin to count on every side. Clamped to the frame.
 */
export function barsOf(box: Box | null, width: number, height: number): Box | null {
  if (!box || box.width <= 0 || box.height <= 0) return null;
  const x = Math.max(0, box.x);
  const y = Math.max(0, box.y);
  const w = Math.min(box.width, width - x);
  const h = Math.min(box.height, height - y);
  if (w <= 0 || h <= 0) return null;
  const thin = (bar: number, side: number): boolean => bar <= side * MIN_BAR_SHARE;
  const noBars =
    thin(x, width) && thin(width - x - w, width) && thin(y, height) && thin(height - y - h, height);
  return noBars ? null : { x, y, width: w, height: h };
}
