import type { VqArgs } from '../../../../shared/api';
import type { EncodePlan } from '../../../../shared/queue';
import { useDebouncedCall } from '../../hooks/useDebouncedCall';
import type { Failure } from '../../stores/failureOf';

/** What {@link useEncodePlan} reports. */
export interface PlanState {
  /** The latest plan; kept while a newer one is fetched so the commands do not flicker. */
  plan: EncodePlan | null;
  failure: Failure | null;
  /** True while the shown plan or failure is for an older request. */
  stale: boolean;
}

/** `encode.plan` for a request, fetched a moment after the last edit. null asks for nothing. */
export function useEncodePlan(request: VqArgs<'encode.plan'> | null, delayMs = 250): PlanState {
  const { value, failure, stale } = useDebouncedCall('encode.plan', request, delayMs);
  return { plan: value, failure, stale };
}
