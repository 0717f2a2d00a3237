import type { VqArgs } from '../../../../../shared/api';
import type { ScorePlanView } from '../../../../../shared/scoreResults';
import { useDebouncedCall } from '../../../hooks/useDebouncedCall';
import type { Failure } from '../../../stores/failureOf';

/** What {@link useScorePlan} reports. */
export interface ScorePlanState {
  /** The latest plan; kept while a newer one is fetched so the pre-flight does not flicker. */
  plan: ScorePlanView | null;
  failure: Failure | null;
  /** True while the shown plan or failure is for an older request. */
  stale: boolean;
}

/**
 * `score.plan` for a request (probes both files and runs the pre-flight check), fetched a moment
 * after the last change, so typing a frame count plans once. null asks for nothing.
 */
export function useScorePlan(request: VqArgs<'score.plan'> | null, delayMs = 250): ScorePlanState {
  const { value, failure, stale } = useDebouncedCall('score.plan', request, delayMs);
  return { plan: value, failure, stale };
}
