/**
 * Which details the Scores panel fetches with libvmaf's features: only the focused result's (its
 * FeatureChart is the only reader), once, and again with them when a row loaded without them is
 * focused. A recording client stands in for the API: what is pinned is what the store asks.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { VqClient } from '../../../shared/api';
import type { ScoreResultDetail } from '../../../shared/scoreResults';
import { focusScore, loadScoreDetail, useScoresStore } from './scoresStore';

interface Call {
  resultId: string;
  features: boolean;
  resolve: () => void;
}

/** A client whose `scores.get` answers only when the test says so, recording what was asked. */
function recordingClient(): { client: VqClient; calls: Call[] } {
  const calls: Call[] = [];
  const client = {
    call: (method: string, args: { resultId: string; features?: boolean }) => {
      if (method !== 'scores.get') throw new Error(`unexpected ${method}`);
      const features = args.features === true;
      return new Promise<ScoreResultDetail>((resolve) => {
        calls.push({
          resultId: args.resultId,
          features,
          resolve: () =>
            resolve({
              id: args.resultId,
              features: features ? { integer_adm2: [0.9] } : {},
            } as unknown as ScoreResultDetail),
        });
      });
    },
  } as unknown as VqClient;
  return { client, calls };
}

/** Lets the store's awaits run. */
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

function entry(id: string) {
  return useScoresStore.getState().details[id];
}

beforeEach(() => {
  useScoresStore.setState({ details: {}, selection: { selected: ['a', 'b'], focused: 'a' } });
});

describe('loadScoreDetail', () => {
  it('asks for the features of the focused result only', async () => {
    const { client, calls } = recordingClient();
    const a = loadScoreDetail(client, 'a');
    const b = loadScoreDetail(client, 'b');
    expect(calls.map((c) => [c.resultId, c.features])).toEqual([
      ['a', true],
      ['b', false],
    ]);
    for (const c of calls) c.resolve();
    await Promise.all([a, b]);
    expect(entry('a')).toMatchObject({ status: 'ready', features: 'with' });
    expect(entry('b')).toMatchObject({ status: 'ready', features: 'without' });
    // Here already: nothing is asked again.
    await loadScoreDetail(client, 'a');
    await loadScoreDetail(client, 'b');
    expect(calls).toHaveLength(2);
  });

  it('fetches a checked row again with its features once it is focused, keeping it shown', async () => {
    const { client, calls } = recordingClient();
    const b = loadScoreDetail(client, 'b');
    calls[0]!.resolve();
    await b;
    focusScore('b');
    const again = loadScoreDetail(client, 'b');
    expect(calls[1]).toMatchObject({ resultId: 'b', features: true });
    // The details without features stay shown while the features come.
    expect(entry('b')).toMatchObject({ status: 'ready', features: 'loading' });
    await loadScoreDetail(client, 'b');
    expect(calls).toHaveLength(2);
    calls[1]!.resolve();
    await again;
    const e = entry('b');
    expect(e).toMatchObject({ status: 'ready', features: 'with' });
    expect(e?.status === 'ready' && e.detail.features).toEqual({ integer_adm2: [0.9] });
  });

  it('fetches the features when the row is focused while its details are on their way', async () => {
    const { client, calls } = recordingClient();
    const b = loadScoreDetail(client, 'b');
    focusScore('b');
    // Already on its way: the panel's call for the focused row asks nothing more yet.
    await loadScoreDetail(client, 'b');
    expect(calls).toHaveLength(1);
    calls[0]!.resolve();
    await settle();
    expect(calls[1]).toMatchObject({ resultId: 'b', features: true });
    calls[1]!.resolve();
    await b;
    expect(entry('b')).toMatchObject({ status: 'ready', features: 'with' });
  });
});
