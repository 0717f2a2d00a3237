import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { commandShellFor, quoteArg, quoteProgram, shellLine, shellLines } from './shellQuote';

// The POSIX quoting is also checked against a real `sh` (electron/core/ffmpeg/commandLine.test.ts):
// shared tests use no node modules.

describe('commandShellFor', () => {
  it('is cmd.exe on Windows and POSIX sh everywhere else', () => {
    expect(commandShellFor('win32')).toBe('win32');
    expect(commandShellFor('linux')).toBe('posix');
    expect(commandShellFor('darwin')).toBe('posix');
  });
});

describe('posix', () => {
  const q = (arg: string): string => quoteArg(arg, 'posix');

  it('leaves plain arguments bare', () => {
    expect(q('-crf')).toBe('-crf');
    expect(q('/usr/bin/ffmpeg')).toBe('/usr/bin/ffmpeg');
    expect(q('file:/a/b.mp4')).toBe('file:/a/b.mp4');
    expect(q('+faststart')).toBe('+faststart');
    expect(q('keyint=60:min-keyint=60')).toBe('keyint=60:min-keyint=60');
  });

  it('quotes filter graphs, spaces, empty strings and what a shell expands', () => {
    expect(q('[0:v:0]scale=640:360[v0]')).toBe("'[0:v:0]scale=640:360[v0]'");
    expect(q('/home/me/My Videos/a.mp4')).toBe("'/home/me/My Videos/a.mp4'");
    expect(q('')).toBe("''");
    expect(q('a;b')).toBe("'a;b'");
    expect(q('$HOME')).toBe("'$HOME'");
    expect(q('~/a.mp4')).toBe("'~/a.mp4'");
    // zsh expands a word starting with = to a command's path.
    expect(q('=ffmpeg')).toBe("'=ffmpeg'");
  });

  it('escapes single quotes so the shell gives back the same string', () => {
    expect(q("it's.mp4")).toBe(`'it'\\''s.mp4'`);
    expect(shellLine(['ffmpeg', '-vf', "drawtext=text='a'"], 'posix')).toBe(
      `ffmpeg -vf 'drawtext=text='\\''a'\\'''`,
    );
  });

  it('joins the quoted arguments into one line', () => {
    expect(
      shellLine(
        ['/usr/bin/ffmpeg', '-i', 'file:/x y.mp4', '-filter_complex', '[0:v:0]split=2[a][b]'],
        'posix',
      ),
    ).toBe("/usr/bin/ffmpeg -i 'file:/x y.mp4' -filter_complex '[0:v:0]split=2[a][b]'");
  });
});

const ENCODE = [
  'ffmpeg',
  '-y',
  '-i',
  'in.mp4',
  '-filter_complex',
  '[0:v]split=2[a][b]',
  '-map',
  '[a]',
  '-map',
  '0:a:0?',
  '-c:v',
  'libx264',
  'a.mp4',
  '-map',
  '[b]',
  '-c:v',
  'libx264',
  'b.mp4',
];

describe('shellLines', () => {
  it('puts the input, the graph and each output on its own line (POSIX: " \\")', () => {
    expect(shellLines(ENCODE, 'posix')).toBe(
      [
        'ffmpeg -y \\',
        '  -i in.mp4 \\',
        "  -filter_complex '[0:v]split=2[a][b]' \\",
        "  -map '[a]' -map '0:a:0?' -c:v libx264 a.mp4 \\",
        "  -map '[b]' -c:v libx264 b.mp4",
      ].join('\n'),
    );
  });

  it('continues lines with " ^" for cmd.exe', () => {
    expect(shellLines(ENCODE, 'win32')).toBe(
      [
        'ffmpeg -y ^',
        '  -i in.mp4 ^',
        '  -filter_complex "[0:v]split=2[a][b]" ^',
        '  -map "[a]" -map "0:a:0?" -c:v libx264 a.mp4 ^',
        '  -map "[b]" -c:v libx264 b.mp4',
      ].join('\n'),
    );
  });
});

/**
 * What cmd.exe hands the program for a line typed at its prompt (delayed expansion off), by its
 * documented phases: 1. `%name%` becomes the value of a defined variable (names case-insensitive;
 * an undefined one leaves its first `%` and reading goes on after it), inside quotes too; 2. `"`
 * toggles quoting; outside quotes `^` takes the next character literally (a `^` at a line's end
 * joins the next line, whose first character is taken literally) and `& | < > ( )` are operators,
 * which this model refuses, as a pasted command must not contain one.
 */
