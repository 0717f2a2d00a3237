/**
 * The browser transport for `vq serve`: one WebSocket for requests and events, reconnected with
 * backoff when it drops. Requests made while disconnected wait for the next connection; requests
 * already sent when the socket drops are rejected, because nobody can tell whether they ran.
 */
import type { VqArgs, VqEvent, VqMethod, VqResults } from '../../../shared/api';
import { VqError } from '../../../shared/errors';
import type { ProjectImportSummary } from '../../../shared/project';
import { encodeRequest, parseServerMessage } from '../../../shared/wire/ws';
import { unwrapEnvelope } from './envelope';
import { reconnectDelayMs } from './reconnectDelay';
import type { ConnectionState, RendererClient } from './rendererClient';

/** The part of a WebSocket this client uses (lets tests pass a fake). */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(): void;
  onopen: ((ev: Event) => void) | null;
  onclose: ((ev: CloseEvent) => void) | null;
  onerror: ((ev: Event) => void) | null;
  onmessage: ((ev: MessageEvent) => void) | null;
}

/** Options for {@link createWsClient}. */
export interface WsClientOptions {
  /** ws:// or wss:// URL of the API endpoint, token included. */
  url: string;
  /** Builds the URL of a media route for an item. */
  mediaUrl: (kind: 'file' | 'thumb', id: string) => string;
  /** Frame URL builder (see {@link VqClient.frameUrl}). */
  frameUrl: (id: string, index: number, size?: { width: number; height: number }) => string;
  /** Playback session file URL builder (see {@link VqClient.playUrl}). */
  playUrl: (sessionId: string, file: string) => string;
  /** Adds the access token to a media URL (see {@link VqClient.withAccess}). */
  withAccess: (url: string) => string;
  /** Where project files are POSTed, token included. */
  projectImportUrl?: string;
  /** fetch() for the project upload; defaults to the browser's. */
  fetchImpl?: typeof fetch;
  /** Opens a socket; defaults to the browser's WebSocket. */
  openSocket?: (url: string) => SocketLike;
  /** Jitter source for the backoff. */
  random?: () => number;
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
  text: string;
  sent: boolean;
}

const SOCKET_OPEN = 1;

/** A client over the `vq serve` WebSocket; starts connecting at once. */
export function createWsClient(opts: WsClientOptions): RendererClient {
  const openSocket = opts.openSocket ?? ((url: string): SocketLike => new WebSocket(url));
  const pending = new Map<number, Pending>();
  const eventListeners = new Set<(event: VqEvent) => void>();
  const connectionListeners = new Set<(state: ConnectionState) => void>();
  let state: ConnectionState = {
    status: 'connecting',
    attempt: 0,
    retryAt: null,
    everConnected: false,
  };
  let socket: SocketLike | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let nextId = 1;

  function setState(next: ConnectionState): void {
    state = next;
    for (const cb of [...connectionListeners]) cb(state);
  }

  function flush(): void {
    if (!socket || socket.readyState !== SOCKET_OPEN) return;
    for (const p of pending.values()) {
      if (!p.sent) {
        socket.send(p.text);
        p.sent = true;
      }
    }
  }

  function connect(): void {
    retryTimer = null;
    const ws = openSocket(opts.url);
    socket = ws;
    ws.onopen = () => {
      setState({ status: 'open', attempt: 0, retryAt: null, everConnected: true });
      flush();
    };
    ws.onmessage = (ev) => {
      const msg = parseServerMessage(typeof ev.data === 'string' ? ev.data : '');
      if (msg.kind === 'event') {
        for (const cb of [...eventListeners]) cb(msg.event);
      } else if (msg.kind === 'result') {
        const p = pending.get(msg.id);
        if (!p) return;
        pending.delete(msg.id);
        try {
          p.resolve(unwrapEnvelope(msg.result));
        } catch (err) {
          p.reject(err);
        }
      } else {
        console.warn(`Ignoring a server message: ${msg.reason}`);
      }
    };
    ws.onerror = () => {
      // A close event always follows; reconnecting is handled there.
    };
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      for (const [id, p] of pending) {
        if (!p.sent) continue;
        pending.delete(id);
        p.reject(
          new VqError(
            'CANCELED',
            'The connection to VQ Studio was lost before the answer arrived.',
            'It reconnects by itself; check the result and try again if needed.',
          ),
        );
      }
      const attempt = state.status === 'open' ? 0 : state.attempt + 1;
      const delay = reconnectDelayMs(attempt, opts.random);
      setState({
        status: 'reconnecting',
        attempt,
        retryAt: Date.now() + delay,
        everConnected: state.everConnected,
      });
      retryTimer = setTimeout(connect, delay);
    };
  }

  connect();

  return {
    transport: 'websocket',
    call<M extends VqMethod>(method: M, args: VqArgs<M>): Promise<VqResults[M]> {
      return new Promise<VqResults[M]>((resolve, reject) => {
        const id = nextId++;
        pending.set(id, {
          resolve: (v) => resolve(v as VqResults[M]),
          reject,
          text: encodeRequest(id, method, args),
          sent: false,
        });
        flush();
      });
    },
    onEvent(cb) {
      eventListeners.add(cb);
      return () => eventListeners.delete(cb);
    },
    mediaUrl: opts.mediaUrl,
    frameUrl: opts.frameUrl,
    playUrl: opts.playUrl,
    withAccess: opts.withAccess,
    async importProject(file) {
      if (!opts.projectImportUrl)
        throw new VqError('UNSUPPORTED', 'This page cannot upload project files.');
      const res = await (opts.fetchImpl ?? fetch)(opts.projectImportUrl, {
        method: 'POST',
        body: file,
        headers: { 'Content-Type': 'application/json' },
      });
      if (!res.ok)
        throw new VqError(
          'INVALID_ARGS',
          `The server refused the project file (${res.status}): ${(await res.text()).trim()}`,
        );
      return unwrapEnvelope<ProjectImportSummary>(await res.json());
    },
    connection: () => state,
    onConnection(cb) {
      connectionListeners.add(cb);
      return () => connectionListeners.delete(cb);
    },
    reconnectNow() {
      if (retryTimer === null) return;
      clearTimeout(retryTimer);
      setState({ ...state, status: 'connecting', retryAt: null });
      connect();
    },
  };
}
