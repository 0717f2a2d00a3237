/**
 * The desktop transport: the preload's `window.vq` (its type and channels are in
 * shared/wire/ipc.ts) and the `vq-media://` protocol. Answers and events are read with the shared
 * wire schemas, as they crossed a process boundary.
 */
import type { VqArgs, VqMethod, VqResults } from '../../../shared/api';
import type { ProjectImportSummary } from '../../../shared/project';
import type { VqBridge } from '../../../shared/wire/ipc';
import { isVqEvent } from '../../../shared/wire/messages';
import { frameQuery } from './frameQuery';
import { unwrapEnvelope } from './envelope';
import type { ConnectionState, RendererClient } from './rendererClient';

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

const OPEN: ConnectionState = { status: 'open', attempt: 0, retryAt: null, everConnected: true };

/** A client over Electron IPC. */
export function createIpcClient(bridge: VqBridge): RendererClient {
  return {
    transport: 'ipc',
    async call<M extends VqMethod>(method: M, args: VqArgs<M>): Promise<VqResults[M]> {
      return unwrapEnvelope<VqResults[M]>(await bridge.invoke(method, args));
    },
    onEvent(cb) {
      return bridge.on('*', (event) => {
        if (isVqEvent(event)) cb(event);
      });
    },
    mediaUrl(kind, id) {
      return `vq-media://${kind}/${encodeURIComponent(id)}`;
    },
    frameUrl(id, index, size) {
      return `vq-media://frame/${encodeURIComponent(id)}${frameQuery(index, size)}`;
    },
    playUrl(sessionId, file) {
      return `vq-media://play/${encodeURIComponent(sessionId)}/${file}`;
    },
    withAccess: (url) => url,
    async importProject(file) {
      return unwrapEnvelope<ProjectImportSummary>(
        await bridge.invoke('project.import', { text: await file.text() }),
      );
    },
    connection: () => OPEN,
    onConnection: () => () => undefined,
    reconnectNow: () => undefined,
  };
}
