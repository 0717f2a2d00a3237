import { useEffect } from 'react';
import { windowTitle, type ViewId } from '../model/viewList';

/** Keeps document.title at "VQ Studio — <view>" (the Electron window title follows it). */
export function useDocumentTitle(view: ViewId): void {
  useEffect(() => {
    document.title = windowTitle(view);
  }, [view]);
}
