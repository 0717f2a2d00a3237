/** The desktop transport: the preload's `window.vq` and the `vq-media://` protocol. */
import type { VqArgs, VqMethod, VqResults } from '../../../shared/api';
import type { ProjectImportSummary } from '../../../shared/project';
import { frameQuery } from './frameQuery';
import { unwrapEnvelope } from './envelope';
import { isVqEvent } from './eventShape';
import type { VqBridge } from './preloadBridge';
import type { ConnectionState, RendererClient } from './rendererClient';

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
    async importProject(file) {
      return unwrapEnvelope<ProjectImportSummary>(await bridge.invoke('project.import', { text: await file.text() }));
    },
    connection: () => OPEN,
    onConnection: () => () => undefined,
    reconnectNow: () => undefined,
  };
}
