/** The workers store's polling: every interval after each answer, failures kept apart, stop drops late answers. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { VqError } from '../../../shared/errors';
import type { WorkersStatus } from '../../../shared/workers';
import { initialWorkersState, pollWorkers, useWorkersStore } from './workersStore';

/** A client whose `workers.list` answers are settled by the test, one call at a time. */
function scriptedClient() {
  const calls: { resolve: (s: WorkersStatus) => void; reject: (e: unknown) => void }[] = [];
  const client = {
    call: vi.fn(
      (method: string) =>
        new Promise<WorkersStatus>((resolve, reject) => {
          expect(method).toBe('workers.list');
          calls.push({ resolve, reject });
        }),
    ),
  };
  return {
    client: client as unknown as Parameters<typeof pollWorkers>[0],
    calls,
    spy: client.call,
  };
}

const listing = (names: string[]): WorkersStatus => ({
  configured: true,
  redis: 'redis://127.0.0.1:6379',
  listing: {
    workers: names.map((name) => ({
      id: '0'.repeat(32),
      name,
      host: 'h',
      pid: 1,
      startedAt: 0,
      lastHeartbeat: 0,
      concurrency: 1,
      threads: null,
      cores: 4,
      builds: [],
      currentJob: null,
      jobsDone: 0,
      silentMs: 0,
    })),
    invalid: 0,
  },
  error: null,
});
const names = (): string[] => {
  const s = useWorkersStore.getState().status;
  return s?.configured && s.listing ? s.listing.workers.map((w) => w.name) : [];
};

beforeEach(() => {
  vi.useFakeTimers();
  useWorkersStore.setState(initialWorkersState);
});
afterEach(() => vi.useRealTimers());

describe('pollWorkers', () => {
  it('reads at once, then again one interval after each answer, never two calls at a time', async () => {
    const { client, calls, spy } = scriptedClient();
    const stop = pollWorkers(client, 2000);
    expect(spy).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(5000); // the first answer is slow: no second call meanwhile
    expect(spy).toHaveBeenCalledTimes(1);
    calls[0]!.resolve(listing(['a']));
    await vi.advanceTimersByTimeAsync(0);
    expect(names()).toEqual(['a']);
    expect(useWorkersStore.getState().readAt).not.toBeNull();
    await vi.advanceTimersByTimeAsync(1999);
    expect(spy).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(spy).toHaveBeenCalledTimes(2);
    calls[1]!.resolve(listing(['a', 'b']));
    await vi.advanceTimersByTimeAsync(0);
    expect(names()).toEqual(['a', 'b']);
    stop();
  });

  it('keeps the last listing when a call fails, says why, and clears that on the next answer', async () => {
    const { client, calls } = scriptedClient();
    const stop = pollWorkers(client, 2000);
    calls[0]!.resolve(listing(['a']));
    await vi.advanceTimersByTimeAsync(2000);
    calls[1]!.reject(new VqError('INTERNAL', 'The app is not reachable.', 'Start it again.'));
    await vi.advanceTimersByTimeAsync(0);
    expect(useWorkersStore.getState().error).toBe('The app is not reachable. — Start it again.');
    expect(names()).toEqual(['a']);
    await vi.advanceTimersByTimeAsync(2000);
    calls[2]!.resolve({ configured: false });
    await vi.advanceTimersByTimeAsync(0);
    expect(useWorkersStore.getState()).toMatchObject({
      status: { configured: false },
      error: null,
    });
    stop();
  });

  it('stops calling once stopped, and drops an answer that lands afterwards', async () => {
    const { client, calls, spy } = scriptedClient();
    const stop = pollWorkers(client, 2000);
    stop();
    calls[0]!.resolve(listing(['late']));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(useWorkersStore.getState().status).toBeNull();
    expect(spy).toHaveBeenCalledTimes(1);
  });
});
