/** Short text for a rung's settings, the same in the CLI and the UI. */
import type { RateControl, Rung } from './ladder';

/** "CRF 23", "CRF 23 ≤ 3000k", "ABR 2000k (max 3000k, buf 4000k) 2-pass", "CBR 2000k". */
export function describeRateControl(rc: RateControl): string {
  switch (rc.mode) {
    case 'crf':
      return `CRF ${rc.crf}${rc.maxrateKbps !== undefined ? ` ≤ ${rc.maxrateKbps}k` : ''}`;
    case 'abr': {
      const vbv = rc.maxrateKbps !== undefined ? ` (max ${rc.maxrateKbps}k${rc.bufsizeKbps !== undefined ? `, buf ${rc.bufsizeKbps}k` : ''})` : '';
      return `ABR ${rc.bitrateKbps}k${vbv}${rc.twoPass ? ' 2-pass' : ''}`;
    }
    case 'cbr':
      return `CBR ${rc.bitrateKbps}k`;
  }
}

/** "1280x720", "?x720" (width from the source's aspect), "1280x?". */
export function describeRungSize(r: Pick<Rung, 'width' | 'height'>): string {
  return `${r.width ?? '?'}x${r.height ?? '?'}`;
}
