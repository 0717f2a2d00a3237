import { describe, expect, it } from 'vitest';
import { hostAllowed, newToken, presentedToken, tokenMatches } from './auth';

describe('tokens', () => {
  it('are random 32-hex strings', () => {
    const a = newToken();
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(newToken()).not.toBe(a);
  });
  it('match only exactly', () => {
    expect(tokenMatches('abc', 'abc')).toBe(true);
    expect(tokenMatches('abc', 'abd')).toBe(false);
    expect(tokenMatches('abc', 'ab')).toBe(false);
    expect(tokenMatches('abc', null)).toBe(false);
  });
  it('are read from query, bearer header or cookie', () => {
    expect(presentedToken(new URL('http://x/?token=q'), {})).toBe('q');
    expect(presentedToken(new URL('http://x/'), { authorization: 'Bearer h' })).toBe('h');
    expect(presentedToken(new URL('http://x/'), { cookie: 'a=1; vq_token=c' })).toBe('c');
    expect(presentedToken(new URL('http://x/'), {})).toBeNull();
  });
});

describe('hostAllowed', () => {
  it('accepts loopback names', () => {
    expect(hostAllowed('127.0.0.1:5000', '127.0.0.1')).toBe(true);
    expect(hostAllowed('localhost:5000', '127.0.0.1')).toBe(true);
    expect(hostAllowed('[::1]:5000', '127.0.0.1')).toBe(true);
  });
  it('refuses other names on a loopback server (DNS rebinding)', () => {
    expect(hostAllowed('evil.example:5000', '127.0.0.1')).toBe(false);
    expect(hostAllowed(undefined, '127.0.0.1')).toBe(false);
  });
  it('accepts the bound interface', () => {
    expect(hostAllowed('192.168.1.5:80', '192.168.1.5')).toBe(true);
  });
});
