/**
 * Decides whether an IPC message comes from our own renderer (security checklist item 17,
 * https://www.electronjs.org/docs/latest/tutorial/security). Pure, so every rule has a unit
 * test; ipc.ts feeds it the facts of `event.senderFrame`.
 */
import { isTrustedUrl } from './origins';

/** What main knows about the sender of one IPC message. */
export interface SenderFacts {
  /** `event.senderFrame` existed (it is null once the frame navigated away or was destroyed). */
  hasFrame: boolean;
  /** `senderFrame.parent === null`: the top-level document, not an iframe. */
  isMainFrame: boolean;
  /** `senderFrame.url`; may be empty. */
  frameUrl: string;
  /** `event.sender.id`. */
  webContentsId: number;
}

/** The trusted origins and the webContents ids of the windows this app created. */
export interface TrustPolicy {
  origins: readonly string[];
  windowIds: ReadonlySet<number>;
}

/**
 * True only for the main frame of one of our windows showing one of our origins. An empty frame URL
 * is accepted on the window id alone: under Playwright `senderFrame.url` can be empty
 * (https://github.com/microsoft/vscode/issues/147301).
 */
export function isTrustedSender(facts: SenderFacts, policy: TrustPolicy): boolean {
  return senderRefusal(facts, policy) === null;
}

/**
 * Why a sender is refused, in words for the log; null when it is trusted ({@link isTrustedSender}).
 * The frame URL is cut to its origin and path: a query may carry anything.
 */
export function senderRefusal(facts: SenderFacts, policy: TrustPolicy): string | null {
  if (!facts.hasFrame) return `no sender frame (webContents ${facts.webContentsId}; it navigated away or was destroyed)`;
  if (!facts.isMainFrame) return `a subframe (${shortUrl(facts.frameUrl)}) in webContents ${facts.webContentsId}`;
  if (!policy.windowIds.has(facts.webContentsId)) return `webContents ${facts.webContentsId} is not a window of this app (${shortUrl(facts.frameUrl)})`;
  if (facts.frameUrl === '' || isTrustedUrl(facts.frameUrl, policy.origins)) return null;
  return `untrusted origin ${shortUrl(facts.frameUrl)} in webContents ${facts.webContentsId}`;
}

function shortUrl(url: string): string {
  if (url === '') return 'no URL';
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`.slice(0, 200);
  } catch {
    return JSON.stringify(url.slice(0, 200));
  }
}
