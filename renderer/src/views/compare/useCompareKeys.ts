import { useEffect, useRef } from 'react';
import { isTextField } from '../../hooks/useGlobalShortcuts';
import { compareKeyFor, type CompareKeyAction, type CompareMode } from './compareModel';

/**
 * Installs the Compare view's keys (see {@link compareKeyFor}) on the window while mounted; they
 * pause while a dialog is open or a text field has focus. `onAction` may change every render.
 */
export function useCompareKeys(
  mode: CompareMode,
  onAction: (action: CompareKeyAction) => void,
): void {
  const latest = useRef({ mode, onAction });
  useEffect(() => {
    latest.current = { mode, onAction };
  });
  useEffect(() => {
    const onKeyDown = (e: KeyboardEvent): void => {
      if (e.defaultPrevented) return;
      if (document.querySelector('dialog[open]')) return;
      const action = compareKeyFor(
        {
          key: e.key,
          altKey: e.altKey,
          ctrlKey: e.ctrlKey,
          metaKey: e.metaKey,
          shiftKey: e.shiftKey,
          inTextField: isTextField(e.target),
        },
        latest.current.mode,
      );
      if (!action) return;
      if (action.kind === 'playPause' && e.repeat) return;
      e.preventDefault();
      // Space would also press the focused button or checkbox on key-up: move focus off it.
      if (
        action.kind === 'playPause' &&
        e.target instanceof HTMLElement &&
        e.target !== document.body
      ) {
        e.target.blur();
      }
      latest.current.onAction(action);
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);
}
