/**
 * Which web permissions the renderer gets (security checklist item 5): none, except the two a video
 * workstation's own UI needs, and only for our own origin's main frame. A blanket deny would break
 * `navigator.clipboard.writeText` — the Copy button beside each ffmpeg command line — because
 * Chromium checks `clipboard-sanitized-write` before every write
 * (https://github.com/dicekeys/dicekeys-app-typescript/issues/135), and `<video>` fullscreen.
 */
import { isTrustedUrl } from './origins';

/** Permissions granted to our own page; everything else is denied for everyone. */
export const GRANTED_PERMISSIONS: readonly string[] = ['clipboard-sanitized-write', 'fullscreen'];

/** What a permission request or check says about its requester. */
export interface PermissionAsk {
  permission: string;
  /** URL of the document asking; may be missing for checks. */
  requestingUrl: string | undefined;
  isMainFrame: boolean;
}

/** True when the permission is granted to this requester. */
export function permissionAllowed(ask: PermissionAsk, origins: readonly string[]): boolean {
  return (
    GRANTED_PERMISSIONS.includes(ask.permission) &&
    ask.isMainFrame &&
    ask.requestingUrl !== undefined &&
    isTrustedUrl(ask.requestingUrl, origins)
  );
}
