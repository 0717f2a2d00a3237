/** The text to show for a caught error. */
import { VqError } from '../../../shared/errors';

/** "message — hint" for a VqError, the message of any other Error, else its string form. */
export function messageOf(err: unknown): string {
  if (err instanceof VqError) return err.hint ? `${err.message} — ${err.hint}` : err.message;
  return err instanceof Error ? err.message : String(err);
}
