/**
 * The last few pictures a playing `<video>` presented, by frame number. Playback draws a frame
 * only once every pane has presented it (see `commonFrame`), so each pane keeps its recent
 * pictures until the slowest catches up; the one on screen is pinned so it is never overwritten.
 */

/** Memory the pictures of one pane may take. */
const RING_BYTES = 64 * 1024 * 1024;
/** Fewest pictures kept: the one shown, the newest, and one between. */
const RING_MIN = 3;
/** Most pictures kept (a pane more than this many frames behind is seeked, not waited for). */
const RING_MAX = 8;

interface Slot {
  frame: number;
  canvas: HTMLCanvasElement;
}

/** Pictures of one pane at the viewer's frame size. */
export class FrameRing {
  private readonly slots: Slot[] = [];
  private readonly capacity: number;
  private pinned: number | null = null;

  constructor(
    private readonly width: number,
    private readonly height: number,
  ) {
    const fit = Math.floor(RING_BYTES / Math.max(1, width * height * 4));
    this.capacity = Math.min(RING_MAX, Math.max(RING_MIN, fit));
  }

  /** Keeps `picture` (what a video presents now) as frame `frame`. */
  capture(picture: CanvasImageSource, frame: number): void {
    let slot = this.slots.find((s) => s.frame === frame);
    if (!slot) {
      if (this.slots.length < this.capacity) {
        const canvas = document.createElement('canvas');
        canvas.width = this.width;
        canvas.height = this.height;
        slot = { frame, canvas };
      } else {
        const oldest = this.slots.findIndex((s) => s.frame !== this.pinned);
        slot = this.slots.splice(oldest, 1)[0]!;
        slot.frame = frame;
      }
      this.slots.push(slot);
    }
    slot.canvas.getContext('2d')?.drawImage(picture, 0, 0, this.width, this.height);
  }

  /** Frame numbers held. */
  frames(): number[] {
    return this.slots.map((s) => s.frame);
  }

  /** Keeps frame `frame` until another is pinned: it is the one on screen. */
  pin(frame: number): void {
    this.pinned = frame;
  }

  /** The picture of `frame`, if held. */
  picture(frame: number): HTMLCanvasElement | null {
    return this.slots.find((s) => s.frame === frame)?.canvas ?? null;
  }
}