function cmdPassesOn(line: string, env: Readonly<Record<string, string>>): string {
  const lookup = (name: string): string | undefined =>
    Object.entries(env).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
  let expanded = '';
  for (let i = 0; i < line.length;) {
    const end = line[i] === '%' ? line.indexOf('%', i + 1) : -1;
    const value = end > i ? lookup(line.slice(i + 1, end)) : undefined;
    if (value !== undefined) {
      expanded += value;
      i = end + 1;
    } else {
      expanded += line[i];
      i++;
    }
  }
  let out = '';
  let quoted = false;
  for (let i = 0; i < expanded.length; i++) {
    const c = expanded[i]!;
    if (c === '"') quoted = !quoted;
    else if (!quoted && c === '^') {
      i++;
      if (expanded[i] === '\n') i++;
      if (i < expanded.length) out += expanded[i];
      continue;
    } else if (!quoted && '&|<>()'.includes(c)) {
      throw new Error(`cmd.exe reads ${c} at ${i} as an operator: ${line}`);
    }
    out += c;
  }
  return out;
}

/**
 * The arguments a program reads from its command line by CommandLineToArgvW's documented rules:
 * the program up to the next `"` when the line starts with one, else up to a space or tab, with no
 * escapes; then arguments separated by spaces and tabs outside quotes, where 2n backslashes before
 * `"` give n backslashes and a delimiting quote, 2n+1 give n and a literal `"`, other backslashes
 * are literal, and `""` inside quotes is a literal `"`.
 */
function programReads(commandLine: string): string[] {
  let i = 0;
  let program = '';
  if (commandLine.startsWith('"')) {
    const end = commandLine.indexOf('"', 1);
    program = commandLine.slice(1, end < 0 ? undefined : end);
    i = end < 0 ? commandLine.length : end + 1;
  } else {
    while (i < commandLine.length && !' \t'.includes(commandLine[i]!)) program += commandLine[i++];
  }
  const argv = [program];
  for (;;) {
    while (i < commandLine.length && ' \t'.includes(commandLine[i]!)) i++;
    if (i >= commandLine.length) return argv;
    let arg = '';
    let quoted = false;
    while (i < commandLine.length && (quoted || !' \t'.includes(commandLine[i]!))) {
      const c = commandLine[i]!;
      if (c === '\\') {
        let n = 0;
        while (commandLine[i + n] === '\\') n++;
        if (commandLine[i + n] === '"') {
          arg += '\\'.repeat(Math.floor(n / 2));
          if (n % 2 === 1) arg += '"';
          i += n % 2 === 1 ? n + 1 : n;
        } else {
          arg += '\\'.repeat(n);
          i += n;
        }
      } else if (c === '"') {
        if (quoted && commandLine[i + 1] === '"') {
          arg += '"';
          i += 2;
        } else {
          quoted = !quoted;
          i++;
        }
      } else {
        arg += c;
        i++;
      }
    }
    argv.push(arg);
  }
}

/**
 * Variables set while the win32 lines are read: an unescaped `%PATH%` or `%a%` would change, and so
 * would a `%` left bare beside a quoted piece (`%"a"%` names the variable `"a"`).
 */
const ENV = { PATH: 'C:\\Windows', a: 'EXPANDED', 'a b': 'SPACED', '"': 'QUOTE', '"a"': 'QUOTED' };

/** What a program started from cmd.exe reads back from `text`. */
const viaCmd = (text: string): string[] => programReads(cmdPassesOn(text, ENV));

