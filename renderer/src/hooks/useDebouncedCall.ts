import { useEffect, useState } from 'react';
import type { VqArgs, VqMethod, VqResults } from '../../../shared/api';
import { failureOf, type Failure } from '../stores/failureOf';
import { useClient } from './useClient';

/** What {@link useDebouncedCall} reports. */
export interface DebouncedCallState<T> {
  /** The latest value; kept while a newer one is fetched so what it shows does not flicker. */
  value: T | null;
  failure: Failure | null;
  /** True while the shown value or failure is for an older request. */
  stale: boolean;
}

interface Result<T> {
  key: string;
  value: T | null;
  failure: Failure | null;
}

/**
 * Calls an API method a moment after its arguments last changed (typing re-plans once, not per
 * key press); a reply to an older request never replaces a newer one. null asks for nothing.
 */
export function useDebouncedCall<M extends VqMethod>(
  method: M,
  args: VqArgs<M> | null,
  delayMs = 250,
): DebouncedCallState<VqResults[M]> {
  const client = useClient();
  const key = args ? JSON.stringify(args) : null;
  const [result, setResult] = useState<Result<VqResults[M]> | null>(null);

  useEffect(() => {
    if (key === null) return;
    let live = true;
    const timer = setTimeout(() => {
      client.call(method, JSON.parse(key) as VqArgs<M>).then(
        (value) => {
          if (live) setResult({ key, value, failure: null });
        },
        (err: unknown) => {
          if (live) setResult({ key, value: null, failure: failureOf(err) });
        },
      );
    }, delayMs);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [client, method, key, delayMs]);

  if (key === null) return { value: null, failure: null, stale: false };
  return {
    value: result?.value ?? null,
    failure: result?.failure ?? null,
    stale: result?.key !== key,
  };
}
