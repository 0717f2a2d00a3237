import { useEffect, useState } from 'react';
import type { VqArgs } from '../../../../shared/api';
import type { ScorePlanView } from '../../../../shared/scoreResults';
import { useClient } from '../../hooks/useClient';
import { failureOf, type Failure } from '../../stores/failureOf';

/** What {@link useScorePlan} reports. */
export interface ScorePlanState {
  /** The latest plan; kept while a newer one is fetched so the pre-flight does not flicker. */
  plan: ScorePlanView | null;
  failure: Failure | null;
  /** True while the shown plan or failure is for an older request. */
  stale: boolean;
}

interface Result {
  key: string;
  plan: ScorePlanView | null;
  failure: Failure | null;
}

/**
 * `score.plan` for a request (probes both files and runs the pre-flight check), fetched a moment
 * after the last change, so typing a frame count plans once. null asks for nothing.
 */
export function useScorePlan(request: VqArgs<'score.plan'> | null, delayMs = 250): ScorePlanState {
  const client = useClient();
  const key = request ? JSON.stringify(request) : null;
  const [result, setResult] = useState<Result | null>(null);

  useEffect(() => {
    if (key === null) return;
    let live = true;
    const timer = setTimeout(() => {
      const args = JSON.parse(key) as VqArgs<'score.plan'>;
      client.call('score.plan', args).then(
        (plan) => {
          if (live) setResult({ key, plan, failure: null });
        },
        (err: unknown) => {
          if (live) setResult({ key, plan: null, failure: failureOf(err) });
        },
      );
    }, delayMs);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [client, key, delayMs]);

  if (key === null) return { plan: null, failure: null, stale: false };
  return {
    plan: result?.plan ?? null,
    failure: result?.failure ?? null,
    stale: result?.key !== key,
  };
}
