import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { VqEvent } from '../../../shared/api';
import { VqError } from '../../../shared/errors';
import type { ConnectionState } from './rendererClient';
import { createWsClient, type SocketLike } from './wsClient';

class FakeSocket implements SocketLike {
  readyState = 0;
  sent: string[] = [];
  onopen: ((ev: Event) => void) | null = null;
  onclose: ((ev: CloseEvent) => void) | null = null;
  onerror: ((ev: Event) => void) | null = null;
  onmessage: ((ev: MessageEvent) => void) | null = null;
  send(data: string): void {
    this.sent.push(data);
  }
  close(): void {
    this.drop();
  }
  open(): void {
    this.readyState = 1;
    this.onopen?.({} as Event);
  }
  drop(): void {
    this.readyState = 3;
    this.onclose?.({} as CloseEvent);
  }
  receive(msg: unknown): void {
    this.onmessage?.({ data: JSON.stringify(msg) } as MessageEvent);
  }
}

describe('createWsClient', () => {
  let sockets: FakeSocket[];
  beforeEach(() => {
    vi.useFakeTimers();
    sockets = [];
  });
  afterEach(() => vi.useRealTimers());

  const make = () =>
    createWsClient({
      url: 'ws://h/api?token=t',
      mediaUrl: (k, id) => `/media/${k}/${id}`,
      frameUrl: (id, index) => `/media/frame/${id}?index=${index}`,
      playUrl: (session, file) => `/media/play/${session}/${file}`,
      withAccess: (url) => url,
      openSocket: () => {
        const s = new FakeSocket();
        sockets.push(s);
        return s;
      },
      random: () => 0.5,
    });

  it('queues calls until the socket opens, then resolves them by id', async () => {
    const client = make();
    const p = client.call('library.list', {});
    expect(sockets[0]!.sent).toEqual([]);
    sockets[0]!.open();
    const req = JSON.parse(sockets[0]!.sent[0]!) as { id: number; method: string };
    expect(req.method).toBe('library.list');
    sockets[0]!.receive({ id: req.id, result: { ok: true, value: { items: [], seq: 4 } } });
    await expect(p).resolves.toEqual({ items: [], seq: 4 });
  });

  it('rejects with the VqError of a failed envelope', async () => {
    const client = make();
    sockets[0]!.open();
    const p = client.call('library.get', { id: 'nope' });
    const req = JSON.parse(sockets[0]!.sent[0]!) as { id: number };
    sockets[0]!.receive({
      id: req.id,
      result: { ok: false, error: { code: 'UNKNOWN_ITEM', message: 'No item.', hint: 'Refresh' } },
    });
    await expect(p).rejects.toMatchObject({
      code: 'UNKNOWN_ITEM',
      message: 'No item.',
      hint: 'Refresh',
    });
  });

  it('delivers pushed events to subscribers', () => {
    const client = make();
    sockets[0]!.open();
    const got: VqEvent[] = [];
    client.onEvent((e) => got.push(e));
    sockets[0]!.receive({ event: { seq: 1, type: 'library.removed', id: 'a' } });
    expect(got).toEqual([{ seq: 1, type: 'library.removed', id: 'a' }]);
  });

  it('rejects in-flight calls on disconnect, reconnects with backoff, and re-sends queued calls', async () => {
    const client = make();
    const states: ConnectionState['status'][] = [];
    client.onConnection((s) => states.push(s.status));
    sockets[0]!.open();
    const inFlight = client.call('library.list', {});
    sockets[0]!.drop();
    await expect(inFlight).rejects.toBeInstanceOf(VqError);
    expect(client.connection()).toMatchObject({ status: 'reconnecting', everConnected: true });

    const queued = client.call('app.info', {});
    vi.advanceTimersByTime(499);
    expect(sockets).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(sockets).toHaveLength(2);
    sockets[1]!.open();
    const req = JSON.parse(sockets[1]!.sent[0]!) as { id: number; method: string };
    expect(req.method).toBe('app.info');
    sockets[1]!.receive({ id: req.id, result: { ok: true, value: 'info' } });
    await expect(queued).resolves.toBe('info');
    expect(states).toEqual(['open', 'reconnecting', 'open']);
  });

  it('backs off longer after each failed attempt and can retry at once', () => {
    const client = make();
    sockets[0]!.drop(); // never opened
    expect(client.connection().attempt).toBe(1);
    vi.advanceTimersByTime(1000);
    expect(sockets).toHaveLength(2);
    sockets[1]!.drop();
    expect(client.connection().attempt).toBe(2);
    client.reconnectNow();
    expect(sockets).toHaveLength(3);
  });
});
