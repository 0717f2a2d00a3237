/** Recognises VqEvents arriving from outside the renderer; anything else is dropped. */
import type { VqEvent } from '../../../shared/api';

const EVENT_TYPES: ReadonlySet<string> = new Set<VqEvent['type']>([
  'library.added',
  'library.removed',
  'library.importFailed',
  'toolchain.changed',
  'settings.changed',
]);

/** True when `v` has an integer `seq` and an event type this renderer knows. */
export function isVqEvent(v: unknown): v is VqEvent {
  if (typeof v !== 'object' || v === null) return false;
  const e = v as { seq?: unknown; type?: unknown };
  return Number.isInteger(e.seq) && typeof e.type === 'string' && EVENT_TYPES.has(e.type);
}
