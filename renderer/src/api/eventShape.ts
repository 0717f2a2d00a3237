/** Recognises VqEvents arriving from outside the renderer; anything else is dropped. */
import type { VqEvent } from '../../../shared/api';

// A record over the union, so a new event type in the contract is a compile error until listed.
const KNOWN: Record<VqEvent['type'], true> = {
  'library.added': true,
  'library.removed': true,
  'library.importFailed': true,
  'toolchain.changed': true,
  'settings.changed': true,
  'ladders.changed': true,
  'batch.added': true,
  'job.updated': true,
  'job.progress': true,
  'rendition.added': true,
  'rendition.removed': true,
  'score.added': true,
  'score.removed': true,
  'pertitle.updated': true,
  'batch.finished': true,
};
const EVENT_TYPES: ReadonlySet<string> = new Set(Object.keys(KNOWN));

/** True when `v` has an integer `seq` and an event type this renderer knows. */
export function isVqEvent(v: unknown): v is VqEvent {
  if (typeof v !== 'object' || v === null) return false;
  const e = v as { seq?: unknown; type?: unknown };
  return Number.isInteger(e.seq) && typeof e.type === 'string' && EVENT_TYPES.has(e.type);
}
