/**
 * A command (an argument array, program first) as text a person pastes into a terminal. The app
 * itself never runs a shell — ffmpeg gets its arguments as an array — so this is only how a
 * command is shown and copied, quoted for the shell of the machine the command will run on (the
 * machine of the ffmpeg path in it: the core's, also when the UI is a browser on another machine).
 *
 * `posix` (Linux, macOS: sh, bash, zsh). An argument of only `A–Z a–z 0–9 _ - + = . , / : @ %`,
 * not starting with `=` (zsh expands `=name`), stays bare; any other is single-quoted, inside which
 * nothing is special but the quote itself, written `'\''`. Every string comes back unchanged.
 *
 * `win32`: the Command Prompt (cmd.exe) at its prompt, with delayed expansion off (its default).
 * Chosen over PowerShell because one text cannot serve both (PowerShell needs `& "C:\…\ffmpeg.exe"`
 * to run a quoted path, which cmd.exe refuses), and because Windows PowerShell 5.1, still the one
 * Windows ships, passes arguments holding `"` or ending in `\` to programs wrongly; what cmd.exe
 * passes follows fixed rules. In a PowerShell window, type `cmd` first, then paste. Two parsers
 * read the line:
 * 1. cmd.exe replaces `%name%` by the variable `name` when it is defined (even inside quotes), then
 *    reads `^` as "take the next character literally" and `& | < > ( )` as operators — except
 *    between double quotes, where everything but `%` is literal. It removes the `^` it used.
 * 2. The program splits the rest by CommandLineToArgvW's rules (ffmpeg does: fftools/cmdutils.c
 *    `prepare_app_arguments`): spaces and tabs separate arguments except between quotes; `\` is
 *    literal unless a run of them precedes `"`, where 2n backslashes give n and the quote delimits,
 *    and 2n+1 give n and a literal `"`. The first argument, the program, is read without escapes:
 *    up to the next `"` when it starts with one, else up to a space.
 *
 * So an argument of only `A–Z a–z 0–9 _ - + = . , / : @ \` stays bare, and any other is written
 * as CommandLineToArgvW reads it back: between double quotes, with the backslashes before a quote
 * (or before the closing quote) doubled. Then, for cmd.exe:
 * - `%` ends the quoted piece and is written `^%` outside the quotes, and the quote reopens after it
 *   (`"50"^%" off.mp4"`): each `%` then follows a `^`, so a `%…%` pair names a variable ending in
 *   `^`, which nobody defines, and nothing expands;
 * - `^ & | < > ( ) !` and spaces need nothing more: they are inside quotes;
 * - an argument holding `"` (as `\"`) would toggle cmd.exe's own quoting, so that argument is
 *   written with a `^` before every `" ^ & | < > ( ) % !` instead and no cmd.exe quoting at all
 *   (`^"say \^"hi\^"^"`): cmd.exe removes the carets and the program gets the quoted text.
 * The program itself: bare when it is only `A–Z a–z 0–9 _ - . : \` (cmd.exe reads `/` `,` `;` `=`
 * in a program name as separators); with a `%` but none of those and no space, bare with `^`
 * before each of `^ & | < > ( ) % !`; else in double quotes (a Windows path cannot hold `"`). A
 * program path with a `%` and a space or `/ , ; =` cannot be written for both parsers: it is shown
 * quoted, and cmd.exe expands its `%…%` only if that names a defined variable.
 * No cmd.exe line can hold a line break: an argument with one is shown with it, and that line does
 * not run as one command.
 */

/** The shell a command is quoted for: POSIX sh, or cmd.exe on Windows. */
export type CommandShell = 'posix' | 'win32';

/** The shell of a machine by its Node `process.platform` ('win32' → cmd.exe; any other → POSIX). */
export function commandShellFor(platform: string): CommandShell {
  return platform === 'win32' ? 'win32' : 'posix';
}

const POSIX_BARE = /^[A-Za-z0-9_\-+.,/:@%][A-Za-z0-9_\-+=.,/:@%]*$/;
const WIN_BARE = /^[A-Za-z0-9_\-+=.,/:@\\]+$/;
const WIN_PROGRAM_BARE = /^[A-Za-z0-9_\-.:\\]+$/;
/** The characters cmd.exe treats specially outside quotes (with `"`, which toggles its quoting). */
const CMD_SPECIAL = /[\^&|<>()%!"]/g;

/** One argument quoted for `shell` (see the file comment for the rules). */
export function quoteArg(arg: string, shell: CommandShell): string {
  if (shell === 'posix') return quotePosix(arg);
  if (WIN_BARE.test(arg)) return arg;
  if (arg.includes('"')) return argvQuoted(arg).replace(CMD_SPECIAL, '^$&');
  if (arg === '') return '""';
  // Each run of % between quoted pieces, as ^% outside the quotes.
  return arg
    .split(/(%+)/)
    .filter((piece) => piece !== '')
    .map((piece) => (piece.startsWith('%') ? piece.replace(/%/g, '^%') : argvQuoted(piece)))
    .join('');
}

/** The program (first word) of a command quoted for `shell`. */
export function quoteProgram(program: string, shell: CommandShell): string {
  if (shell === 'posix') return quotePosix(program);
  if (WIN_PROGRAM_BARE.test(program)) return program;
  if (program.includes('%') && !/[\s/,;=]/.test(program)) {
    return program.replace(CMD_SPECIAL, '^$&');
  }
  return `"${program}"`;
}

/** The command (program first) as one line for `shell`. */
export function shellLine(argv: readonly string[], shell: CommandShell): string {
  return argv.map((a, i) => (i === 0 ? quoteProgram(a, shell) : quoteArg(a, shell))).join(' ');
}

/**
 * The same command over several lines, which the shell joins into the same command: the input, the
 * filter graph and each output (from its first `-map`) on a line of its own, each line but the last
 * ending in the shell's continuation (` \` for POSIX, ` ^` for cmd.exe).
 */
export function shellLines(argv: readonly string[], shell: CommandShell): string {
  const breakLine = shell === 'posix' ? ' \\\n  ' : ' ^\n  ';
  let out = '';
  argv.forEach((arg, i) => {
    if (i === 0) out = quoteProgram(arg, shell);
    else out += `${startsLine(argv, i) ? breakLine : ' '}${quoteArg(arg, shell)}`;
  });
  return out;
}

/** Arguments that start a new line in the readable form: the input, the graph, each output's maps. */
function startsLine(argv: readonly string[], i: number): boolean {
  const a = argv[i];
  if (a === '-i' || a === '-filter_complex') return true;
  // The first -map of an output (a second -map for its audio stays on the same line).
  return a === '-map' && argv[i - 2] !== '-map';
}

function quotePosix(arg: string): string {
  if (POSIX_BARE.test(arg)) return arg;
  // Inside single quotes nothing is special except the quote itself: close, escape it, reopen.
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/**
 * `text` in double quotes as CommandLineToArgvW reads it back: a run of backslashes before a `"`
 * (or before the closing quote) doubled, and each `"` escaped as `\"`.
 */
function argvQuoted(text: string): string {
  let out = '"';
  let backslashes = 0;
  for (const c of text) {
    if (c === '\\') {
      backslashes++;
      continue;
    }
    out += '\\'.repeat(c === '"' ? backslashes * 2 + 1 : backslashes) + c;
    backslashes = 0;
  }
  return `${out}${'\\'.repeat(backslashes * 2)}"`;
}
