/**
 * A rung's settings as short texts, the same wherever a rung is shown: the Ladders view's table,
 * the Analysis view's point details and recommended ladders (the analysis service's `rateControl`
 * label), the HTML report and the `vq ladders` listing. Nothing else formats a rung's fields.
 */
import { ENCODERS, isSoftwareEncoder, type RateControl, type Rung } from './ladder';

/** "1280×720", "auto×360" (a side derived from the source's aspect). */
export function rungSizeText(rung: Pick<Rung, 'width' | 'height'>): string {
  return `${rung.width ?? 'auto'}×${rung.height ?? 'auto'}`;
}

/** "CRF 23", "CRF 23 ≤ 3000 kb/s", "ABR 2000 kb/s · 2-pass", "CBR 1000 kb/s (buf 2000)". */
export function rateControlText(rc: RateControl): string {
  const k = (v: number): string => `${v} kb/s`;
  const vbv = (max?: number, buf?: number): string =>
    max !== undefined ? ` ≤ ${k(max)}${buf !== undefined ? ` (buf ${buf})` : ''}` : '';
  switch (rc.mode) {
    case 'crf':
      return `CRF ${rc.crf}${vbv(rc.maxrateKbps, rc.bufsizeKbps)}`;
    case 'abr':
      return `ABR ${k(rc.bitrateKbps)}${vbv(rc.maxrateKbps, rc.bufsizeKbps)}${rc.twoPass ? ' · 2-pass' : ''}`;
    case 'cbr':
      return `CBR ${k(rc.bitrateKbps)}${rc.bufsizeKbps !== undefined ? ` (buf ${rc.bufsizeKbps})` : ''}`;
  }
}

/**
 * The preset, or the encoder default it falls back to: "medium", "default (8)", "default" (a
 * hardware encoder). Takes any encoder name, so a rendition's fields (shared/analysis.ts) read as
 * its rung's do.
 */
export function presetText(rung: { encoder: string; preset: string | null }): string {
  if (rung.preset !== null) return rung.preset;
  return isSoftwareEncoder(rung.encoder)
    ? `default (${ENCODERS[rung.encoder].defaultPreset})`
    : 'default';
}

/** "2 s fixed", "2 s", "auto". */
export function gopText(rung: Pick<Rung, 'gopSeconds' | 'fixedGop'>): string {
  if (rung.gopSeconds === null) return rung.fixedGop ? 'auto, fixed' : 'auto';
  return `${rung.gopSeconds} s${rung.fixedGop ? ' fixed' : ''}`;
}

/** "8-bit", "10-bit". */
export function pixFmtText(pixFmt: Rung['pixFmt']): string {
  return pixFmt === 'yuv420p10le' ? '10-bit' : '8-bit';
}

/** "≤ 30", "source". */
export function fpsCapText(fpsCap: number | null): string {
  return fpsCap === null ? 'source' : `≤ ${fpsCap}`;
}

/** "none", "copy", "AAC 128". */
export function audioText(audio: Rung['audio']): string {
  return audio.mode === 'aac' ? `AAC ${audio.bitrateKbps}` : audio.mode;
}

/** The headers of {@link rungFieldTexts}, in the Ladders table's order. */
export const RUNG_FIELD_HEADERS = [
  'rung',
  'size',
  'encoder',
  'rate control',
  'preset',
  'GOP',
  'pixels',
  'fps cap',
  'audio',
  'container',
] as const;

/** Every field of a rung as text, in the order of {@link RUNG_FIELD_HEADERS} (a table row). */
export function rungFieldTexts(rung: Rung): string[] {
  return [
    rung.id,
    rungSizeText(rung),
    rung.encoder,
    rateControlText(rung.rateControl),
    presetText(rung),
    gopText(rung),
    pixFmtText(rung.pixFmt),
    fpsCapText(rung.fpsCap),
    audioText(rung.audio),
    rung.container,
  ];
}

/** "9 rungs · libx264", "32 rungs · libx264, libx265, libsvtav1, libvpx-vp9". */
export function ladderSummary(ladder: { rungs: readonly Pick<Rung, 'encoder'>[] }): string {
  const n = ladder.rungs.length;
  const encoders = [...new Set(ladder.rungs.map((r) => r.encoder))];
  return `${n} rung${n === 1 ? '' : 's'}${encoders.length ? ` · ${encoders.join(', ')}` : ''}`;
}
