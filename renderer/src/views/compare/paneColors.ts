/**
 * One colour per Compare pane, in pane order (source first), shared by the pane labels and the
 * per-frame chart so a line and its pane read as the same thing. Chosen to stay apart on the dark
 * theme and for the common colour-vision deficiencies (Okabe–Ito hues).
 */
export const PANE_COLORS: readonly string[] = ['#e6e6e6', '#56b4e9', '#e69f00', '#cc79a7'];

/** The colour of pane `index` (0 = source); wraps past the palette. */
export function paneColor(index: number): string {
  return PANE_COLORS[((index % PANE_COLORS.length) + PANE_COLORS.length) % PANE_COLORS.length]!;
}
