/**
 * The application menu: the platform's usual roles plus File → Import… (CmdOrCtrl+O), which shows
 * the native open dialog through the API (`library.importWithDialog`), exactly like the renderer's
 * Import button, so results reach the UI through the normal library events. The template itself is
 * menuTemplate.ts (no Developer Tools in a packaged build).
 */
import { Menu } from 'electron';
import { appMenuTemplate, type MenuActions } from './menuTemplate';

export type { MenuActions };

/** Builds the menu for this platform and build. */
export function buildAppMenu(
  actions: MenuActions,
  platform: NodeJS.Platform = process.platform,
): Menu {
  return Menu.buildFromTemplate(appMenuTemplate(actions, platform));
}
