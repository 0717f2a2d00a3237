/**
 * The Compare view as data: frame stepping, timecode, zoom steps and wheel zoom at the cursor,
 * the keys of the view and the bounded, cancellable frame-image cache. Pure, so the view only wires them up.
 */

/** How the panes are shown. */
export type CompareMode = 'side' | 'wipe' | 'flicker' | 'diff' | 'heatmap';

/** Zoom: 'fit' scales the frame to the pane; a number is a scale factor (1 = 100 %). */
export type Zoom = 'fit' | 1 | 2 | 4 | 8;

/** Zoom steps in order, for +/−. */
export const ZOOM_STEPS: readonly Zoom[] = ['fit', 1, 2, 4, 8];

/** Most panes next to the source. */
export const MAX_COMPARED = 3;

/**
 * The size frames of a video are served at (see the frame server: ffmpeg autorotates), from its
 * coded size and display rotation: a quarter turn swaps width and height.
 */
export function displaySize(video: { width: number; height: number; rotation?: number | null }): {
  width: number;
  height: number;
} {
  const quarter = Math.abs(Math.round(video.rotation ?? 0)) % 180 === 90;
  return quarter
    ? { width: video.height, height: video.width }
    : { width: video.width, height: video.height };
}

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
  /** To the start of the shot before (−1) or after (+1). */
  | { kind: 'shot'; direction: 1 | -1 }
  | { kind: 'mode'; mode: CompareMode }
  | { kind: 'toggleFlicker' }
  | { kind: 'zoom'; direction: 1 | -1 }
  | { kind: 'fit' }
  | { kind: 'playPause' }
  /** Select pane `pane` (0-based): it becomes B against the source and feeds the readout. */
  | { kind: 'selectPane'; pane: number };

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
    case '[':
      return { kind: 'shot', direction: -1 };
    case ']':
      return { kind: 'shot', direction: 1 };
    case '+':
    case '=':
      return { kind: 'zoom', direction: 1 };
    case '-':
    case '_':
      return { kind: 'zoom', direction: -1 };
    case '0':
      return { kind: 'fit' };
    case ' ':
      return { kind: 'playPause' };
    case '1':
    case '2':
    case '3':
    case '4':
      return { kind: 'selectPane', pane: Number(press.key) - 1 };
  }
  switch (press.key.toLowerCase()) {
    case 's':
      return { kind: 'mode', mode: 'side' };
    case 'w':
      return { kind: 'mode', mode: 'wipe' };
    case 'd':
      return { kind: 'mode', mode: 'diff' };
    case 'h':
      return { kind: 'mode', mode: 'heatmap' };
    case 'f':
      return mode === 'flicker' ? { kind: 'toggleFlicker' } : { kind: 'mode', mode: 'flicker' };
  }
  return null;
}

/**
 * The zoom one step in (+1) or out (−1) when 'fit' currently shows the frame at `fitScale`:
 * fit sits among the fixed steps at its own scale, so zooming in from fit never shrinks the frame.
 */
export function nextZoom(zoom: Zoom, direction: 1 | -1, fitScale: number): Zoom {
  const scaleOf = (z: Zoom): number => (z === 'fit' ? fitScale : z);
  const ordered = [...ZOOM_STEPS].sort((a, b) => scaleOf(a) - scaleOf(b) || (a === 'fit' ? -1 : 1));
  const at = ordered.indexOf(zoom);
  return ordered[Math.min(Math.max(0, at + direction), ordered.length - 1)]!;
}

/**
 * The scroll offset that keeps source pixel (px, py) under the cursor at `scale`, the cursor at
 * (cx, cy) inside the scroll box; the frame is drawn from the box's content origin.
 */
export function anchoredScroll(
  pixel: { x: number; y: number },
  cursor: { x: number; y: number },
  scale: number,
): { left: number; top: number } {
  return {
    left: Math.max(0, pixel.x * scale - cursor.x),
    top: Math.max(0, pixel.y * scale - cursor.y),
  };
}

/** A bounded cache of loads by key: the oldest used entry goes when it is full. */
export interface LoadCache<T> {
  /** The load of `key`, started now or shared with an earlier call. Failed loads are dropped. */
  get(key: string): Promise<T>;
  /** The loaded value of `key` if it has arrived, without starting a load. */
  peek(key: string): T | undefined;
  /**
   * Aborts every load still in flight whose key is not in `keep` (frames the user has stepped
   * past) and forgets it; finished loads stay cached.
   */
  cancelExcept(keep: ReadonlySet<string>): number;
  /** How many loads are kept. */
  size(): number;
}

interface CacheEntry<T> {
  promise: Promise<T>;
  controller: AbortController;
  done: boolean;
  value?: T;
}

/** A cache that keeps at most `limit` loads made by `load`, which should honour `signal`. */
export function createLoadCache<T>(
  limit: number,
  load: (key: string, signal: AbortSignal) => Promise<T>,
): LoadCache<T> {
  const entries = new Map<string, CacheEntry<T>>();
  return {
    get(key) {
      const hit = entries.get(key);
      if (hit) {
        entries.delete(key);
        entries.set(key, hit);
        return hit.promise;
      }
      const controller = new AbortController();
      const entry: CacheEntry<T> = {
        promise: load(key, controller.signal),
        controller,
        done: false,
      };
      entries.set(key, entry);
      entry.promise.then(
        (value) => {
          entry.done = true;
          entry.value = value;
        },
        () => {
          entry.done = true;
          if (entries.get(key) === entry) entries.delete(key);
        },
      );
      while (entries.size > limit) {
        const oldest = entries.keys().next().value;
        if (oldest === undefined) break;
        entries.delete(oldest);
      }
      return entry.promise;
    },
    peek: (key) => entries.get(key)?.value,
    cancelExcept(keep) {
      let cancelled = 0;
      for (const [key, entry] of [...entries]) {
        if (entry.done || keep.has(key)) continue;
        entries.delete(key);
        entry.controller.abort();
        cancelled++;
      }
      return cancelled;
    },
    size: () => entries.size,
  };
}
