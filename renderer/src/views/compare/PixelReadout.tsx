import { useEffect, useState, type ReactNode } from 'react';
import type { FrameSamples } from '../../../../shared/frames';
import { useClient } from '../../hooks/useClient';
import { messageOf } from '../../stores/messageOf';
import { displaySize, type LoadCache } from './compareModel';
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

/**
 * The pixel of a `own`-sized frame under pixel (x, y) of the `shown`-sized picture the viewer
 * draws (a rendition of another size is scaled to the source's): the one whose area holds that
 * pixel's centre.
 */
export function ownPixel(
  pixel: { x: number; y: number },
  shown: { width: number; height: number },
  own: { width: number; height: number },
): { x: number; y: number } {
  const map = (v: number, from: number, to: number): number =>
    Math.min(to - 1, Math.max(0, Math.floor(((v + 0.5) * to) / from)));
  return { x: map(pixel.x, shown.width, own.width), y: map(pixel.y, shown.height, own.height) };
}

/** Wait after the cursor stops before asking the server to decode (one decode per resting point). */
const SAMPLE_DELAY_MS = 80;

/** "Y 81 U 90 V 240" from decoded samples. */
export function samplesText(s: FrameSamples): string {
  return s.samples.map((v) => `${v.name} ${v.value}`).join(' ');
}

type Decoded = { key: string; samples: FrameSamples } | { key: string; error: string };

/**
 * The decoded values of one pane's pixel at frame `frame` (`frames.samples`, which decodes the
 * file itself: it waits for no picture), asked once the cursor rests; null while none are known
 * for this key.
 */
function useDecoded(
  pane: ComparePane,
  frame: number,
  at: { x: number; y: number } | null,
): Decoded | null {
  const client = useClient();
  const [got, setGot] = useState<Decoded | null>(null);
  const id = pane.candidate.id;
  const key = at ? `${id}|${frame}|${at.x}|${at.y}` : null;
  useEffect(() => {
    if (!key || !at) return;
    let live = true;
    const timer = setTimeout(() => {
      client.call('frames.samples', { id, index: frame, x: at.x, y: at.y }).then(
        (samples) => live && setGot({ key, samples }),
        (err: unknown) => live && setGot({ key, error: messageOf(err) }),
      );
    }, SAMPLE_DELAY_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
    // `at` is named by `key`.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [client, key]);
  return got && got.key === key ? got : null;
}

function Row({
  pane,
  pixel,
  frame,
  size,
  cache,
}: {
  pane: ComparePane;
  pixel: { x: number; y: number };
  frame: number;
  size: { width: number; height: number };
  cache: LoadCache<FrameImage>;
}): ReactNode {
  const img = cache.peek(pane.url);
  const rgb = img ? rgbAt(img.bitmap, pixel.x, pixel.y) : null;
  const own = displaySize(pane.candidate.media.video);
  const at = ownPixel(pixel, size, own);
  const decoded = useDecoded(pane, frame, at);
  const moved = at.x !== pixel.x || at.y !== pixel.y;
  return (
    <tr data-testid="readout-row" data-id={pane.candidate.id}>
      <th scope="row" style={{ color: pane.color }} title={pane.candidate.title}>
        {pane.index + 1} · {pane.candidate.title}
      </th>
      <td
        className="mono"
        data-testid="readout-rgb"
        title="RGB of the exact frame, scaled to the source size as the scorer sees it"
      >
        {rgb ? `R ${rgb[0]} G ${rgb[1]} B ${rgb[2]}` : '—'}
      </td>
      <td
        className="mono"
        data-testid="readout-yuv"
        title={
          decoded && 'error' in decoded
            ? decoded.error
            : `The decoder's own values at pixel ${at.x}, ${at.y} of this file's frame ${frame}`
        }
      >
        {decoded === null ? '…' : 'error' in decoded ? '—' : samplesText(decoded.samples)}
      </td>
      <td className="muted small" data-testid="readout-format">
        {decoded && 'samples' in decoded
          ? `${decoded.samples.pixFmt}${moved ? ` @ ${at.x},${at.y}` : ''}`
          : ''}
      </td>
    </tr>
  );
}

/**
 * Values under the cursor at the viewer's frame, for the source and the selected pane: RGB of the
 * exact frame (scaled to the source size, as scored), and the decoded values — the Y′CbCr (or RGB) codes the decoder produced
 * in the file's own pixel format and bit depth, read by the frame server, never recomputed.
 */
export function PixelReadout({
  pixel,
  frame,
  size,
  source,
  selected,
  cache,
}: {
  pixel: { x: number; y: number } | null;
  frame: number;
  size: { width: number; height: number };
  source: ComparePane;
  selected: ComparePane | null;
  cache: LoadCache<FrameImage>;
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
        <span className="muted small"> · frame {frame} · RGB as scored · decoded values</span>
      </div>
      {pixel ? (
        <table className="compare-readout-table">
          <tbody>
            <Row pane={source} pixel={pixel} frame={frame} size={size} cache={cache} />
            {selected && selected !== source ? (
              <Row pane={selected} pixel={pixel} frame={frame} size={size} cache={cache} />
            ) : null}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}
