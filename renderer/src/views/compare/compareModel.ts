/**
 * The Compare view as data: frame stepping, timecode, zoom steps, the keys of the view, the
 * difference image and the bounded frame-image cache. Pure, so the view only wires them up.
 */

/** How the panes are shown. */
export type CompareMode = 'side' | 'wipe' | 'flicker' | 'diff';

/** Zoom: 'fit' scales the frame to the pane; a number is a scale factor (1 = 100 %). */
export type Zoom = 'fit' | 1 | 2 | 4 | 8;

/** Zoom steps in order, for +/−. */
export const ZOOM_STEPS: readonly Zoom[] = ['fit', 1, 2, 4, 8];

/** Most panes next to the source. */
export const MAX_COMPARED = 3;

/** The frame index moved by `delta`, kept inside 0…frameCount−1. */
export function clampFrame(index: number, frameCount: number): number {
  if (frameCount <= 0) return 0;
  return Math.min(Math.max(0, Math.round(index)), frameCount - 1);
}

/** "00:00:01.240" for a frame index at a frame rate; "—" without a rate. */
export function timecodeText(index: number, fps: number | null): string {
  if (!fps || !Number.isFinite(fps) || fps <= 0) return '—';
  const totalMs = Math.round((index / fps) * 1000);
  const ms = totalMs % 1000;
  const totalS = Math.floor(totalMs / 1000);
  const s = totalS % 60;
  const m = Math.floor(totalS / 60) % 60;
  const h = Math.floor(totalS / 3600);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${two(h)}:${two(m)}:${two(s)}.${String(ms).padStart(3, '0')}`;
}

/** The next zoom step up (+1) or down (−1), staying at the ends. */
export function stepZoom(zoom: Zoom, direction: 1 | -1): Zoom {
  const at = ZOOM_STEPS.indexOf(zoom);
  return ZOOM_STEPS[Math.min(Math.max(0, at + direction), ZOOM_STEPS.length - 1)]!;
}

/** "Fit", "100 %", "800 %". */
export function zoomText(zoom: Zoom): string {
  return zoom === 'fit' ? 'Fit' : `${zoom * 100} %`;
}

/** What a key press asks of the Compare view. */
export type CompareKeyAction =
  | { kind: 'step'; delta: number }
  | { kind: 'first' }
  | { kind: 'last' }
  | { kind: 'mode'; mode: CompareMode }
  | { kind: 'toggleFlicker' }
  | { kind: 'zoom'; direction: 1 | -1 }
  | { kind: 'fit' };

/** The parts of a KeyboardEvent the matcher reads. */
export interface CompareKeyPress {
  key: string;
  altKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  /** True when focus is in a text field or a select: keys then belong to it. */
  inTextField: boolean;
}

/** The action for a key press in the Compare view, or null. F toggles A/B when already flickering. */
export function compareKeyFor(press: CompareKeyPress, mode: CompareMode): CompareKeyAction | null {
  if (press.inTextField || press.altKey || press.ctrlKey || press.metaKey) return null;
  switch (press.key) {
    case 'ArrowRight':
      return { kind: 'step', delta: press.shiftKey ? 10 : 1 };
    case 'ArrowLeft':
      return { kind: 'step', delta: press.shiftKey ? -10 : -1 };
    case 'Home':
      return { kind: 'first' };
    case 'End':
      return { kind: 'last' };
    case '+':
    case '=':
      return { kind: 'zoom', direction: 1 };
    case '-':
    case '_':
      return { kind: 'zoom', direction: -1 };
    case '0':
      return { kind: 'fit' };
  }
  switch (press.key.toLowerCase()) {
    case 's':
      return { kind: 'mode', mode: 'side' };
    case 'w':
      return { kind: 'mode', mode: 'wipe' };
    case 'd':
      return { kind: 'mode', mode: 'diff' };
    case 'f':
      return mode === 'flicker' ? { kind: 'toggleFlicker' } : { kind: 'mode', mode: 'flicker' };
  }
  return null;
}

/**
 * |A−B| × gain per RGB channel into `out` (RGBA, alpha opaque). The arrays are RGBA of the same
 * size; a shorter one limits the pixels written.
 */
export function diffPixels(
  a: Uint8ClampedArray,
  b: Uint8ClampedArray,
  gain: number,
  out: Uint8ClampedArray,
): void {
  const n = Math.min(a.length, b.length, out.length);
  for (let i = 0; i + 3 < n; i += 4) {
    out[i] = Math.abs(a[i]! - b[i]!) * gain;
    out[i + 1] = Math.abs(a[i + 1]! - b[i + 1]!) * gain;
    out[i + 2] = Math.abs(a[i + 2]! - b[i + 2]!) * gain;
    out[i + 3] = 255;
  }
}

/** A bounded cache of loads by key: the oldest used entry goes when it is full. */
export interface LoadCache<T> {
  /** The load of `key`, started now or shared with an earlier call. Failed loads are dropped. */
  get(key: string): Promise<T>;
  /** How many loads are kept. */
  size(): number;
}

/** A cache that keeps at most `limit` loads made by `load`. */
export function createLoadCache<T>(limit: number, load: (key: string) => Promise<T>): LoadCache<T> {
  const entries = new Map<string, Promise<T>>();
  return {
    get(key) {
      const hit = entries.get(key);
      if (hit) {
        entries.delete(key);
        entries.set(key, hit);
        return hit;
      }
      const started = load(key);
      entries.set(key, started);
      started.catch(() => {
        if (entries.get(key) === started) entries.delete(key);
      });
      while (entries.size > limit) {
        const oldest = entries.keys().next().value;
        if (oldest === undefined) break;
        entries.delete(oldest);
      }
      return started;
    },
    size: () => entries.size,
  };
}
