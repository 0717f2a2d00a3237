import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { appMenuTemplate } from './menuTemplate';

/** Every role and label anywhere in the template. */
function entries(items: MenuItemConstructorOptions[]): string[] {
  return items.flatMap((i) => [
    ...(i.role ? [i.role] : []),
    ...(i.label ? [i.label] : []),
    ...(Array.isArray(i.submenu) ? entries(i.submenu) : []),
  ]);
}

const DEV_ROLES = ['toggleDevTools', 'reload', 'forceReload', 'viewMenu'];

describe('appMenuTemplate', () => {
  for (const platform of ['darwin', 'win32', 'linux'] as const) {
    it(`offers no Developer Tools and no Reload in a packaged build (${platform})`, () => {
      const all = entries(appMenuTemplate({ isPackaged: true, importFiles: () => undefined }, platform));
      for (const role of DEV_ROLES) expect(all).not.toContain(role);
      expect(all).toContain('Import…');
      expect(all).toContain('togglefullscreen');
    });

    it(`offers Developer Tools and Reload in development (${platform})`, () => {
      const all = entries(appMenuTemplate({ isPackaged: false, importFiles: () => undefined }, platform));
      expect(all).toEqual(expect.arrayContaining(['toggleDevTools', 'reload', 'forceReload']));
    });
  }

  it('File → Import… runs the import action', () => {
    let imported = 0;
    const file = appMenuTemplate({ isPackaged: true, importFiles: () => imported++ }, 'linux')[0]!;
    const item = (file.submenu as MenuItemConstructorOptions[])[0]!;
    expect(item.accelerator).toBe('CmdOrCtrl+O');
    (item.click as () => void)();
    expect(imported).toBe(1);
  });
});
