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
  ladders: {
    title: 'Ladders',
    summary: 'Define an encoding ladder for a source: resolutions × codecs × rate control.',
    points: [
      'Start from presets or build rungs by hand (x264, x265, SVT-AV1, libaom, VP9 and hardware encoders your ffmpeg has).',
      'Choose rate control per rung: CRF, constant QP, target bitrate or capped CRF.',
      'Save a ladder as a file to reuse it on other sources.',
    ],
  },
  queue: {
    title: 'Queue',
    summary: 'Encode the renditions of a ladder in a batch queue.',
    points: [
      'Progress per job, with the exact ffmpeg command line you can copy.',
      'Cancel and retry; a rendition appears only once its encode finished cleanly.',
    ],
  },
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