describe('win32 (cmd.exe, then CommandLineToArgvW)', () => {
  const q = (arg: string): string => quoteArg(arg, 'win32');

  it('leaves plain arguments bare, backslashes included', () => {
    expect(q('-crf')).toBe('-crf');
    expect(q('file:C:\\clips\\a.mp4')).toBe('file:C:\\clips\\a.mp4');
    expect(q('C:\\out\\')).toBe('C:\\out\\');
    expect(q('keyint=60,x=1')).toBe('keyint=60,x=1');
  });

  it('double-quotes spaces and cmd.exe operators, doubling the backslashes before the closing quote', () => {
    expect(q('C:\\My Videos\\a.mp4')).toBe('"C:\\My Videos\\a.mp4"');
    expect(q('C:\\My Videos\\')).toBe('"C:\\My Videos\\\\"');
    expect(q('[0:v]split=2[a][b];[a]scale=640:-2[v0]')).toBe(
      '"[0:v]split=2[a][b];[a]scale=640:-2[v0]"',
    );
    expect(q('a&b|c<d>e(f)^g!h')).toBe('"a&b|c<d>e(f)^g!h"');
    expect(q('')).toBe('""');
    expect(viaCmd(`ffmpeg ${q('C:\\My Videos\\')} x`)).toEqual(['ffmpeg', 'C:\\My Videos\\', 'x']);
  });

  it('writes % outside the quotes as ^%, so no %name% expands', () => {
    expect(q('50% off.mp4')).toBe('"50"^%" off.mp4"');
    expect(q('%PATH%')).toBe('^%"PATH"^%');
    expect(q('a\\%b')).toBe('"a\\\\"^%"b"');
    expect(viaCmd(`ffmpeg ${q('%PATH%')} ${q('%a%')} ${q('x%a b%y')}`)).toEqual([
      'ffmpeg',
      '%PATH%',
      '%a%',
      'x%a b%y',
    ]);
  });

  it('escapes an argument holding " with ^ before every special character, quotes included', () => {
    expect(q('say "hi"')).toBe('^"say \\^"hi\\^"^"');
    expect(q('a\\"b & 100%')).toBe('^"a\\\\\\^"b ^& 100^%^"');
    expect(viaCmd(`ffmpeg ${q('say "hi" & 100%a%')} ${q('"')}`)).toEqual([
      'ffmpeg',
      'say "hi" & 100%a%',
      '"',
    ]);
  });

  it('quotes a program path with spaces, and carets one with % and no space', () => {
    expect(quoteProgram('C:\\ffmpeg\\bin\\ffmpeg.exe', 'win32')).toBe(
      'C:\\ffmpeg\\bin\\ffmpeg.exe',
    );
    expect(quoteProgram('C:\\Program Files\\ffmpeg\\ffmpeg.exe', 'win32')).toBe(
      '"C:\\Program Files\\ffmpeg\\ffmpeg.exe"',
    );
    expect(quoteProgram('C:/ffmpeg/ffmpeg.exe', 'win32')).toBe('"C:/ffmpeg/ffmpeg.exe"');
    expect(quoteProgram('C:\\100%a%\\ffmpeg.exe', 'win32')).toBe('C:\\100^%a^%\\ffmpeg.exe');
    expect(viaCmd(shellLine(['C:\\100%a%\\ffmpeg.exe', '-i', 'x'], 'win32'))).toEqual([
      'C:\\100%a%\\ffmpeg.exe',
      '-i',
      'x',
    ]);
  });

  it('keeps a line break, which no cmd.exe line can hold (documented, not runnable)', () => {
    expect(q('a\nb')).toBe('"a\nb"');
  });

  /** Characters that matter to cmd.exe or to CommandLineToArgvW, and some that do not. */
  const tricky = fc.constantFrom(
    ...Array.from('"\\ \t%^&|<>()!,;=:/[]{}\'`$*?~#@aAb0é字😀'),
    '%PATH%',
    '%a%',
    '%a b%',
    '\\"',
    '\\\\',
  );
  const argument = fc.oneof(
    fc.array(tricky, { maxLength: 12 }).map((parts) => parts.join('')),
    fc.string({ unit: 'grapheme', maxLength: 12 }).filter((s) => !/[\r\n\0]/.test(s)),
  );
  // A Windows path: no ", and (see quoteProgram) no % beside a space or / , ; =.
  const program = fc
    .array(fc.constantFrom(...'C:\\ab ()&%^!,;=x/.é'.split('')), { minLength: 1, maxLength: 16 })
    .map((parts) => `${parts.join('')}ffmpeg.exe`)
    .filter((p) => !(/[\s/,;=]/.test(p) && p.includes('%')));

  it('every argument comes back unchanged through cmd.exe and CommandLineToArgvW', () => {
    fc.assert(
      fc.property(program, fc.array(argument, { maxLength: 6 }), (prog, args) => {
        const argv = [prog, ...args];
        expect(viaCmd(shellLine(argv, 'win32'))).toEqual(argv);
        expect(viaCmd(shellLines(['ffmpeg', '-i', ...args], 'win32'))).toEqual([
          'ffmpeg',
          '-i',
          ...args,
        ]);
      }),
      { numRuns: 2000 },
    );
  });
});
