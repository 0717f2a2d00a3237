/**
 * Web mode access control. `vq serve` prints a URL with a random token (as Jupyter does); the API,
 * the media and the project upload need it in the query (`?token=`) or an `Authorization: Bearer`
 * header. There is no token cookie: browsers send a host's cookies to every port of that host, so
 * any other server on another loopback port could read it. The page keeps the token in its session
 * storage instead, and the page itself (the built UI, no data) needs none. Host and Origin must name
 * this exact server (scheme, host and port), so neither a page on another site (DNS rebinding) nor a
 * page on another port of the same machine can use it. Every function here is total: headers are
 * attacker-written text.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';

/** Fewest characters a token may have: 32 of [A-Za-z0-9_-] carry at least 128 bits when random. */
export const MIN_TOKEN_CHARS = 32;

const TOKEN_SHAPE = /^[A-Za-z0-9_-]+$/;

/** A new random token (32 hex characters, 128 bits). */
export function newToken(): string {
  return randomBytes(16).toString('hex');
}

/** Why a chosen token is refused, or null when it is long enough and safe in a URL and a header. */
export function tokenProblem(token: string): string | null {
  if (!TOKEN_SHAPE.test(token)) {
    return `the token may contain only A-Z, a-z, 0-9, _ and - (at least ${MIN_TOKEN_CHARS} characters)`;
  }
  if (token.length < MIN_TOKEN_CHARS) {
    return `the token must be at least ${MIN_TOKEN_CHARS} characters of [A-Za-z0-9_-] (128 bits); this one has ${token.length}`;
  }
  if (token.length > 512) return 'the token may be at most 512 characters';
  return null;
}

/** Constant-time token comparison. */
export function tokenMatches(expected: string, given: string | null | undefined): boolean {
  if (!given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

type Headers = Record<string, string | string[] | undefined>;

/** The token a request presents: the query first, then a bearer header. Cookies are never read. */
export function presentedToken(url: URL, headers: Headers): string | null {
  const q = url.searchParams.get('token');
  if (q) return q;
  const auth = headers['authorization'];
  if (typeof auth === 'string' && auth.startsWith('Bearer ')) return auth.slice(7).trim();
  return null;
}

/** `host[:port]` split and normalised the way URLs do (lower case, IPv6 in brackets); null if malformed. */
function parseHostHeader(value: string): { hostname: string; port: number; host: string } | null {
  // Only the characters a host and port are made of; keeps "a@b", paths and spaces out.
  if (!/^[A-Za-z0-9.\-_:[\]]{1,300}$/.test(value)) return null;
  let url: URL;
  try {
    url = new URL(`http://${value}`);
  } catch {
    return null;
  }
  const port = url.port === '' ? 80 : Number(url.port);
  return { hostname: url.hostname.replace(/^\[|\]$/g, ''), port, host: url.host };
}

/** The name a bound address is reached by in a Host header (IPv6 without brackets). */
function unbracket(host: string): string {
  return host.replace(/^\[|\]$/g, '').toLowerCase();
}

/**
 * True when the Host header names this server: the bound address (or `localhost`) and the bound
 * port. Bound to all interfaces, any name with the right port passes (the machine's names are not
 * all knowable); the token still guards it.
 */
export function hostAllowed(hostHeader: unknown, boundHost: string, port: number): boolean {
  if (typeof hostHeader !== 'string') return false;
  const parsed = parseHostHeader(hostHeader);
  if (!parsed || parsed.port !== port) return false;
  const bound = unbracket(boundHost);
  if (bound === '0.0.0.0' || bound === '::') return true;
  const names = new Set([bound, 'localhost']);
  // Bound by name: the addresses that name resolves to on a loopback-only setup.
  if (bound === 'localhost') for (const a of ['127.0.0.1', '::1']) names.add(a);
  return names.has(parsed.hostname);
}

/**
 * True when an Origin header is absent (not a browser: the CLI, scripts) or is exactly this server
 * as the page reached it: `http://` + the (already allowed) Host. `null`, another scheme, another
 * port or any non-canonical spelling is refused.
 */
export function originAllowed(originHeader: unknown, hostHeader: unknown): boolean {
  if (originHeader === undefined) return true;
  if (typeof originHeader !== 'string' || typeof hostHeader !== 'string') return false;
  const host = parseHostHeader(hostHeader);
  if (!host) return false;
  let origin: URL;
  try {
    origin = new URL(originHeader);
  } catch {
    return false;
  }
  // A browser sends the serialised origin; anything else (paths, user info, odd spellings) is not one.
  if (origin.origin !== originHeader || origin.protocol !== 'http:') return false;
  return origin.host === host.host;
}

/**
 * False for a subresource request a browser says comes from another site or another port of this
 * host (`Sec-Fetch-Site: same-site | cross-site`): a page elsewhere cannot embed even the public
 * UI in a frame or as a script. A top-level navigation (a person opening the printed URL from a
 * link) stays allowed; requests without the header (the CLI, scripts, older browsers) are judged by
 * the other checks.
 */
export function fetchSiteAllowed(headers: Headers): boolean {
  const site = headers['sec-fetch-site'];
  if (site === undefined) return true;
  if (site === 'same-origin' || site === 'none') return true;
  return headers['sec-fetch-mode'] === 'navigate' && headers['sec-fetch-dest'] === 'document';
}
