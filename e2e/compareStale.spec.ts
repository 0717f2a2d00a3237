import fs from 'node:fs';
import path from 'node:path';
import { makeCompareClips, type CompareClips } from './compareClips';
import { callApi } from './pageApi';
import { expect, test } from './fixture';

// Issue 11: a score whose file changed after it was measured is marked stale in Compare too — in
// the pane's label and in the chart's legend, with the reason. Real clips, a real score, and a
// real change to the scored file (bytes appended: another size).
interface Row {
  stale: { reason: string } | null;
}

let clips: CompareClips;
test.beforeAll(() => {
  clips = makeCompareClips(1);
});
test.afterAll(() => {
  clips?.remove();
});

test('a score whose file changed is marked stale in the pane label and the legend', async ({
  page,
}) => {
  const [scored] = clips.renditions;
  const { imported } = await callApi<{ imported: { id: string }[] }>(page, 'library.import', {
    paths: [clips.source, scored!],
  });
  expect(imported).toHaveLength(2);
  const [source, rendition] = imported.map((i) => i.id);
  await callApi(page, 'score.start', {
    referenceId: source,
    distorted: [{ kind: 'source', id: rendition }],
  });
  const rows = async (): Promise<Row[]> =>
    (await callApi<{ results: Row[] }>(page, 'scores.list', { sourceId: source })).results;
  await expect.poll(async () => (await rows()).length, { timeout: 60_000 }).toBe(1);
  expect((await rows())[0]!.stale, 'fresh right after scoring').toBeNull();

  // An empty MP4 'free' box at the end: the file still plays, but it is not the bytes scored.
  fs.appendFileSync(scored!, Buffer.from([0, 0, 0, 8, 0x66, 0x72, 0x65, 0x65]));

  await page.keyboard.press('Alt+4');
  await page.getByTestId('compare-source').selectOption({ label: path.basename(clips.source) });
  await page.getByTestId('compare-rendition').check();
  const pane = page.getByTestId('compare-pane').nth(1);
  const reason = 'the scored file changed after this score (its size is different)';
  const pill = pane.getByTestId('score-stale');
  await expect(pill).toHaveText(`stale: ${reason}`);
  await expect(pill).toBeVisible();
  expect(await pill.getAttribute('title')).toContain(`Stale score: ${reason}.`);
  await expect(pane.getByTestId('pane-scores')).toHaveClass(/is-stale/);
  const legend = page.locator(`[data-testid="chart-legend"][data-pane="${rendition}"]`);
  await expect(legend.getByTestId('score-stale')).toHaveText(`stale: ${reason}`);
  // The source pane has no score, so nothing to mark.
  await expect(page.getByTestId('compare-pane').nth(0).getByTestId('score-stale')).toHaveCount(0);
});
