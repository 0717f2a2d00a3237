/**
 * What a playback did, recorded from the player's events as they come (pure, no player here):
 * which variant was shown over which media time, the switches between them, stalls and the
 * buffer ahead of the playhead. Makes the report the app summarises (`playback.save`).
 */
import type { NetworkProfile, PlaybackReport } from '../../../../shared/playback';

export interface ShownRange {
  from: number;
  to: number;
  variant: number;
}

export interface SwitchEntry {
  atWall: number;
  atMedia: number;
  from: number | null;
  to: number;
  /** Buffer ahead when it happened (s). */
  buffer: number;
}

export class PlaybackLog {
  readonly shown: ShownRange[] = [];
  readonly switches: SwitchEntry[] = [];
  readonly stalls: { atWall: number; seconds: number }[] = [];
  readonly buffer: { atWall: number; atMedia: number; seconds: number }[] = [];
  startupSeconds: number | null = null;
  private current: { from: number; variant: number } | null = null;
  private resumeVariant: number | null = null;
  /** The last rung shown, across seeks (a switch is a change from it). */
  private lastVariant: number | null = null;
  private stallFrom: number | null = null;
  /** Between a seek and the next picture: waiting then is no stall. */
  private inSeek = false;
  private lastBuffer = 0;

  constructor(
    readonly packageId: string,
    readonly profile: NetworkProfile,
    readonly forcedVariant: number | null,
  ) {}

  /** The person seeks away from `from` (s): what lies between was not shown. */
  seeking(from: number): void {
    this.inSeek = true;
    this.stallFrom = null;
    if (this.current) {
      this.closeRange(from);
      this.resumeVariant = this.current.variant;
      this.current = null;
    }
  }

  /** The seek landed at `to`: the rung shown before goes on from there until a segment says. */
  seeked(to: number, _wall: number): void {
    if (this.resumeVariant !== null && !this.current)
      this.current = { from: to, variant: this.resumeVariant };
    this.resumeVariant = null;
  }

  /** The playhead entered a segment of `variant` starting at `mediaStart` (s). */
  segmentShown(variant: number, mediaStart: number, wall: number): void {
    if (this.current?.variant === variant) return;
    if (this.current) this.closeRange(Math.max(this.current.from, mediaStart));
    const from = this.current?.variant ?? this.resumeVariant ?? this.lastVariant;
    if (from !== variant) {
      this.switches.push({
        atWall: wall,
        atMedia: mediaStart,
        from,
        to: variant,
        buffer: this.lastBuffer,
      });
    }
    this.current = { from: mediaStart, variant };
    this.lastVariant = variant;
    this.resumeVariant = null;
  }

  /** Playback started or resumed at wall time `wall` (s since play was pressed). */
  playing(wall: number): void {
    this.startupSeconds ??= wall;
    this.inSeek = false;
    if (this.stallFrom !== null) {
      this.stalls.push({ atWall: this.stallFrom, seconds: Math.max(0, wall - this.stallFrom) });
      this.stallFrom = null;
    }
  }

  /** The player waits for data (after it had started: a stall). */
  waiting(wall: number): void {
    if (this.startupSeconds !== null && this.stallFrom === null && !this.inSeek)
      this.stallFrom = wall;
  }

  sampleBuffer(wall: number, media: number, seconds: number): void {
    this.lastBuffer = seconds;
    if (this.buffer.length < 100_000) this.buffer.push({ atWall: wall, atMedia: media, seconds });
  }

  /** The variant shown at media time `t`, from what was recorded so far. */
  variantAt(t: number): number | null {
    if (this.current && t >= this.current.from) return this.current.variant;
    const r = this.shown.find((s) => s.from <= t && t < s.to);
    return r ? r.variant : null;
  }

  /** Ranges shown so far, the open one up to `playhead`. */
  rangesUntil(playhead: number): ShownRange[] {
    return this.current && playhead > this.current.from
      ? [...this.shown, { from: this.current.from, to: playhead, variant: this.current.variant }]
      : [...this.shown];
  }

  /** The report at the end: the open range closes at `playhead`, an open stall at `wall`. */
  report(playhead: number, wall: number): PlaybackReport {
    if (this.current) {
      this.closeRange(playhead);
      this.current = null;
    }
    if (this.stallFrom !== null) this.playing(wall);
    return {
      packageId: this.packageId,
      profile: this.profile,
      forcedVariant: this.forcedVariant,
      shown: this.shown.map((r) => ({ ...r })),
      switches: this.switches.map(({ atWall, atMedia, from, to }) => ({
        atWall,
        atMedia,
        from,
        to,
      })),
      stalls: [...this.stalls],
      buffer: [...this.buffer],
      startupSeconds: this.startupSeconds,
      wallSeconds: wall,
    };
  }

  private closeRange(to: number): void {
    if (this.current && to > this.current.from) {
      this.shown.push({ from: this.current.from, to, variant: this.current.variant });
    }
  }
}
