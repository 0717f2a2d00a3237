/**
 * Ctrl+C (and SIGTERM) for a command that stops its ffmpeg work through an AbortSignal: the first
 * says it is canceling and aborts; another waits for the same cleanup. `release` stops listening.
 */
export function abortOnCtrlC(): { signal: AbortSignal; release: () => void } {
  const abort = new AbortController();
  const onSignal = (): void => {
    if (abort.signal.aborted) return;
    console.error('\nvq: canceling — stopping ffmpeg…');
    abort.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: abort.signal,
    release: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
