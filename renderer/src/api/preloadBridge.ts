/** The `window.vq` object the Electron preload exposes through contextBridge. */
import type { VqEvent } from '../../../shared/api';

/** What the preload offers: one invoke, one event subscription. */
export interface VqBridge {
  invoke(method: string, args: unknown): Promise<unknown>;
  on(type: VqEvent['type'] | '*', cb: (event: VqEvent) => void): () => void;
}

declare global {
  interface Window {
    /** Present only in the desktop app. */
    vq?: VqBridge;
  }
}

/** The preload bridge when running inside Electron, else null. */
export function preloadBridge(win: Window = window): VqBridge | null {
  const vq = win.vq;
  return vq && typeof vq.invoke === 'function' && typeof vq.on === 'function' ? vq : null;
}
