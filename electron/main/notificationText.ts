/** Text of the desktop notification for a finished batch (pure, so it is tested without Electron). */

/** The notification text for a finished batch. */
export function batchFinishedText(fileName: string | null, tally: { done: number; failed: number; canceled: number }): { title: string; body: string } {
  const parts = [`${tally.done} encoded`];
  if (tally.failed) parts.push(`${tally.failed} failed`);
  if (tally.canceled) parts.push(`${tally.canceled} canceled`);
  return {
    title: tally.failed ? 'Encode finished with failures' : 'Encode finished',
    body: `${fileName ?? 'Source'}: ${parts.join(', ')}`,
  };
}
