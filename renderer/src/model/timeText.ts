/** Timestamps in the Queue and the per-title runs: the clock time today, else date and time. */

/** "14:03:21" when `iso` is on the same day as `now`, else "26 Nov 2025, 14:03". */
export function timeText(iso: string | null, now: number, locale?: string): string {
  if (!iso) return '–';
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return '–';
  const today = new Date(now);
  const sameDay =
    t.getFullYear() === today.getFullYear() &&
    t.getMonth() === today.getMonth() &&
    t.getDate() === today.getDate();
  return sameDay
    ? t.toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit', second: '2-digit' })
    : t.toLocaleString(locale, {
        day: 'numeric',
        month: 'short',
        year: 'numeric',
        hour: '2-digit',
        minute: '2-digit',
      });
}
