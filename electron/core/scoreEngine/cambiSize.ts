/**
 * The picture sizes libvmaf 3.2's CAMBI runs on, alone (`feature=name=cambi`) or inside every VMAF
 * v1 model. Pure, so a size libvmaf would refuse, crash on or read outside of is refused before
 * ffmpeg runs. From Netflix/vmaf v3.2.0 libvmaf/src/feature/cambi.c, checked by real runs
 * (score.v1.test.ts and the CAMBI tests).
 */

/** CAMBI needs one side at least this long (cambi.c `CAMBI_MIN_WIDTH_HEIGHT`). */
export const CAMBI_MIN_SIZE = 216;

/** cambi.c `DEFAULT_CAMBI_WINDOW_SIZE` (about 1 degree at 4K) and its five scales. */
const WINDOW = 65;
const SCALES = 5;

/** The pixel counts from which `cambi_high_res_speedup` = 1080/1440/2160 is on (cambi.c). */
const SPEEDUP_FROM: Readonly<Record<1080 | 1440 | 2160, number>> = {
  1080: 1920 * 1080,
  1440: 2560 * 1440,
  2160: 3840 * 2160,
};

/**
 * Why CAMBI cannot score frames of this size, or null when it can. Besides {@link CAMBI_MIN_SIZE},
 * CAMBI slides a window over five scales, each half the previous one (cambi.c
 * `adjust_window_size`: window = ((65·(w+h))/375 >> 4) | 1; scales halved with (x+1) >> 1). When
 * half the window is larger than the smallest scale in either direction it reads and writes
 * outside the picture: libvmaf 3.2 crashes (SIGSEGV/SIGABRT at 1920x160, 5120x408) or, for tall
 * pictures, runs on memory outside the picture. `highResSpeedup` is CAMBI's
 * `cambi_high_res_speedup` (the VMAF v1 models set 1080): from that many pixels on, CAMBI halves
 * the window and works on a picture halved once more (measured edges with the v1 models:
 * 5120x448 fails, 5120x450 works; 4800x430 fails, 4800x432 works).
 */
export function cambiSizeProblem(
  width: number,
  height: number,
  highResSpeedup: 0 | 1080 | 1440 | 2160 = 0,
): string | null {
  if (Math.max(width, height) < CAMBI_MIN_SIZE) {
    return `CAMBI needs at least ${CAMBI_MIN_SIZE} pixels in one direction`;
  }
  const speedup = highResSpeedup !== 0 && width * height >= SPEEDUP_FROM[highResSpeedup];
  let window = Math.floor((WINDOW * (width + height)) / 375) >> 4;
  if (speedup) window = (window + 1) >> 1;
  window |= 1;
  let w = width;
  let h = height;
  for (let halvings = speedup ? SCALES : SCALES - 1; halvings > 0; halvings--) {
    w = (w + 1) >> 1;
    h = (h + 1) >> 1;
  }
  if (window >> 1 > Math.min(w, h)) {
    return (
      `CAMBI's ${window}-pixel window does not fit the ${w}x${h} smallest of its five scales ` +
      '(libvmaf would crash or read outside the picture)'
    );
  }
  return null;
}
