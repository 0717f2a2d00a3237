/** What each not-yet-built view will do, in plain words (no mock-ups, no fake numbers). */
import type { ViewId } from '../../shell/viewList';

/** The promise of one view still to come. */
export interface LaterPage {
  title: string;
  summary: string;
  points: string[];
}

/** Descriptions of the views that arrive in a later release. */
export const LATER_PAGES: Partial<Record<ViewId, LaterPage>> = {
  compare: {
    title: 'Compare',
    summary: 'Look at renditions against their source.',
    points: [
      'Side by side and wipe, synchronised to the frame.',
      'Exact frames decoded by ffmpeg, so HEVC, AV1 and 10-bit sources compare even where the browser cannot play them.',
    ],
  },
  analysis: {
    title: 'Analysis',
    summary: 'Score every rendition against its source and read the results.',
    points: [
      'VMAF, PSNR, SSIM and MS-SSIM, each equal to what the hand-written ffmpeg command prints.',
      'Per-frame charts, pooled scores with documented formulas, rate–quality curves with the convex hull, and BD-rate.',
    ],
  },
};
