/**
 * The shell the commands on screen are quoted for: the one of the machine that runs them, which is
 * the core's (`app.info`'s platform) — also when this UI is a browser on another machine.
 */
import { commandShellFor, type CommandShell } from '../../../shared/shellQuote';
import { useAppStore } from '../stores/appStore';

/** cmd.exe when the core runs on Windows, else POSIX sh (also until `app.info` has answered). */
export function useCommandShell(): CommandShell {
  return commandShellFor(useAppStore((s) => s.appInfo?.platform ?? ''));
}
