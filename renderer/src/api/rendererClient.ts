/** The API client as the renderer uses it: the contract's VqClient plus connection state. */
import type { VqClient } from '../../../shared/api';
import type { ProjectImportSummary } from '../../../shared/project';

/** Connection to the main-side services. IPC is always 'open'. */
export interface ConnectionState {
  status: 'connecting' | 'open' | 'reconnecting';
  /** Failed attempts since the last successful connection. */
  attempt: number;
  /** When the next attempt starts (epoch ms), while reconnecting. */
  retryAt: number | null;
  /** True once a connection was open at least once. */
  everConnected: boolean;
}

/** A VqClient that also reports its connection. */
export interface RendererClient extends VqClient {
  /**
   * Imports a project file. In a browser the file is POSTed and read by the server as it arrives
   * (a 200 MB file never travels as one WebSocket message); in the desktop app it goes over IPC.
   */
  importProject(file: Blob): Promise<ProjectImportSummary>;
  /** 'ipc' in the desktop app, 'websocket' in a browser. */
  readonly transport: 'ipc' | 'websocket';
  /** Current connection state. */
  connection(): ConnectionState;
  /** Subscribes to connection changes; returns the unsubscribe function. */
  onConnection(cb: (state: ConnectionState) => void): () => void;
  /** Skips the backoff wait and reconnects now (no-op for IPC). */
  reconnectNow(): void;
}
