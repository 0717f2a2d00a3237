/**
 * The application menu: the platform's usual roles plus File → Import… (CmdOrCtrl+O), which shows
 * the native open dialog through the API (`library.importWithDialog`), exactly like the renderer's
 * Import button, so results reach the UI through the normal library events.
 */
import { Menu, type MenuItemConstructorOptions } from 'electron';

/** What the menu's own items do. */
export interface MenuActions {
  /** Shows the open dialog and imports what the person picks. */
  importFiles(): void;
  /** Development build: offer Reload / Force Reload. */
  isDev: boolean;
}

/** Builds the menu for this platform. */
export function buildAppMenu(
  actions: MenuActions,
  platform: NodeJS.Platform = process.platform,
): Menu {
  const isMac = platform === 'darwin';
  const helpMenu: MenuItemConstructorOptions = { role: 'help', submenu: [{ role: 'about' }] };
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' } as const] : []),
    {
      label: 'File',
      submenu: [
        { label: 'Import…', accelerator: 'CmdOrCtrl+O', click: () => actions.importFiles() },
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        // Reloading loses nothing (main owns all state) but is a developer's tool.
        ...(actions.isDev ? [{ role: 'reload' } as const, { role: 'forceReload' } as const] : []),
        { role: 'toggleDevTools' },
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
    // On macOS "About" already sits in the app menu.
    ...(isMac ? [] : [helpMenu]),
  ];
  return Menu.buildFromTemplate(template);
}
