/**
 * The IPC wire of the desktop app: the channels main and the preload talk over and the `window.vq`
 * bridge the preload exposes to the renderer. Type imports only, on purpose: the sandboxed preload
 * bundles this file into its one CommonJS file, which must require nothing but 'electron' (no zod).
 * The schemas that check what travels on these channels are in messages.ts.
 */
import type { VqArgs, VqEvent, VqMethod } from '../api';

/** The IPC channels. Each carries one kind of message, checked by its receiver. */
export const IPC_CHANNELS = {
  /** Renderer → main: one `Call` (messages.ts), answered with a result envelope. */
  invoke: 'vq:invoke',
  /** Preload → main: the paths of files dropped on the window (`DroppedPathsSchema`), to import. */
  drop: 'vq:drop',
  /** Main → renderer: one `VqEvent` per message (`EventSchema`). */
  event: 'vq:event',
} as const;

/** One IPC channel name. */
export type IpcChannel = (typeof IPC_CHANNELS)[keyof typeof IPC_CHANNELS];

/** What the renderer sees as `window.vq`, and all it sees of main. */
export interface VqBridge {
  /**
   * Sends one call over the invoke channel. Resolves to the answer as it arrived; read it with
   * `readEnvelope` (messages.ts), as it crossed a process boundary.
   */
  invoke<M extends VqMethod>(method: M, args: VqArgs<M>): Promise<unknown>;
  /**
   * Subscribes to pushed events of one type, or '*' for all; returns the unsubscribe function.
   * Main sends only VqEvents; the renderer's client still checks each with `isVqEvent`.
   */
  on(type: VqEvent['type'] | '*', cb: (event: VqEvent) => void): () => void;
}
