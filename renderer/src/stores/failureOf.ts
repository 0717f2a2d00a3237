/** A caught error as the parts an ErrorPanel shows. */
import { VqError } from '../../../shared/errors';

/** What went wrong, in the API's terms. */
export interface Failure {
  code: string;
  message: string;
  hint?: string;
}

/** The code, message and hint of a VqError; any other error becomes INTERNAL with its message. */
export function failureOf(err: unknown): Failure {
  if (err instanceof VqError) return { code: err.code, message: err.message, hint: err.hint };
  return { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) };
}
