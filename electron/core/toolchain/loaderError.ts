/**
 * Turns the dynamic loader's refusal to start a program ("error while loading shared libraries")
 * into a sentence naming the library and what to do. This is the loader speaking, not ffmpeg:
 * the program never ran.
 */

/** The library and the loader's reason, or null when the text is not a loader failure. */
export interface LoaderFailure {
  library: string;
  reason: string;
}

/** Finds glibc's `…: error while loading shared libraries: LIB: REASON` line in stderr. */
export function parseLoaderFailure(stderr: string): LoaderFailure | null {
  const m = /error while loading shared libraries: ([^:\r\n]+): ([^\r\n]+)/.exec(stderr);
  if (!m) return null;
  return { library: (m[1] as string).trim(), reason: (m[2] as string).trim() };
}

/** A readable reason for a binary that failed to load a library, or null when it did not. */
export function describeLoaderFailure(binary: string, stderr: string): string | null {
  const f = parseLoaderFailure(stderr);
  if (!f) return null;
  const name = f.library.split(/[\\/]/).pop() ?? f.library;
  const head = `${binary} cannot start: the system could not load its library ${name} (${f.reason}).`;
  if (/file too short|invalid ELF header|not an ELF/i.test(f.reason)) {
    return (
      `${head} ${f.library} is not a real library file — often a symbolic link that a copy or ` +
      'an archive turned into a small text file. Restore the link (ln -sf <the real file> ' +
      `${name}) or reinstall the build, or put a folder holding a working ${name} on ` +
      'LD_LIBRARY_PATH.'
    );
  }
  if (/cannot open shared object file/i.test(f.reason) && /^libvmaf\./.test(name)) {
    return (
      `${head} No system package provides it (Debian's and Ubuntu's ffmpeg have no libvmaf): ` +
      `the build's own lib folder is missing or incomplete. Reinstall the build whole, or put a ` +
      `folder holding its ${name} on LD_LIBRARY_PATH.`
    );
  }
  if (/cannot open shared object file/i.test(f.reason)) {
    return (
      `${head} It is not installed or not where the program looks: install the package that ` +
      `provides ${name} (on Debian/Ubuntu, apt-get install ffmpeg brings the codec libraries ` +
      `such builds link), or put the folder holding it on LD_LIBRARY_PATH.`
    );
  }
  return `${head} Reinstall the build or the package that provides ${name}.`;
}
