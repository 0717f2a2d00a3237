/**
 * The access token of `vq serve`. It arrives once in the page URL (like Jupyter), is kept in
 * sessionStorage for reloads and WebSocket reconnects, and is removed from the address bar so it
 * does not end up in screenshots, bookmarks or the history.
 */

const STORAGE_KEY = 'vq.token';

/** Splits the token off a URL: the token (or null) and the same URL without it. */
export function splitTokenFromUrl(href: string): { token: string | null; cleanUrl: string } {
  const url = new URL(href);
  const token = url.searchParams.get('token');
  if (token === null) return { token: null, cleanUrl: href };
  url.searchParams.delete('token');
  return { token: token || null, cleanUrl: url.toString() };
}

/** Reads the token from the URL or sessionStorage, remembers it, and cleans the address bar. */
export function establishToken(win: Window = window): string | null {
  const { token, cleanUrl } = splitTokenFromUrl(win.location.href);
  if (token) {
    try {
      win.sessionStorage.setItem(STORAGE_KEY, token);
    } catch {
      // Storage can be disabled: this tab works until it is reloaded (there is no token cookie).
    }
    win.history.replaceState(win.history.state, '', cleanUrl);
    return token;
  }
  try {
    return win.sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}
