/**
 * The event stream every client subscribes to. Each event gets the next `seq`, so a client that
 * fetched a snapshot at seq N applies only events with seq > N.
 */
import type { VqEvent, VqEventInput } from '../../shared/api';

/** Fan-out of typed events with an increasing sequence number. */
export class EventHub {
  private seqValue = 0;
  private readonly listeners = new Set<(event: VqEvent) => void>();
  /** Events emitted by a listener while another event was being delivered, in seq order. */
  private readonly pending: VqEvent[] = [];
  private delivering = false;

  /** The seq of the last event emitted (0 before any). */
  get seq(): number {
    return this.seqValue;
  }

  /**
   * Stamps the next seq on an event and delivers it to every listener. An event emitted by a
   * listener during delivery waits until the current event has reached every listener, so each
   * listener sees events in seq order (a client drops an event older than one it has seen).
   */
  emit(input: VqEventInput): VqEvent {
    const event = { ...input, seq: ++this.seqValue } as VqEvent;
    this.pending.push(event);
    if (this.delivering) return event;
    this.delivering = true;
    try {
      for (let next = this.pending.shift(); next; next = this.pending.shift()) {
        for (const listener of [...this.listeners]) {
          try {
            listener(next);
          } catch (err) {
            // One broken subscriber (a closed socket) must not stop the others.
            console.error('event listener failed:', err);
          }
        }
      }
    } finally {
      this.delivering = false;
    }
    return event;
  }

  /** Subscribes; returns the unsubscribe function. */
  subscribe(listener: (event: VqEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
