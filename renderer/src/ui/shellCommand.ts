/**
 * An ffmpeg argument array as one line a person can paste into a shell. The app itself never runs
 * a shell (arguments go to ffmpeg as an array); this is only how the command is shown and copied.
 */

const SAFE = /^[A-Za-z0-9_\-+=:,./@%]+$/;

/** One argument for a POSIX shell: bare when it has no special characters, else single-quoted. */
export function shellQuote(arg: string): string {
  if (SAFE.test(arg)) return arg;
  // Inside single quotes nothing is special except the quote itself: close, escape it, reopen.
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** The arguments (binary first) as one shell line. */
export function shellLine(args: readonly string[]): string {
  return args.map(shellQuote).join(' ');
}

/** Arguments that start a new line in the readable form: the input, the graph, each output's maps. */
function startsLine(args: readonly string[], i: number): boolean {
  const a = args[i];
  if (a === '-i' || a === '-filter_complex') return true;
  // The first -map of an output (a second -map for its audio stays on the same line).
  return a === '-map' && args[i - 2] !== '-map';
}

/**
 * The same command over several lines joined by ` \`: the input, the filter graph and each
 * output on a line of its own. It pastes into a POSIX shell as the same command.
 */
export function shellLines(args: readonly string[]): string {
  let out = '';
  args.forEach((arg, i) => {
    if (i === 0) out = shellQuote(arg);
    else out += `${startsLine(args, i) ? ' \\\n  ' : ' '}${shellQuote(arg)}`;
  });
  return out;
}
