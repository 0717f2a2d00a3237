/**
 * Notes a result carries because of its per-frame values, made from the values alone so a run,
 * a chunk of a run and joined chunks say the same thing about the same frames.
 */
import type { DistortedScore, ScoreWarning } from '../../../shared/score';

/** Ids of the notes {@link infiniteWarnings} makes (a chunk or a join makes them again). */
export const INFINITE_WARNING_IDS: ReadonlySet<string> = new Set([
  'psnr-infinite',
  'xpsnr-infinite',
]);

/** A note per series whose mean is infinite because frames equal the reference (PSNR, XPSNR). */
export function infiniteWarnings(perFrame: DistortedScore['perFrame']): ScoreWarning[] {
  const out: ScoreWarning[] = [];
  for (const [series, name] of [
    ['psnr', 'PSNR'],
    ['xpsnr', 'XPSNR'],
  ] as const) {
    const infinite = perFrame[series]?.filter((v) => v === Infinity).length ?? 0;
    if (infinite === 0) continue;
    out.push({
      id: `${series}-infinite`,
      message:
        `${infinite} ${infinite === 1 ? 'frame is' : 'frames are'} identical to the reference ` +
        `(${name} infinite), so the ${name} mean is infinite; the median, percentiles and ` +
        'minimum still say how the other frames did.',
    });
  }
  return out;
}

/** `warnings` with the value-made notes replaced by those of `perFrame`. */
export function withInfiniteWarnings(
  warnings: readonly ScoreWarning[],
  perFrame: DistortedScore['perFrame'],
): ScoreWarning[] {
  return [
    ...warnings.filter((w) => !INFINITE_WARNING_IDS.has(w.id)),
    ...infiniteWarnings(perFrame),
  ];
}
