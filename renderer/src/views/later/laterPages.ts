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
  analysis: {
    title: 'Analysis',
    summary:
      'Quality against bit rate for a whole ladder. The scores of each rendition are measured already: see the Scores panel under the selected source in the Library.',
    points: [
      'Rate–quality curves per encoder, from the scores of every rendition, with the convex hull.',
      'BD-rate between encoders or ladders.',
    ],
  },
};
