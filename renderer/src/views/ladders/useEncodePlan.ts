import { useEffect, useState } from 'react';
import type { VqArgs } from '../../../../shared/api';
import type { EncodePlan } from '../../../../shared/queue';
import { useClient } from '../../hooks/useClient';
import { failureOf, type Failure } from '../../stores/failureOf';

/** What {@link useEncodePlan} reports. */
export interface PlanState {
  /** The latest plan; kept while a newer one is fetched so the commands do not flicker. */
  plan: EncodePlan | null;
  failure: Failure | null;
  /** True while the shown plan or failure is for an older request. */
  stale: boolean;
}

interface Result {
  key: string;
  plan: EncodePlan | null;
  failure: Failure | null;
}

/**
 * `encode.plan` for a request, fetched a moment after the last change (typing in the editor
 * re-plans once, not per key press). null asks for nothing.
 */
export function useEncodePlan(request: VqArgs<'encode.plan'> | null, delayMs = 250): PlanState {
  const client = useClient();
  const key = request ? JSON.stringify(request) : null;
  const [result, setResult] = useState<Result | null>(null);

  useEffect(() => {
    if (key === null) return;
    let live = true;
    const timer = setTimeout(() => {
      const args = JSON.parse(key) as VqArgs<'encode.plan'>;
      client.call('encode.plan', args).then(
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
