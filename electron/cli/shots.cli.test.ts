// The real `vq shots` in a child process on a generated clip with known hard cuts.
import { describe, expect, it } from 'vitest';
import { makeEditedClip } from '../testing/sceneClip';
import { useTempDirs } from '../testing/tempDir';
import { runVq } from '../testing/vqProcess';

const tempDir = useTempDirs('vq-shots-cli-');

describe('vq shots', () => {
  it('prints the shots as JSON and as a table, the second time from the cache', () => {
    const dir = tempDir();
    const env = { ...process.env, VQ_DATA_DIR: tempDir() };
    const clip = makeEditedClip(dir, {
      parts: [40, 35, 45],
      transitions: [{ kind: 'cut' }, { kind: 'cut' }],
    });
    const r = runVq(['shots', clip.path, '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as {
      frames: number;
      fps: number;
      cached: boolean;
      shots: { start: number; end: number; by: string }[];
    };
    expect(out).toMatchObject({ frames: 120, fps: 25, cached: false });
    expect(out.shots).toEqual([
      { start: 0, end: 40, by: 'title' },
      { start: 40, end: 75, by: 'cut' },
      { start: 75, end: 120, by: 'cut' },
    ]);
    const text = runVq(['shots', clip.path, '--max-seconds', '1.2'], env);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('edited.mp4: 120 frames at 25 fps, 6 shot(s)');
    expect(text.stdout).toContain('(scene scores from the cache)');
    expect(text.stdout).toMatch(/\n2 +20 +40 +20 +0:00\.800 +0\.80 s +split\n/);
  });

  it('says what is wrong with bad options and files', () => {
    const env = { ...process.env, VQ_DATA_DIR: tempDir() };
    const usage = runVq(['shots', 'a.mp4', '--min-seconds', 'soon'], env);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('--min-seconds soon: give a number, 0 or more');
    const rules = runVq(['shots', 'a.mp4', '--min-seconds', '2', '--max-seconds', '3'], env);
    expect(rules.code).toBe(1);
    const missing = runVq(['shots', '/nonexistent/a.mp4'], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('/nonexistent/a.mp4');
  });
});
