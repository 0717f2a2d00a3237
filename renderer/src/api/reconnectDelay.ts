/** How long to wait before the next reconnect attempt. */

const FIRST_DELAY_MS = 500;
const MAX_DELAY_MS = 10_000;

/**
 * Exponential backoff (0.5 s, 1 s, 2 s … capped at 10 s) with ±20 % jitter so that several tabs
 * do not hammer a restarting server in step. `attempt` counts from 0.
 */
export function reconnectDelayMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** Math.max(0, Math.min(attempt, 20)));
  const jitter = 0.8 + 0.4 * random();
  return Math.round(base * jitter);
}
