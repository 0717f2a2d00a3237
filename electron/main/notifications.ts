/**
 * Desktop notifications when a batch finishes, so a long encode can run while the person does
 * something else. The browser build shows a toast instead (renderer).
 */
import { Notification } from 'electron';
import type { Core } from '../core/core';
import { batchFinishedText } from './notificationText';

/** Shows a notification for every `batch.finished` event; returns the unsubscribe function. */
export function notifyFinishedBatches(core: Core): () => void {
  return core.events.subscribe((event) => {
    if (event.type !== 'batch.finished' || !Notification.isSupported()) return;
    void core.api['queue.snapshot']({}).then((snap) => {
      const batch = snap.batches.find((b) => b.id === event.batchId);
      const source = batch ? core.library.get(batch.sourceId) : null;
      new Notification(batchFinishedText(source?.item.fileName ?? null, event)).show();
    });
  });
}
