import type { ReactNode } from 'react';
import { AdviceList } from './AdviceList';

/** The prominent box shown when no ffmpeg build has libvmaf. */
export function NoVmafNotice({ advice }: { advice: readonly string[] }): ReactNode {
  const relevant = advice.filter((a) => /vmaf/i.test(a));
  return (
    <section
      className="notice notice-warning"
      aria-labelledby="no-vmaf-title"
      data-testid="no-vmaf-notice"
    >
      <h2 id="no-vmaf-title">VMAF is not available</h2>
      <p>
        None of the ffmpeg builds found has the <code>libvmaf</code> filter, so VMAF scores cannot
        be measured. PSNR and SSIM still work. To get VMAF:
      </p>
      <AdviceList advice={relevant.length ? relevant : advice} />
      <p className="muted small">
        After installing, press Refresh (or set the ffmpeg path in Settings).
      </p>
    </section>
  );
}
