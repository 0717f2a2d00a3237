/**
 * `vq … --verbose`: the real CLI in a child process prints each process it starts and how it ended
 * to stderr, while stdout stays the same JSON document as without the flag.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CommandEntry } from '../../shared/activity';
import { makeClip } from '../testing/clips';
import { useTempDirs } from '../testing/tempDir';
import { takeVerboseFlag, verboseLine } from './verbose';

const tempDir = useTempDirs('vq-verbose-cli-');

function vq(
  args: string[],
  dataDir: string,
): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.resolve('bin/vq.mjs'), ...args], {
    env: { ...process.env, VQ_DATA_DIR: dataDir },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('vq --verbose', () => {
  it('prints the ffprobe command line and its exit status to stderr; stdout stays JSON', () => {
    const dir = tempDir();
    const data = tempDir();
    const clip = makeClip(dir, { width: 160, height: 90, seconds: 1, name: 'my clip.mp4' });
    const quiet = vq(['probe', clip, '--json'], data);
    const loud = vq(['probe', clip, '--json', '--verbose'], data);
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(loud.code, loud.stderr).toBe(0);
    expect(JSON.parse(loud.stdout)).toEqual(JSON.parse(quiet.stdout));
    expect(quiet.stderr).not.toMatch(/\[\d+ probe\]/);

    const lines = loud.stderr.split('\n');
    // The start: purpose, then the command line with the path quoted as one argument.
    const startLine = lines.find((l) => /^vq: \[\d+ probe\] \S*ffprobe\S* /.test(l));
    expect(startLine).toMatch(/'[^']*\/my clip\.mp4'/);
    const id = /^vq: \[(\d+) probe\]/.exec(startLine!)![1];
    expect(lines).toContainEqual(
      expect.stringMatching(new RegExp(`^vq: \\[${id} probe\\] exit 0 after [\\d.]+ m?s$`)),
    );
  });

  it('prints a failed process with its exit code and the last thing it said', () => {
    const dir = tempDir();
    const notVideo = path.join(dir, 'notes.mp4');
    fs.writeFileSync(notVideo, 'this is not a video\n'.repeat(50));
    const r = vq(['--verbose', 'probe', notVideo], tempDir());
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/^vq: \[\d+ probe\] exit 1 after [\d.]+ m?s — .*Invalid data found/m);
  });
});

describe('takeVerboseFlag', () => {
  it('takes --verbose from anywhere before --, never a file name after it', () => {
    expect(takeVerboseFlag(['--verbose', 'probe', 'a.mp4'])).toEqual({
      verbose: true,
      rest: ['probe', 'a.mp4'],
    });
    expect(takeVerboseFlag(['probe', '--json', '--verbose'])).toEqual({
      verbose: true,
      rest: ['probe', '--json'],
    });
    expect(takeVerboseFlag(['probe', '--', '--verbose'])).toEqual({
      verbose: false,
      rest: ['probe', '--', '--verbose'],
    });
  });
});

describe('verboseLine', () => {
  const base: CommandEntry = {
    id: 7,
    purpose: 'encode',
    binary: 'ffmpeg',
    argv: ['ffmpeg', '-i', 'a b.mp4'],
    commandLine: "ffmpeg -i 'a b.mp4'",
    startedAt: 1000,
    endedAt: null,
    durationMs: null,
    pid: 42,
    outcome: 'running',
    exitCode: null,
    signal: null,
    error: null,
    stderrTail: null,
  };

  it('words a start, an end, a cancel and a start that failed', () => {
    expect(verboseLine(base)).toBe("vq: [7 encode] ffmpeg -i 'a b.mp4'");
    const ended = { ...base, endedAt: 4200, durationMs: 3200 };
    expect(verboseLine({ ...ended, outcome: 'ok', exitCode: 0 })).toBe(
      'vq: [7 encode] exit 0 after 3.2 s',
    );
    expect(verboseLine({ ...ended, outcome: 'canceled', signal: 'SIGKILL' })).toBe(
      'vq: [7 encode] canceled (SIGKILL) after 3.2 s',
    );
    expect(
      verboseLine({
        ...ended,
        durationMs: 1,
        outcome: 'not started',
        error: 'spawn ffmpeg ENOENT',
      }),
    ).toBe('vq: [7 encode] not started: spawn ffmpeg ENOENT');
  });
});
