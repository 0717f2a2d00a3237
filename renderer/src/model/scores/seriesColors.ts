/**
 * Colours of the chart's series: distinct hues that read on the dark theme, assigned so a result
 * keeps its colour while others are added to or removed from the chart.
 */

/**
 * Ten hues, bright enough on #15181e and far apart in hue; red comes late because the app uses it
 * for errors, and the threshold line is grey.
 */
export const SERIES_PALETTE: readonly string[] = [
  '#6ea0ff',
  '#f2a65a',
  '#6cc08b',
  '#e879b9',
  '#b59cff',
  '#4fd1c5',
  '#e6cf5c',
  '#9ad0f5',
  '#c2d16b',
  '#f07a72',
];

/**
 * Colours for `ids` (in order): an id that had a colour in `previous` keeps it, a new one takes
 * the first palette colour not in use. Past ten series the palette repeats.
 */
export function assignColors(
  ids: readonly string[],
  previous: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const out: Record<string, string> = {};
  const used = new Set<string>();
  for (const id of ids) {
    const kept = previous[id];
    if (kept !== undefined && !used.has(kept)) {
      out[id] = kept;
      used.add(kept);
    }
  }
  let n = 0;
  for (const id of ids) {
    if (out[id] !== undefined) continue;
    const free = SERIES_PALETTE.find((c) => !used.has(c));
    const color = free ?? SERIES_PALETTE[n++ % SERIES_PALETTE.length]!;
    out[id] = color;
    used.add(color);
  }
  return out;
}
