import { describe, expect, it } from 'vitest';
import { ProgressParser, etaSeconds, progressFraction, type ProgressBlock } from './progress';
import { runTool } from './process';

// Captured from Debian ffmpeg 5.1 (`-progress pipe:1 -nostats`, x264 ultrafast, 2 s of testsrc2).
const CAPTURED_5_1 = `frame=1
fps=0.00
stream_0_0_q=0.0
bitrate=N/A
total_size=N/A
out_time_us=0
out_time_ms=0
out_time=00:00:00.000000
dup_frames=0
drop_frames=0
speed=N/A
progress=continue
frame=50
fps=0.00
stream_0_0_q=-1.0
bitrate=N/A
total_size=N/A
out_time_us=2000000
out_time_ms=2000000
out_time=00:00:02.000000
dup_frames=0
drop_frames=0
speed=  49x
progress=end`;

function parseAll(text: string): ProgressBlock[] {
  const blocks: ProgressBlock[] = [];
  const p = new ProgressParser((b) => blocks.push(b));
  for (const line of text.split('\n')) p.push(line);
  return blocks;
}

describe('ProgressParser', () => {
  it('reads captured blocks, N/A as null, speed with padding', () => {
    const [first, last] = parseAll(CAPTURED_5_1);
    expect(first).toMatchObject({ frame: 1, bitrateKbps: null, totalSizeBytes: null, outTimeSeconds: 0, speed: null, end: false });
    expect(last).toMatchObject({ frame: 50, outTimeSeconds: 2, speed: 49, end: true });
  });

  it('reads bitrate and size from a real file encode', async () => {
    const blocks: ProgressBlock[] = [];
    const parser = new ProgressParser((b) => blocks.push(b));
    const r = await runTool(
      'ffmpeg',
      ['-hide_banner', '-nostdin', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25:duration=3', '-c:v', 'libx264', '-preset', 'ultrafast', '-progress', 'pipe:1', '-nostats', '-f', 'matroska', '-y', '/dev/null'],
      { onStdoutLine: (l) => parser.push(l) },
    );
    expect(r.code).toBe(0);
    const last = blocks.at(-1)!;
    expect(last.end).toBe(true);
    expect(last.frame).toBe(75);
    expect(last.totalSizeBytes).toBeGreaterThan(1000);
    expect(last.bitrateKbps).toBeGreaterThan(0);
  });

  it('ignores junk lines', () => {
    expect(parseAll('hello\n=x\n')).toEqual([]);
  });
});

describe('progressFraction and etaSeconds', () => {
  const block = (o: Partial<ProgressBlock>): ProgressBlock => ({ frame: null, fps: null, bitrateKbps: null, totalSizeBytes: null, outTimeSeconds: null, speed: null, dupFrames: null, dropFrames: null, end: false, ...o });
  it('uses time over duration, clamped below 1 until the end', () => {
    expect(progressFraction(block({ outTimeSeconds: 5 }), { durationSeconds: 10, frames: null })).toBe(0.5);
    expect(progressFraction(block({ outTimeSeconds: 12 }), { durationSeconds: 10, frames: null })).toBe(0.999);
    expect(progressFraction(block({ end: true }), { durationSeconds: 10, frames: null })).toBe(1);
  });
  it('falls back to frames, or unknown', () => {
    expect(progressFraction(block({ frame: 30 }), { durationSeconds: null, frames: 120 })).toBe(0.25);
    expect(progressFraction(block({}), { durationSeconds: null, frames: null })).toBeNull();
  });
  it('estimates time left', () => {
    expect(etaSeconds(0.25, 10)).toBe(30);
    expect(etaSeconds(null, 10)).toBeNull();
    expect(etaSeconds(0.001, 10)).toBeNull();
  });
});
