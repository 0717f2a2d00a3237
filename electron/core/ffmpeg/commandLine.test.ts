import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shellLines } from '../../../shared/shellQuote';
import { formatCommand } from './commandLine';

/** The arguments a real `sh` passes to a program for `line` (`printf '%s\0'` prints each one). */
function shReads(line: string): string[] {
  let out: string;
  try {
    out = execFileSync('sh', ['-c', line], { encoding: 'utf8' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(
        'This test needs a POSIX sh on PATH (any Linux or macOS has one; on Windows, Git Bash).',
        { cause: err },
      );
    }
    throw err;
  }
  return out.split('\0').slice(0, -1);
}

describe('formatCommand', () => {
  it('quotes for the shell of the platform: POSIX sh, or cmd.exe on Windows', () => {
    const command = ['ffmpeg', '-i', 'my clip.mp4', '-vf', "drawtext=text='a'", 'out.mp4'];
    expect(formatCommand(command, 'linux')).toBe(
      `ffmpeg -i 'my clip.mp4' -vf 'drawtext=text='\\''a'\\''' out.mp4`,
    );
    expect(formatCommand(command, 'win32')).toBe(
      `ffmpeg -i "my clip.mp4" -vf "drawtext=text='a'" out.mp4`,
    );
    expect(formatCommand(command)).toBe(formatCommand(command, process.platform));
  });

  // Any string but NUL (no process argument can hold one): tricky pieces, and any text at all.
  const argument = fc.oneof(
    fc
      .array(
        fc.constantFrom(...Array.from(`'"\\ \t\n$\`!*?[]{}~#&|;<>()%^=,:@-+é😀`), 'a', '=a', '~/'),
        {
          maxLength: 10,
        },
      )
      .map((parts) => parts.join('')),
    fc.string({ unit: 'grapheme', maxLength: 12 }).filter((s) => !s.includes('\0')),
  );

  it('a real sh reads every POSIX-quoted argument back unchanged, on one line or several', () => {
    fc.assert(
      fc.property(fc.array(argument, { minLength: 1, maxLength: 5 }), (args) => {
        expect(shReads(formatCommand(['printf', '%s\\0', ...args], 'linux'))).toEqual(args);
        expect(shReads(shellLines(['printf', '%s\\0', '-i', ...args], 'posix'))).toEqual([
          '-i',
          ...args,
        ]);
      }),
      { numRuns: 150 },
    );
  });
});
