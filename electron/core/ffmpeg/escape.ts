/**
 * Quoting for ffmpeg filtergraphs. A value inside a filter's options is parsed twice by ffmpeg's
 * av_get_token: once when the filtergraph is split into filters (specials `\ ' [ ] , ;`) and once
 * when the filter's `key=value:key=value` options are split (specials `\ ' :`). Each level takes
 * a backslash before any character as that character, so escaping every special of a level with a
 * backslash, innermost level first, survives both ("Quoting and escaping" in ffmpeg-utils(1)).
 * Whitespace is escaped too: av_get_token drops it at the ends of a token.
 * Drive letters (`C:\…`) and spaces are the classic failure here
 * (https://github.com/Netflix/vmaf/issues/547, https://github.com/GyanD/codexffmpeg/issues/97).
 */

/** Backslash before every character of `s` that is in `specials` or is whitespace. */
export function escapeChars(s: string, specials: string): string {
  let out = '';
  for (const ch of s) out += specials.includes(ch) || /\s/.test(ch) ? `\\${ch}` : ch;
  return out;
}

/** Escapes text for the option level of a filter (`key=value:…`). */
export function escapeOptionLevel(s: string): string {
  return escapeChars(s, "\\':");
}

/** Escapes text for the filtergraph level (the part between `=` and the next `,`/`;`/`[`). */
export function escapeGraphLevel(s: string): string {
  return escapeChars(s, "\\'[],;");
}

/** A complete option value (for example a file path) ready to follow `key=` in a filtergraph. */
export function filterValue(s: string): string {
  return escapeGraphLevel(escapeOptionLevel(s));
}

/**
 * A value inside libvmaf 2's `model=`/`feature=` dictionaries (`key=value:key=value`, several
 * joined by `|`). ffmpeg splits the dictionaries at `|` with av_strtok, which knows no escaping, so
 * a `|` cannot be expressed at all: callers must refuse such paths (see {@link hasUnescapablePipe}).
 */
export function libvmafDictValue(s: string): string {
  return escapeChars(s, "\\':=");
}

/** True when a path cannot be passed inside libvmaf 2's `model=` option (it contains `|`). */
export function hasUnescapablePipe(s: string): boolean {
  return s.includes('|');
}
