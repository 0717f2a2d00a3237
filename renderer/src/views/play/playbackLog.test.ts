import { describe, expect, it } from 'vitest';
import { BUILT_IN_PROFILES } from '../../../../shared/playback';
import { PlaybackLog } from './playbackLog';

describe('PlaybackLog', () => {
  it('records what was shown, the switches with the buffer then, and stalls after the start', () => {
    const log = new PlaybackLog('p', BUILT_IN_PROFILES[0]!, null);
    log.waiting(0.1); // before the first picture: start-up, not a stall
    log.segmentShown(0, 0, 0.3);
    log.playing(0.4);
    log.sampleBuffer(0.5, 0.1, 6);
    log.segmentShown(0, 2, 2.2); // same rung: no switch
    log.segmentShown(2, 4, 4.1);
    log.waiting(5);
    log.playing(5.75);
    expect(log.variantAt(1)).toBe(0);
    expect(log.variantAt(4.5)).toBe(2);
    expect(log.rangesUntil(5)).toEqual([
      { from: 0, to: 4, variant: 0 },
      { from: 4, to: 5, variant: 2 },
    ]);
    log.waiting(7); // open at the end: closed there
    const r = log.report(6, 7.5);
    expect(r.shown).toEqual([
      { from: 0, to: 4, variant: 0 },
      { from: 4, to: 6, variant: 2 },
    ]);
    expect(r.switches).toEqual([
      { atWall: 0.3, atMedia: 0, from: null, to: 0 },
      { atWall: 4.1, atMedia: 4, from: 0, to: 2 },
    ]);
    expect(log.switches[1]!.buffer).toBe(6);
    expect(r.stalls).toEqual([
      { atWall: 5, seconds: 0.75 },
      { atWall: 7, seconds: 0.5 },
    ]);
    expect(r.startupSeconds).toBe(0.4);
    expect(r.wallSeconds).toBe(7.5);
  });

  it('a seek skips what lies between, and its wait is no stall', () => {
    const log = new PlaybackLog('p', BUILT_IN_PROFILES[0]!, null);
    log.segmentShown(1, 0, 0.2);
    log.playing(0.3);
    log.seeking(3); // from 3 s, to 20 s
    log.waiting(3.1);
    log.seeked(20, 3.2);
    log.segmentShown(1, 20, 3.4); // same rung: no switch
    log.playing(3.5);
    log.segmentShown(0, 22, 5.4);
    const r = log.report(23, 6);
    expect(r.shown).toEqual([
      { from: 0, to: 3, variant: 1 },
      { from: 20, to: 22, variant: 1 },
      { from: 22, to: 23, variant: 0 },
    ]);
    expect(r.stalls).toEqual([]);
    expect(r.switches.map((s) => [s.from, s.to])).toEqual([
      [null, 1],
      [1, 0],
    ]);
  });
});
