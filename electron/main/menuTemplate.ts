/**
 * The application menu as a template, a pure function of the build (packaged or not) and the
 * platform, so a unit test pins what a packaged build offers. menu.ts turns it into a Menu.
 */
import type { MenuItemConstructorOptions } from 'electron';

/** What the menu's own items do, and which build this is. */
export interface MenuActions {
  /** Shows the open dialog and imports what the person picks. */
  importFiles(): void;
  /**
   * `app.isPackaged`. A packaged build has no Reload and no Toggle Developer Tools: DevTools would
   * give anyone at the keyboard a console inside the renderer's origin.
   */
  isPackaged: boolean;
}

/** The menu template for this platform and build. */
export function appMenuTemplate(
  actions: MenuActions,
  platform: NodeJS.Platform = process.platform,
): MenuItemConstructorOptions[] {
  const isMac = platform === 'darwin';
  const dev = !actions.isPackaged;
  const helpMenu: MenuItemConstructorOptions = { role: 'help', submenu: [{ role: 'about' }] };
  const devItems: MenuItemConstructorOptions[] = dev
    ? [
        // Reloading loses nothing (main owns all state) but is a developer's tool.
        { role: 'reload' },
        { role: 'forceReload' },
        { role: 'toggleDevTools' },
        { type: 'separator' },
      ]
    : [];
  return [
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
        ...devItems,
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    // Electron's windowMenu role adds no developer items.
    { role: 'windowMenu' },
    // On macOS "About" already sits in the app menu.
    ...(isMac ? [] : [helpMenu]),
  ];
}
