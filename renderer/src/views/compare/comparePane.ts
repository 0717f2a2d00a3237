/** One pane of the Compare viewer as data, and the texts its label and its saved PNG carry. */
import { SERIES_LABELS, type ScoreSeries } from '../../../../shared/score';
import type { ScoreStale } from '../../../../shared/scoreResults';
import type { CompareCandidate } from './compareCandidates';
import type { PlaybackSupport } from './playback';

/** A pane as the viewer draws it. */
export interface ComparePane {
  candidate: CompareCandidate;
  /** Position: 0 is the source (A); the key 1–4 selects it. */
  index: number;
  /** Its colour in labels and in the per-frame chart. */
  color: string;
  /** URL of the exact frame now, scaled to the source size as the scorer sees it. */
  url: string;
  /**
   * URL of the exact frame the pane draws: {@link url}, or zoomed in past 100 % a rendition's
   * native frame, drawn nearest-neighbour so its codec's blocks show.
   */
  drawUrl: string;
  /** The drawn frame's pixel size when it is not the source's (native pixels), else undefined. */
  drawSize?: { width: number; height: number };
  /** URL of the whole file, for `<video>` playback. */
  fileUrl: string;
  support: PlaybackSupport;
  /** This frame's scores against the source; null for the source or when it has none stored. */
  scores: Partial<Record<ScoreSeries, number | null>> | null;
  /** Why those scores no longer describe the files (changed, encoded again), or null. */
  stale: ScoreStale;
  /**
   * The pane's own frame at the viewer's frame: the same number, or for a video matched to the
   * source by its pictures the frame the match pairs with it (null: not matched).
   */
  matchedFrame: number | null;
}

/**
 * What a pane label shows, in order. PSNR and SSIM show one figure, the luma one when it was
 * scored ("PSNR" names either); the others are a single series under its own name ("XPSNR-Y":
 * the chroma planes are left to the chart).
 */
const SHOWN: readonly {
  series: readonly ScoreSeries[];
  label: string;
  digits: number;
  unit: string;
}[] = [
  { series: ['vmaf'], label: SERIES_LABELS.vmaf, digits: 2, unit: '' },
  { series: ['psnrY', 'psnr'], label: 'PSNR', digits: 2, unit: ' dB' },
  { series: ['ssimY', 'ssim'], label: 'SSIM', digits: 4, unit: '' },
  { series: ['msSsim'], label: SERIES_LABELS.msSsim, digits: 4, unit: '' },
  { series: ['xpsnr'], label: SERIES_LABELS.xpsnr, digits: 2, unit: ' dB' },
  { series: ['cambi'], label: SERIES_LABELS.cambi, digits: 2, unit: '' },
];

/**
 * "VMAF 93.12 · PSNR 38.40 dB · SSIM 0.9812" for a frame's scores (Y series preferred), skipping
 * metrics that were not run (XPSNR and CAMBI show only when scored); "PSNR ∞" where the frames
 * are identical; null when there are none.
 */
export function scoresText(
  scores: Partial<Record<ScoreSeries, number | null>> | null,
): string | null {
  if (!scores) return null;
  const parts: string[] = [];
  for (const s of SHOWN) {
    const series = s.series.find((name) => name in scores);
    if (!series) continue;
    const v = scores[series];
    const text =
      v === null || v === undefined ? (series.startsWith('psnr') ? '∞' : '—') : v.toFixed(s.digits);
    parts.push(`${s.label} ${text}${v === null || v === undefined ? '' : s.unit}`);
  }
  return parts.length ? parts.join(' · ') : null;
}

/**
 * What a pane's canvas holds: the picture it was drawn from (`url`: the frame's URL, or for a
 * computed picture everything it was computed from), which frame, and whether it is the frame
 * server's exact picture (not playback's).
 */
export interface Drawn {
  url: string;
  frame: number;
  exact: boolean;
}

/**
 * The mark over a pane that does not (yet) show the viewer's frame exactly as wanted (`want`:
 * the picture it should hold): "Loading frame N" while it still shows another frame or another
 * picture of N (another pane, another size), "Loading exact frame N" while it shows playback's
 * picture of N. Null when the pane shows what the counter says.
 */
export function loadingText(
  drawn: Drawn | null,
  want: string,
  frame: number,
  playing: boolean,
): string | null {
  const same = drawn !== null && drawn.url === want && drawn.frame === frame;
  if (same && (drawn.exact || playing)) return null;
  if (same) return `Loading exact frame ${frame}…`;
  return `Loading frame ${frame}…${drawn && drawn.frame !== frame ? ` (showing ${drawn.frame})` : ''}`;
}

/** "720p-frame42.png": a file name from a pane label, safe on every file system. */
export function frameFileName(label: string, frame: number): string {
  const safe = label
    .replace(/\.[A-Za-z0-9]{1,5}$/, '')
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^[._]+|_+$/g, '');
  return `${safe || 'frame'}-frame${frame}.png`;
}
