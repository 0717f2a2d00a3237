import { describe, expect, it } from 'vitest';
import { shellLine, shellLines, shellQuote } from './shellCommand';

describe('shellQuote', () => {
  it('leaves plain arguments bare', () => {
    expect(shellQuote('-crf')).toBe('-crf');
    expect(shellQuote('/usr/bin/ffmpeg')).toBe('/usr/bin/ffmpeg');
    expect(shellQuote('file:/a/b.mp4')).toBe('file:/a/b.mp4');
    expect(shellQuote('+faststart')).toBe('+faststart');
  });

  it('quotes filter graphs, spaces and empty strings', () => {
    expect(shellQuote('[0:v:0]scale=640:360[v0]')).toBe("'[0:v:0]scale=640:360[v0]'");
    expect(shellQuote('/home/me/My Videos/a.mp4')).toBe("'/home/me/My Videos/a.mp4'");
    expect(shellQuote('')).toBe("''");
    expect(shellQuote('a;b')).toBe("'a;b'");
    expect(shellQuote('$HOME')).toBe("'$HOME'");
  });

  it('escapes single quotes so the shell gives back the same string', () => {
    expect(shellQuote("it's.mp4")).toBe(`'it'\\''s.mp4'`);
  });
});

describe('shellLine', () => {
  it('joins the quoted arguments with spaces', () => {
    expect(
      shellLine([
        '/usr/bin/ffmpeg',
        '-i',
        'file:/x y.mp4',
        '-filter_complex',
        '[0:v:0]split=2[a][b]',
      ]),
    ).toBe("/usr/bin/ffmpeg -i 'file:/x y.mp4' -filter_complex '[0:v:0]split=2[a][b]'");
  });
});

describe('shellLines', () => {
  it('puts the input, the graph and each output on its own line', () => {
    const args = [
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
    expect(shellLines(args)).toBe(
      [
        'ffmpeg -y \\',
        '  -i in.mp4 \\',
        "  -filter_complex '[0:v]split=2[a][b]' \\",
        "  -map '[a]' -map '0:a:0?' -c:v libx264 a.mp4 \\",
        "  -map '[b]' -c:v libx264 b.mp4",
      ].join('\n'),
    );
  });
});
