/**
 * Web mode access control. `vq serve` prints a URL with a random token (as Jupyter does); every
 * request must carry it, in the query (`?token=`), a cookie set from the first valid visit, or an
 * `Authorization: Bearer` header. The Host header is checked too, so a page on another site cannot
 * reach a loopback server through DNS rebinding.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';

/** Cookie that carries the token after the first visit. */
export const TOKEN_COOKIE = 'vq_token';

/** A new random token (32 hex characters). */
export function newToken(): string {
  return randomBytes(16).toString('hex');
}

/** Constant-time token comparison. */
export function tokenMatches(expected: string, given: string | null | undefined): boolean {
  if (!given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The token a request presents: query first, then bearer header, then cookie. */
export function presentedToken(url: URL, headers: Record<string, string | string[] | undefined>): string | null {
  const q = url.searchParams.get('token');
  if (q) return q;
  const auth = headers['authorization'];
  if (typeof auth === 'string' && auth.startsWith('Bearer ')) return auth.slice(7).trim();
  const cookie = headers['cookie'];
  if (typeof cookie === 'string') {
    for (const part of cookie.split(';')) {
      const [k, ...v] = part.trim().split('=');
      if (k === TOKEN_COOKIE) return decodeURIComponent(v.join('='));
    }
  }
  return null;
}

/**
 * True when the Host header names this server: a loopback name, or the interface it was bound to.
 * Requests with any other Host are refused (DNS rebinding).
 */
export function hostAllowed(hostHeader: string | undefined, boundHost: string): boolean {
  if (!hostHeader) return false;
  let hostname: string;
  try {
    hostname = new URL(`http://${hostHeader}`).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return false;
  }
  const loopback = ['localhost', '127.0.0.1', '::1'];
  if (loopback.includes(hostname) || hostname.startsWith('127.')) return true;
  const bound = boundHost.replace(/^\[|\]$/g, '');
  // Bound to all interfaces: any address the machine answers on is fine; the token still guards it.
  if (bound === '0.0.0.0' || bound === '::') return true;
  return hostname === bound;
}
