/** Keyboard shortcuts of the Analysis view, as rows of the `?` sheet. */

/** Rows for the shortcut sheet: alternatives, each a chord of keys pressed together. */
export const ANALYSIS_SHORTCUTS: readonly { keys: string[][]; what: string }[] = [
  { keys: [['L']], what: 'Bitrate axis: log / linear (Analysis)' },
  {
    keys: [['←'], ['→']],
    what: 'Step through the renditions of the focused rate–quality chart (Analysis)',
  },
  { keys: [['Enter']], what: 'Open the rendition picked in the chart in Compare (Analysis)' },
];
