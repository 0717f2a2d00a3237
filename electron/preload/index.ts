/**
 * The preload: the renderer's only door to main. It exposes exactly `window.vq = { invoke, on }`
 * over the fixed channels of shared/wire/ipc.ts — never `ipcRenderer` itself, never the
 * IpcRendererEvent, no Node — and turns files dropped on the window into an import. It must stay
 * one CommonJS file that requires only 'electron', because a sandboxed preload cannot load other
 * modules: it imports from shared/ only ipc.ts, which the bundler inlines (no zod; main and the
 * renderer check the messages).
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import type { VqEvent } from '../../shared/api';
import { IPC_CHANNELS, type VqBridge } from '../../shared/wire/ipc';
import type { Call } from '../../shared/wire/messages';

const bridge: VqBridge = {
  invoke(method, args) {
    const call: Call = { method, args: args ?? {} };
    return ipcRenderer.invoke(IPC_CHANNELS.invoke, call);
  },
  on(type, cb) {
    const listener = (_ipcEvent: IpcRendererEvent, event: VqEvent): void => {
      if (type === '*' || event.type === type) cb(event);
    };
    ipcRenderer.on(IPC_CHANNELS.event, listener);
    return () => {
      ipcRenderer.removeListener(IPC_CHANNELS.event, listener);
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
    ipcRenderer.invoke(IPC_CHANNELS.drop, paths).catch((err: unknown) => {
      console.error('Dropped files could not be imported:', err);
    });
  }
});
