import { useEffect, useState, type ReactNode } from 'react';
import { rgbToYcbcr, type YuvMatrix } from './compareImage';
import type { LoadCache } from './compareModel';
import type { ComparePane } from './comparePane';
import type { FrameImage } from './useFrameCache';

let probe: CanvasRenderingContext2D | null = null;

/** The RGB of one pixel of a decoded frame (drawn into a 1×1 canvas). */
function rgbAt(bitmap: ImageBitmap, x: number, y: number): [number, number, number] | null {
  if (!probe) {
    const c = document.createElement('canvas');
    c.width = 1;
    c.height = 1;
    probe = c.getContext('2d', { willReadFrequently: true });
  }
  if (!probe) return null;
  probe.clearRect(0, 0, 1, 1);
  probe.drawImage(bitmap, x, y, 1, 1, 0, 0, 1, 1);
  const d = probe.getImageData(0, 0, 1, 1).data;
  return [d[0]!, d[1]!, d[2]!];
}

function Row({
  pane,
  pixel,
  cache,
  matrix,
}: {
  pane: ComparePane;
  pixel: { x: number; y: number };
  cache: LoadCache<FrameImage>;
  matrix: YuvMatrix;
}): ReactNode {
  const img = cache.peek(pane.url);
  const rgb = img ? rgbAt(img.bitmap, pixel.x, pixel.y) : null;
  const yuv = rgb ? rgbToYcbcr(rgb[0], rgb[1], rgb[2], matrix) : null;
  return (
    <tr data-testid="readout-row" data-id={pane.candidate.id}>
      <th scope="row" style={{ color: pane.color }}>
        {pane.index + 1} · {pane.candidate.title}
      </th>
      <td className="mono" data-testid="readout-rgb">
        {rgb ? `R ${rgb[0]} G ${rgb[1]} B ${rgb[2]}` : '—'}
      </td>
      <td className="mono" data-testid="readout-yuv">
        {yuv ? `Y ${yuv.y} U ${yuv.cb} V ${yuv.cr}` : '—'}
      </td>
    </tr>
  );
}

/**
 * Values under the cursor: RGB as the frame server decoded it, and Y′CbCr recomputed from it
 * (8-bit limited range, the source's matrix), for the source and the selected pane.
 */
export function PixelReadout({
  pixel,
  source,
  selected,
  cache,
  matrix,
}: {
  pixel: { x: number; y: number } | null;
  source: ComparePane;
  selected: ComparePane | null;
  cache: LoadCache<FrameImage>;
  matrix: YuvMatrix;
}): ReactNode {
  // Draw again once the frames under the cursor have arrived (a step can outrun the cursor).
  const [, setArrived] = useState(0);
  const urlA = source.url;
  const urlB = selected?.url ?? null;
  const hovering = pixel !== null;
  useEffect(() => {
    if (!hovering) return;
    let live = true;
    const loads = [urlA, urlB].filter((u): u is string => u !== null).map((u) => cache.get(u));
    Promise.all(loads).then(
      () => live && setArrived((n) => n + 1),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [cache, urlA, urlB, hovering]);
  return (
    <div className="compare-readout" data-testid="pixel-readout">
      <div className="compare-readout-head">
        <strong>Pixel</strong>{' '}
        <span className="mono" data-testid="readout-xy">
          {pixel ? `x ${pixel.x}, y ${pixel.y}` : 'move the cursor over a frame'}
        </span>
        <span className="muted small">
          {' '}
          · YUV from RGB, {matrix.name} limited range (16–235), 8-bit
        </span>
      </div>
      {pixel ? (
        <table className="compare-readout-table">
          <tbody>
            <Row pane={source} pixel={pixel} cache={cache} matrix={matrix} />
            {selected && selected !== source ? (
              <Row pane={selected} pixel={pixel} cache={cache} matrix={matrix} />
            ) : null}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}
