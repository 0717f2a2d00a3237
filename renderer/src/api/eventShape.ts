/** Recognises VqEvents arriving from outside the renderer; anything else is dropped. */
import type { VqEvent } from '../../../shared/api';
import { EventSchema } from '../../../shared/wire';

/** True when `v` has an integer `seq` and an event type of the contract (shared/wire.ts). */
export function isVqEvent(v: unknown): v is VqEvent {
  return EventSchema.safeParse(v).success;
}
