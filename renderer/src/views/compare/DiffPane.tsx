import { useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import { messageOf } from '../../stores/messageOf';
import {
  diffPixels,
  heatmapMax,
  heatmapPixels,
  inferno,
  type DiffChannel,
  type YuvMatrix,
} from './compareImage';
import { loadingText, type ComparePane, type Drawn } from './comparePane';
import { FrameStage, markDrawn, PaneStatus, type PaneContext } from './FramePane';

function pixelsOf(bitmap: ImageBitmap, width: number, height: number): Uint8ClampedArray {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const c2d = canvas.getContext('2d');
  if (!c2d) throw new Error('No 2D canvas in this browser.');
  c2d.drawImage(bitmap, 0, 0, width, height);
  return c2d.getImageData(0, 0, width, height).data;
}

/** The heatmap's colour scale: inferno from |ΔY| = 0 to its full scale. */
function HeatmapLegend({ gain }: { gain: number }): ReactNode {
  const stops = Array.from({ length: 9 }, (_, i) => {
    const [r, g, b] = inferno(i / 8);
    return `rgb(${r} ${g} ${b}) ${(i / 8) * 100}%`;
  });
  return (
    <div className="compare-legend" data-testid="heatmap-legend">
      <span>|ΔY| 0</span>
      <span
        className="compare-legend-bar"
        style={{ background: `linear-gradient(to right, ${stops.join(', ')})` }}
      />
      <span>≥ {heatmapMax(gain).toFixed(heatmapMax(gain) < 10 ? 1 : 0)}</span>
    </div>
  );
}

/**
 * The same frame of two videos computed into one canvas: |A−B| × gain (RGB or luma), or the
 * per-pixel luma error through the inferno colour map (heatmap).
 */
export function DiffPane({
  a,
  b,
  ctx,
  kind,
  gain,
  channel,
  matrix,
}: {
  a: ComparePane;
  b: ComparePane;
  ctx: PaneContext;
  kind: 'diff' | 'heatmap';
  gain: number;
  channel: DiffChannel;
  matrix: YuvMatrix;
}): ReactNode {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const figureRef = useRef<HTMLElement>(null);
  const [drawn, setDrawn] = useState<Drawn | null>(null);
  const [error, setError] = useState<string | null>(null);
  const { cache, frame, size } = ctx;
  // The picture is computed from both frames and the settings: all of them name it.
  const want = [kind, gain, channel, matrix.name, a.url, b.url].join(' ');

  useLayoutEffect(() => {
    let live = true;
    Promise.all([cache.get(a.url), cache.get(b.url)])
      .then(([imgA, imgB]) => {
        const canvas = canvasRef.current;
        const c2d = canvas?.getContext('2d');
        const figure = figureRef.current;
        if (!live || !canvas || !c2d || !figure) return;
        const out = c2d.createImageData(size.width, size.height);
        const pa = pixelsOf(imgA.bitmap, size.width, size.height);
        const pb = pixelsOf(imgB.bitmap, size.width, size.height);
        if (kind === 'heatmap') heatmapPixels(pa, pb, gain, out.data, matrix);
        else diffPixels(pa, pb, gain, out.data, channel, matrix);
        c2d.putImageData(out, 0, 0);
        // Both frames are the same exact frame: the image is of that frame, and says so at once.
        const now = { url: want, frame, exact: true };
        markDrawn(figure, now);
        setDrawn(now);
        setError(null);
      })
      .catch((err: unknown) => {
        if (live) setError(messageOf(err));
      });
    return () => {
      live = false;
    };
  }, [cache, a.url, b.url, frame, gain, kind, channel, matrix, size.width, size.height, want]);

  const what =
    kind === 'heatmap'
      ? `|ΔY| heatmap (${matrix.name})`
      : `|A−B| × ${gain}${channel === 'luma' ? ` luma (${matrix.name})` : ' RGB'}`;
  const loading = loadingText(drawn, want, frame, false);
  return (
    <figure
      ref={figureRef}
      className="compare-pane"
      data-testid="compare-pane"
      data-kind={kind}
      data-want={want}
    >
      <FrameStage ctx={ctx} canvasRef={canvasRef} testId={`${kind}-canvas`} />
      <figcaption className="compare-label">
        <span className="pill">{what}</span>
        <span className="compare-title">
          <span style={{ color: a.color }}>{a.candidate.title}</span> vs{' '}
          <span style={{ color: b.color }}>{b.candidate.title}</span>
        </span>
        {kind === 'heatmap' ? <HeatmapLegend gain={gain} /> : null}
      </figcaption>
      <PaneStatus loading={loading} error={error} frame={frame} />
    </figure>
  );
}
