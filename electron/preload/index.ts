/**
 * The preload: the renderer's only door to main. It exposes exactly `window.vq = { invoke, on }`
 * over two fixed channels — never `ipcRenderer` itself, never the IpcRendererEvent, no Node — and
 * turns files dropped on the window into an import. It must stay one CommonJS file that requires
 * only 'electron', because a sandboxed preload cannot load other modules.
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';

// Channel names repeat electron/main/ipc.ts on purpose: importing it would pull main-process code
// into the sandboxed bundle.
const INVOKE_CHANNEL = 'vq:invoke';
const DROP_CHANNEL = 'vq:drop';
const EVENT_CHANNEL = 'vq:event';

/** The shape of every pushed event, as far as the preload needs to know it. */
interface PushedEvent {
  type: string;
}

/** What the renderer sees as `window.vq`. */
export interface VqBridge {
  /** Calls an API method; resolves to its `{ ok, value } | { ok: false, error }` envelope. */
  invoke(method: string, args?: unknown): Promise<unknown>;
  /** Subscribes to events of one type, or '*' for all; returns the unsubscribe function. */
  on(type: string, cb: (event: unknown) => void): () => void;
}

const bridge: VqBridge = {
  invoke(method, args) {
    return ipcRenderer.invoke(INVOKE_CHANNEL, method, args ?? {});
  },
  on(type, cb) {
    const listener = (_ipcEvent: IpcRendererEvent, event: PushedEvent): void => {
      if (type === '*' || event.type === type) cb(event);
    };
    ipcRenderer.on(EVENT_CHANNEL, listener);
    return () => {
      ipcRenderer.removeListener(EVENT_CHANNEL, listener);
    };
  },
};

contextBridge.exposeInMainWorld('vq', bridge);

// tsconfig.node.json has no DOM lib (it covers Node code), so the little of the DOM used here is
// typed locally.
interface DragEventLike {
  preventDefault(): void;
  dataTransfer: { types: readonly string[]; files: ArrayLike<File> } | null;
}
interface DropTarget {
  addEventListener(type: 'dragover' | 'drop', listener: (event: DragEventLike) => void): void;
}
const page = globalThis as unknown as DropTarget;

// Dropping files anywhere on the window imports them. Paths are read here because only a preload
// may call webUtils.getPathForFile (File.path is gone since Electron 32); the outcome reaches the
// renderer through the normal library events, so window.vq stays exactly { invoke, on }.
page.addEventListener('dragover', (event) => {
  if (event.dataTransfer?.types.includes('Files')) event.preventDefault();
});
page.addEventListener('drop', (event) => {
  const files = event.dataTransfer?.files;
  if (!files || files.length === 0) return;
  event.preventDefault();
  const paths: string[] = [];
  for (const file of Array.from(files)) {
    // Files built in JS (not on disk) have no path: '' is skipped.
    const p = webUtils.getPathForFile(file);
    if (p) paths.push(p);
  }
  if (paths.length > 0) {
    ipcRenderer.invoke(DROP_CHANNEL, paths).catch((err: unknown) => {
      console.error('Dropped files could not be imported:', err);
    });
  }
});
