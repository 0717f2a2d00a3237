/**
 * The IPC binding: the invoke channel carries every API call to the core's dispatcher (the same one
 * the WebSocket uses), the drop channel imports files dropped on the window, and the event channel
 * pushes the core's event stream to each window. The channels and messages are those of
 * shared/wire/; every message is checked against its sender first (senderTrust.ts), then read with
 * the shared schemas (ipcAnswers.ts).
 */
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import type { Core } from '../core/core';
import { IPC_CHANNELS, type IpcChannel } from '../../shared/wire/ipc';
import { UNTRUSTED_SENDER, answerDrop, answerInvoke } from './ipcAnswers';
import { isTrustedUrl } from './origins';
import { RefusalLog } from './refusalLog';
import { senderRefusal, type SenderFacts } from './senderTrust';

/** A live IPC binding. */
export interface IpcBridge {
  /** Trusts a window we created and streams events to it until it is destroyed. */
  attachWindow(win: BrowserWindow): void;
  /** Removes the handlers (tests, quit). */
  dispose(): void;
}

function senderFacts(event: IpcMainInvokeEvent): SenderFacts {
  let frame: IpcMainInvokeEvent['senderFrame'] = null;
  try {
    frame = event.senderFrame;
  } catch {
    // Reading senderFrame throws once the frame is disposed; treat it as no frame.
  }
  return {
    hasFrame: frame !== null,
    isMainFrame: frame !== null && frame.parent === null,
    frameUrl: frame?.url ?? '',
    webContentsId: event.sender.id,
  };
}

/** Registers the IPC handlers over a core; `origins` are the renderer origins to trust. */
export function bindIpc(
  core: Pick<Core, 'dispatch' | 'events'>,
  origins: readonly string[],
  refusals: RefusalLog = new RefusalLog(),
): IpcBridge {
  const windowIds = new Set<number>();
  // A refused sender leaves a line in the log with the reason (rate-limited, see refusalLog.ts).
  const trusted = (channel: IpcChannel, event: IpcMainInvokeEvent): boolean => {
    const reason = senderRefusal(senderFacts(event), { origins, windowIds });
    if (reason === null) return true;
    refusals.refused(channel, reason);
    return false;
  };

  ipcMain.handle(IPC_CHANNELS.invoke, (event, message: unknown) =>
    trusted(IPC_CHANNELS.invoke, event) ? answerInvoke(core.dispatch, message) : UNTRUSTED_SENDER,
  );
  ipcMain.handle(IPC_CHANNELS.drop, (event, paths: unknown) =>
    trusted(IPC_CHANNELS.drop, event) ? answerDrop(core.dispatch, paths) : UNTRUSTED_SENDER,
  );

  return {
    attachWindow(win) {
      const contents = win.webContents;
      const id = contents.id;
      windowIds.add(id);
      const unsubscribe = core.events.subscribe((event) => {
        if (contents.isDestroyed()) return;
        // Events go only to our own page, never to whatever a window might show instead.
        const url = contents.getURL();
        if (url && !isTrustedUrl(url, origins)) return;
        contents.send(IPC_CHANNELS.event, event);
      });
      contents.once('destroyed', () => {
        windowIds.delete(id);
        unsubscribe();
      });
    },
    dispose() {
      ipcMain.removeHandler(IPC_CHANNELS.invoke);
      ipcMain.removeHandler(IPC_CHANNELS.drop);
      windowIds.clear();
    },
  };
}
