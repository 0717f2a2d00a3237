import { describe, expect, it } from 'vitest';
import { killAllProcesses, lastLines, runTool, runToolChecked, runningProcesses } from './process';

// A real ffmpeg generating frames forever stands in for a long encode.
const endless = ['-hide_banner', '-f', 'lavfi', '-i', 'testsrc2=size=64x64:rate=25', '-f', 'null', '-'];

describe('runTool', () => {
  it('runs ffmpeg with an argument array and collects stdout', async () => {
    const r = await runTool('ffmpeg', ['-hide_banner', '-version']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ffmpeg version/);
    expect(r.command).toEqual(['ffmpeg', '-hide_banner', '-version']);
    expect(runningProcesses()).toHaveLength(0);
  });

  it('keeps the stderr tail of a failed run', async () => {
    const r = await runTool('ffmpeg', ['-hide_banner', '-i', '/no/such/file.mp4']);
    expect(r.code).not.toBe(0);
    expect(r.stderrTail).toMatch(/No such file/);
    await expect(runToolChecked('ffmpeg', ['-hide_banner', '-i', '/no/such/file.mp4'])).rejects.toMatchObject({ code: 'FFMPEG_FAILED' });
  });

  it('kills a process on timeout', async () => {
    const r = await runTool('ffmpeg', endless, { timeoutMs: 300 });
    expect(r.timedOut).toBe(true);
    expect(r.signal).toBe('SIGKILL');
  });

  it('kills a process on abort, also when the signal is already aborted', async () => {
    const ac = new AbortController();
    // Aborted once it runs.
    const p = runTool('ffmpeg', endless, { signal: ac.signal, onSpawn: () => ac.abort() });
    expect((await p).canceled).toBe(true);
    const pre = new AbortController();
    pre.abort();
    expect((await runTool('ffmpeg', endless, { signal: pre.signal })).canceled).toBe(true);
  });

  it('kills every running process on quit', async () => {
    const spawned: Promise<number>[] = [];
    const runs = [1, 2].map(() => {
      let started: (pid: number) => void = () => undefined;
      spawned.push(new Promise((resolve) => (started = resolve)));
      return runTool('ffmpeg', endless, { onSpawn: (pid) => started(pid) });
    });
    await Promise.all(spawned);
    expect(runningProcesses()).toHaveLength(2);
    expect(killAllProcesses()).toBe(2);
    const results = await Promise.all(runs);
    expect(results.every((r) => r.signal === 'SIGKILL')).toBe(true);
    expect(runningProcesses()).toHaveLength(0);
  });

  it('says which binary is missing', async () => {
    await expect(runTool('/nonexistent/ffprobe', ['-version'])).rejects.toMatchObject({ code: 'NO_FFPROBE' });
    await expect(runTool('/nonexistent/ffmpeg', ['-version'])).rejects.toMatchObject({ code: 'NO_FFMPEG' });
  });

  it('delivers stdout line by line (progress)', async () => {
    const lines: string[] = [];
    await runTool('ffmpeg', ['-hide_banner', '-f', 'lavfi', '-i', 'testsrc2=size=64x64:rate=25:duration=1', '-progress', 'pipe:1', '-f', 'null', '-'], {
      onStdoutLine: (l) => lines.push(l),
    });
    expect(lines).toContain('progress=end');
  });
});

// formatCommand (the copyable command line) is tested in commandLine.test.ts.
describe('lastLines', () => {
  it('keeps the last lines of stderr', () => {
    expect(lastLines('a\n\nb\nc\n', 2)).toBe('b | c');
  });
});
