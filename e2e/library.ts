/** Library steps the specs share: test media by path, and importing a clip through the UI. */
import { expect, type Page } from '@playwright/test';
import path from 'node:path';

/** Absolute path of a clip in ../shared/testmedia (used by path, never copied); absolute stays. */
export const media = (rel: string): string => path.resolve('../shared/testmedia', rel);

/**
 * Imports a clip (in the test media, or by absolute path) through the Library's path field unless
 * its row is already listed (specs share one server), then waits for the row. Rows are counted
 * only once the library has loaded.
 */
export async function importFile(page: Page, rel: string): Promise<void> {
  const row = page.getByTestId('library-row').filter({ hasText: path.basename(rel) });
  await expect(page.getByTestId('import-path')).toBeVisible();
  if ((await row.count()) === 0) {
    await page.getByTestId('import-path').fill(media(rel));
    await page.getByTestId('import-button').click();
  }
  await expect(row).toBeVisible();
}
