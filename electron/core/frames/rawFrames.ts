/**
 * Cuts a decoder's raw stdout into whole pictures of a fixed size, as the chunks arrive (a pipe
 * splits them anywhere).
 */
export class RawFrameCutter {
  private partial: Buffer | null = null;
  private fill = 0;

  constructor(private readonly frameBytes: number) {}

  /** Takes a chunk of stdout; returns the pictures it completed, in order. */
  push(chunk: Buffer): Buffer[] {
    const done: Buffer[] = [];
    let off = 0;
    while (off < chunk.length) {
      if (!this.partial) {
        this.partial = Buffer.allocUnsafe(this.frameBytes);
        this.fill = 0;
      }
      const n = Math.min(this.frameBytes - this.fill, chunk.length - off);
      chunk.copy(this.partial, this.fill, off, off + n);
      this.fill += n;
      off += n;
      if (this.fill === this.frameBytes) {
        done.push(this.partial);
        this.partial = null;
      }
    }
    return done;
  }
}
