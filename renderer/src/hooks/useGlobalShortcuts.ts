import { useEffect } from 'react';
import { focusImportPath, setShortcutsOpen, showView } from '../stores/appStore';
import { shortcutFor } from '../model/shortcutKeys';

/** True when keys typed at `target` belong to it (text fields, selects, editable content). */
export function isTextField(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement) {
    return !['button', 'checkbox', 'radio', 'submit', 'reset', 'range', 'color', 'file'].includes(
      target.type,
    );
  }
  return false;
}

/** Installs the window-level shortcuts (Alt+1…9, `/`, Ctrl+L, `?`); they pause while a dialog is open. */
export function useGlobalShortcuts(): void {
  useEffect(() => {
    const onKeyDown = (e: KeyboardEvent): void => {
      if (e.defaultPrevented || e.repeat) return;
      if (document.querySelector('dialog[open]')) return;
      const action = shortcutFor({
        key: e.key,
        code: e.code,
        altKey: e.altKey,
        ctrlKey: e.ctrlKey,
        metaKey: e.metaKey,
        shiftKey: e.shiftKey,
        inTextField: isTextField(e.target),
      });
      if (!action) return;
      e.preventDefault();
      if (action.kind === 'view') showView(action.view);
      else if (action.kind === 'focusImport') focusImportPath();
      else setShortcutsOpen(true);
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);
}
