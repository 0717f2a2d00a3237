/**
 * HDR files in the viewer. A PQ or HLG picture converted to RGB as if it were SDR looks washed
 * out, so the frames of an HDR file are tone-mapped to SDR BT.709 with the encoder's own chain
 * (`toneMapFilters`: zscale and tonemap=hable) where the ffmpeg that serves frames has zscale
 * (libzimg), after the scale, in the one-off and the running-decoder paths alike. Where it has no
 * zscale they are served as stored, and the note says so. SDR files are served as decoded.
 *
 * What the file is and what the build has come from the caller (the library's probe and the
 * toolchain report), as with every other choice of filters in the app.
 */
import { toneMapFilters } from '../../../shared/encodePlan';
import type { HdrDisplay } from '../../../shared/frames';
import type { HdrKind } from '../../../shared/media';

/** How the frames of a file are shown (pure); null for SDR. */
export function hdrDisplayOf(source: {
  ffmpeg: string;
  hdr?: HdrKind;
  filters?: readonly string[];
}): HdrDisplay | null {
  const transfer = source.hdr;
  if (!transfer) return null;
  const what = `HDR (${transfer === 'pq' ? 'PQ' : 'HLG'})`;
  if (source.filters?.includes('zscale')) {
    return {
      transfer,
      toneMapped: true,
      note: `${what} tone-mapped to SDR BT.709 for display (zscale, hable).`,
    };
  }
  return {
    transfer,
    toneMapped: false,
    note:
      `${what} shown as stored: this ffmpeg (${source.ffmpeg}) has no zscale filter, so the ` +
      'picture looks washed out. Install an ffmpeg built with libzimg (`vq doctor` lists each ' +
      'build’s filters).',
  };
}

/**
 * The filters that follow the scale for a served frame ending in `pixFmt` (pure): the tone map
 * when the file is shown tone-mapped, else none. Ending in RGB, not in the encoder's YUV, spares
 * a round trip through YUV that would clip the tone-mapped colours.
 */
export function displayFilters(display: HdrDisplay | null, pixFmt: 'rgb24' | 'rgba'): string[] {
  return display?.toneMapped ? toneMapFilters(display.transfer, pixFmt) : [];
}

/**
 * What cache keys of served frames add for how the file is shown (pure): nothing for frames
 * served as decoded, so SDR keys stay as they were and a tone-mapped frame never hits one.
 */
export function displayKey(display: HdrDisplay | null): string {
  return display?.toneMapped ? `-tm${display.transfer}` : '';
}
