/**
 * The IPC binding: one `vq:invoke` channel carries every API call to the core's dispatcher (the
 * same one the WebSocket uses), `vq:drop` imports files dropped on the window, and `vq:event`
 * pushes the core's event stream to each window. Every message is checked against its sender
 * first (senderTrust.ts); the dispatcher then validates method and arguments with zod.
 */
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { z } from 'zod';
import type { Core } from '../core/core';
import type { Envelope } from '../../shared/errors';
import { isTrustedUrl } from './origins';
import { RefusalLog } from './refusalLog';
import { senderRefusal, type SenderFacts } from './senderTrust';

/** Renderer → main: `(method, args)` → result envelope. */
export const INVOKE_CHANNEL = 'vq:invoke';

/** Renderer (preload drop handler) → main: file paths to import. */
export const DROP_CHANNEL = 'vq:drop';

/** Main → renderer: one `VqEvent` per message. */
export const EVENT_CHANNEL = 'vq:event';

/** The envelope an untrusted sender gets instead of an answer. */
export const UNTRUSTED_SENDER: Envelope<never> = {
  ok: false,
  error: { code: 'INVALID_ARGS', message: 'untrusted sender' },
};

/** Paths from a drop; each is then validated by `library.import`'s own schema. */
const DroppedPaths = z.array(z.string()).min(1).max(1000);

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
  const trusted = (channel: string, event: IpcMainInvokeEvent): boolean => {
    const reason = senderRefusal(senderFacts(event), { origins, windowIds });
    if (reason === null) return true;
    refusals.refused(channel, reason);
    return false;
  };

  ipcMain.handle(INVOKE_CHANNEL, async (event, method: unknown, args: unknown) => {
    if (!trusted(INVOKE_CHANNEL, event)) return UNTRUSTED_SENDER;
    return core.dispatch(method, args);
  });

  ipcMain.handle(DROP_CHANNEL, async (event, paths: unknown) => {
    if (!trusted(DROP_CHANNEL, event)) return UNTRUSTED_SENDER;
    const parsed = DroppedPaths.safeParse(paths);
    if (!parsed.success) {
      return {
        ok: false,
        error: {
          code: 'INVALID_ARGS',
          message: 'A drop must carry between 1 and 1000 file paths.',
        },
      } satisfies Envelope<never>;
    }
    return core.dispatch('library.import', { paths: parsed.data });
  });

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
        contents.send(EVENT_CHANNEL, event);
      });
      contents.once('destroyed', () => {
        windowIds.delete(id);
        unsubscribe();
      });
    },
    dispose() {
      ipcMain.removeHandler(INVOKE_CHANNEL);
      ipcMain.removeHandler(DROP_CHANNEL);
      windowIds.clear();
    },
  };
}
