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
  /** The viewer's frame: every pane must show it, exactly, to be saved. */
  frame: number;
  /** Wipe: divider position in % and its orientation (vertical: A left, B right). */
  wipeAt: number;
  wipeVertical: boolean;
  /** Flicker: which of A/B is showing. */
  showB: boolean;
}

/** Height in pixels of the caption strip above each saved picture. */
export const LABEL_HEIGHT = 20;

const MODE_NAMES: Record<CompareMode, string> = {
  side: 'Side by side',
  wipe: 'Wipe',
  flicker: 'Flicker',
  diff: 'Difference',
  heatmap: 'Heatmap',
};

/** One drawn pane: its canvas and the words its caption carries. */
interface DrawnPane {
  canvas: HTMLCanvasElement;
  title: string;
}

/**
 * The panes under `root` with their canvases, refusing a pane that does not show the viewer's
 * frame exactly as it should (still loading, playback's picture, or the picture of another pane
 * or size still on its canvas; see `markDrawn`): a saved view never mixes frames.
 */
function drawnPanes(root: HTMLElement, frame: number): DrawnPane[] {
  const figures = [...root.querySelectorAll<HTMLElement>('[data-testid="compare-pane"]')];
  return figures.map((figure) => {
    const canvas = figure.querySelector<HTMLCanvasElement>('canvas.compare-canvas');
    const caption = figure.querySelector('.compare-label');
    const title =
      figure.querySelector('.compare-title')?.textContent?.trim() ||
      caption?.textContent?.trim() ||
      'pane';
    const shows =
      figure.dataset.url !== undefined &&
      figure.dataset.url === figure.dataset.want &&
      figure.dataset.frame === String(frame) &&
      figure.dataset.exact === 'true';
    if (!canvas || !shows) {
      throw new Error(
        `${title} does not show frame ${frame} yet (it is still loading): save again once every pane shows it.`,
      );
    }
    return { canvas, title };
  });
}

/** Writes `text` into the strip at (x, 0)…(x + width), cut with an ellipsis where it is too long. */
function caption(c2d: CanvasRenderingContext2D, text: string, x: number, width: number): void {
  c2d.fillStyle = '#000';
  c2d.fillRect(x, 0, width, LABEL_HEIGHT);
  c2d.fillStyle = '#fff';
  c2d.font = '12px sans-serif';
  c2d.textBaseline = 'middle';
  let shown = text;
  while (shown.length > 1 && c2d.measureText(shown).width > width - 8) {
    shown = `${shown.slice(0, -2)}…`;
  }
  c2d.fillText(shown, x + 4, LABEL_HEIGHT / 2);
}

/**
 * One PNG of what the viewer shows, at the source's pixel size, from the canvases under `root`:
 * side by side in a row; wipe as A and B split at the divider; flicker as the one showing;
 * difference and heatmap as drawn. Each picture carries a caption strip above it: the mode, the
 * pane's name and the frame number. Refuses while a pane does not show `how.frame` exactly.
 */
export async function composeView(root: HTMLElement, how: ViewComposition): Promise<Blob> {
  const panes = drawnPanes(root, how.frame);
  if (panes.length === 0) throw new Error('Nothing is drawn yet.');
  const first = panes[0]!.canvas;
  const w = first.width;
  const h = first.height;
  const out = document.createElement('canvas');
  const c2d = out.getContext('2d');
  if (!c2d) throw new Error('No 2D canvas in this browser.');
  const mode = MODE_NAMES[how.mode];
  const at = `frame ${how.frame}`;
  // A rendition drawn at its native size (zoomed in) is put back at the source size, unblurred.
  const put = (c: HTMLCanvasElement, x: number): void => {
    c2d.imageSmoothingEnabled = false;
    c2d.drawImage(c, x, LABEL_HEIGHT, w, h);
  };
  if (how.mode === 'side') {
    const gap = 4;
    out.width = panes.length * w + (panes.length - 1) * gap;
    out.height = h + LABEL_HEIGHT;
    c2d.fillStyle = '#000';
    c2d.fillRect(0, 0, out.width, out.height);
    panes.forEach((p, i) => {
      put(p.canvas, i * (w + gap));
      caption(c2d, `${i === 0 ? `${mode} · ` : ''}${i + 1} ${p.title} · ${at}`, i * (w + gap), w);
    });
  } else {
    out.width = w;
    out.height = h + LABEL_HEIGHT;
    const [a, b] = panes;
    if ((how.mode === 'wipe' || how.mode === 'flicker') && a && b) {
      if (how.mode === 'flicker') {
        const one = how.showB ? b : a;
        put(one.canvas, 0);
        caption(c2d, `${mode} · ${how.showB ? 'B' : 'A'} ${one.title} · ${at}`, 0, w);
      } else {
        put(a.canvas, 0);
        const cut = wipeCut(root, a.canvas, how);
        const scaled = document.createElement('canvas');
        scaled.width = w;
        scaled.height = h;
        const s2d = scaled.getContext('2d');
        if (!s2d) throw new Error('No 2D canvas in this browser.');
        s2d.imageSmoothingEnabled = false;
        s2d.drawImage(b.canvas, 0, 0, w, h);
        if (how.wipeVertical) {
          c2d.drawImage(scaled, cut, 0, w - cut, h, cut, LABEL_HEIGHT, w - cut, h);
        } else {
          c2d.drawImage(scaled, 0, cut, w, h - cut, 0, LABEL_HEIGHT + cut, w, h - cut);
        }
        const sides = how.wipeVertical ? ['left', 'right'] : ['top', 'bottom'];
        caption(
          c2d,
          `${mode} · A ${a.title} (${sides[0]}) | B ${b.title} (${sides[1]}) · ${at}`,
          0,
          w,
        );
      }
    } else {
      put(first, 0);
      caption(c2d, `${mode} · ${panes[0]!.title} · ${at}`, 0, w);
    }
  }
  return new Promise<Blob>((resolve, reject) =>
    out.toBlob(
      (blob) => (blob ? resolve(blob) : reject(new Error('PNG encoding failed.'))),
      'image/png',
    ),
  );
}
