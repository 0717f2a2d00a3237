/**
 * The Toolchain panel with the FFmpeg 7.1 + libvmaf 3.2 build in reach through VQ_FFMPEG_DIRS
 * (issue 12): its libvmaf version and the features a one-frame run proved are shown, and it is
 * the build selected for scoring, with the reason.
 */
import { sharedVmaf3Build } from '../electron/testing/vmaf3Build';
import { goToView } from './pageApi';
import { expect, test, vmaf3BuildInReach } from './fixture';

test.use(vmaf3BuildInReach);

test('the libvmaf 3.2 build is listed with its version and features and selected for scoring', async ({
  page,
}) => {
  const { ffmpeg } = sharedVmaf3Build();
  await goToView(page, '6', 'Toolchain');
  const panel = page.getByTestId('toolchain-panel');
  // The card whose path is this ffmpeg (other cards' reasons may name it too).
  const card = panel
    .getByTestId('binary-card')
    .filter({ has: page.locator('.binary-path').getByText(ffmpeg, { exact: true }) });
  await expect(card).toHaveCount(1, { timeout: 60_000 });
  await expect(card.locator('.binary-head')).toContainText('VQ_FFMPEG_DIRS');
  await expect(card.getByTestId('libvmaf-version')).toContainText('libvmaf 3.2.0');
  const features = card.getByTestId('libvmaf-features');
  for (const f of ['adm', 'motion', 'vif', 'cambi', 'float_ms_ssim']) {
    await expect(features.getByText(f, { exact: true })).toBeVisible();
  }
  await expect(card).toContainText('vmaf_v0.6.1neg');
  await expect(card.getByTestId('binary-reasons')).toContainText(
    'selected for scoring: has libvmaf 3.2.0',
  );
  await expect(card.locator('.binary-tasks')).toContainText('Score');
  await page.screenshot({ path: 'test-results/screenshots/toolchain-vmaf3.png', fullPage: true });
});
