/**
 * Saving from the Compare viewer: the current view composed into one PNG from the drawn canvases
 * (downloaded with `ui/download`, which works in a browser and in the desktop app alike).
 */
import { pictureRect } from './compareImage';
import type { CompareMode } from './compareModel';

/**
 * The wipe's split in frame pixels: the divider sits at `wipeAt` % of the stack, and the frame is
 * drawn fitted and centred inside its canvas box, so map the screen position into the frame.
 */
function wipeCut(root: HTMLElement, canvas: HTMLCanvasElement, how: ViewComposition): number {
  const stack = root.querySelector('.compare-stack')?.getBoundingClientRect();
  const at = pictureRect(canvas.getBoundingClientRect(), canvas.width, canvas.height);
  if (!stack || !(at.scale > 0)) return 0;
  const cut = how.wipeVertical
    ? (stack.left + (stack.width * how.wipeAt) / 100 - at.left) / at.scale
    : (stack.top + (stack.height * how.wipeAt) / 100 - at.top) / at.scale;
  const max = how.wipeVertical ? canvas.width : canvas.height;
  return Math.min(max, Math.max(0, Math.round(cut)));
}

/** How the view is composed. */
export interface ViewComposition {
  mode: CompareMode;
  /** Wipe: divider position in % and its orientation (vertical: A left, B right). */
  wipeAt: number;
  wipeVertical: boolean;
  /** Flicker: which of A/B is showing. */
  showB: boolean;
}

/**
 * One PNG of what the viewer shows, at the source's pixel size, from the canvases under `root`
 * (`canvas.compare-canvas`): side by side in a row; wipe as A and B split at the divider; flicker as
 * the one showing; difference and heatmap as drawn.
 */
export async function composeView(root: HTMLElement, how: ViewComposition): Promise<Blob> {
  const canvases = [...root.querySelectorAll<HTMLCanvasElement>('canvas.compare-canvas')];
  if (canvases.length === 0) throw new Error('Nothing is drawn yet.');
  const w = canvases[0]!.width;
  const h = canvases[0]!.height;
  const out = document.createElement('canvas');
  const c2d = out.getContext('2d');
  if (!c2d) throw new Error('No 2D canvas in this browser.');
  c2d.imageSmoothingEnabled = false;
  if (how.mode === 'side') {
    const gap = 4;
    out.width = canvases.length * w + (canvases.length - 1) * gap;
    out.height = h;
    c2d.fillStyle = '#000';
    c2d.fillRect(0, 0, out.width, out.height);
    canvases.forEach((c, i) => c2d.drawImage(c, i * (w + gap), 0));
  } else {
    out.width = w;
    out.height = h;
    const [a, b] = canvases;
    if ((how.mode === 'wipe' || how.mode === 'flicker') && a && b) {
      if (how.mode === 'flicker') {
        c2d.drawImage(how.showB ? b : a, 0, 0);
      } else {
        c2d.drawImage(a, 0, 0);
        const cut = wipeCut(root, a, how);
        if (how.wipeVertical) c2d.drawImage(b, cut, 0, w - cut, h, cut, 0, w - cut, h);
        else c2d.drawImage(b, 0, cut, w, h - cut, 0, cut, w, h - cut);
      }
    } else {
      c2d.drawImage(canvases[0]!, 0, 0);
    }
  }
  return new Promise<Blob>((resolve, reject) =>
    out.toBlob(
      (blob) => (blob ? resolve(blob) : reject(new Error('PNG encoding failed.'))),
      'image/png',
    ),
  );
}
