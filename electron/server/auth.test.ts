import { describe, expect, it } from 'vitest';
import {
  hostAllowed,
  newToken,
  originAllowed,
  presentedToken,
  tokenMatches,
  tokenProblem,
} from './auth';

describe('tokens', () => {
  it('are random 32-hex strings', () => {
    const a = newToken();
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(newToken()).not.toBe(a);
    expect(tokenProblem(a)).toBeNull();
  });
  it('match only exactly', () => {
    expect(tokenMatches('abc', 'abc')).toBe(true);
    expect(tokenMatches('abc', 'abd')).toBe(false);
    expect(tokenMatches('abc', 'ab')).toBe(false);
    expect(tokenMatches('abc', null)).toBe(false);
  });
  it('are read from the query or a bearer header, never from a cookie', () => {
    expect(presentedToken(new URL('http://x/?token=q'), {})).toBe('q');
    expect(presentedToken(new URL('http://x/'), { authorization: 'Bearer h' })).toBe('h');
    // Browsers send cookies to every port of a host: a token there could be read by other servers.
    expect(presentedToken(new URL('http://x/'), { cookie: 'vq_token_5000=c; vq_token=d' })).toBeNull();
    expect(presentedToken(new URL('http://x/'), { cookie: '=;;=%;vq_token_5000=%E0%A4%A' })).toBeNull();
    expect(presentedToken(new URL('http://x/'), {})).toBeNull();
  });
  it('under 32 characters of [A-Za-z0-9_-] are refused with the reason (item 7)', () => {
    expect(tokenProblem('a')).toMatch(/at least 32 characters.*has 1/);
    expect(tokenProblem('x'.repeat(31))).toMatch(/at least 32/);
    expect(tokenProblem(`${'x'.repeat(40)}!`)).toMatch(/only A-Z/);
    expect(tokenProblem('A_-9'.repeat(8))).toBeNull();
  });
});

describe('hostAllowed', () => {
  it('accepts the bound address and localhost on the bound port', () => {
    expect(hostAllowed('127.0.0.1:5000', '127.0.0.1', 5000)).toBe(true);
    expect(hostAllowed('localhost:5000', '127.0.0.1', 5000)).toBe(true);
    expect(hostAllowed('LOCALHOST:5000', '127.0.0.1', 5000)).toBe(true);
    expect(hostAllowed('[::1]:5000', '::1', 5000)).toBe(true);
  });
  it('refuses other names, other ports and look-alikes (DNS rebinding, item 3)', () => {
    expect(hostAllowed('evil.example:5000', '127.0.0.1', 5000)).toBe(false);
    expect(hostAllowed('127.evil.example:5000', '127.0.0.1', 5000)).toBe(false);
    expect(hostAllowed('127.0.0.2:5000', '127.0.0.1', 5000)).toBe(false);
    expect(hostAllowed('127.0.0.1:5001', '127.0.0.1', 5000)).toBe(false);
    expect(hostAllowed('127.0.0.1', '127.0.0.1', 5000)).toBe(false);
    expect(hostAllowed('[::1]:5000', '127.0.0.1', 5000)).toBe(false);
    expect(hostAllowed('user@127.0.0.1:5000', '127.0.0.1', 5000)).toBe(false);
    expect(hostAllowed(undefined, '127.0.0.1', 5000)).toBe(false);
    expect(hostAllowed('[', '127.0.0.1', 5000)).toBe(false);
  });
  it('accepts the bound interface, and any name on the right port when bound to all', () => {
    expect(hostAllowed('192.168.1.5:80', '192.168.1.5', 80)).toBe(true);
    expect(hostAllowed('192.168.1.5', '192.168.1.5', 80)).toBe(true);
    expect(hostAllowed('myhost.lan:5000', '0.0.0.0', 5000)).toBe(true);
    expect(hostAllowed('myhost.lan:5001', '0.0.0.0', 5000)).toBe(false);
  });
});

describe('originAllowed', () => {
  it('accepts no Origin (not a browser) and exactly the page’s own origin', () => {
    expect(originAllowed(undefined, '127.0.0.1:5000')).toBe(true);
    expect(originAllowed('http://127.0.0.1:5000', '127.0.0.1:5000')).toBe(true);
    expect(originAllowed('http://localhost:5000', 'localhost:5000')).toBe(true);
    expect(originAllowed('http://[::1]:5000', '[::1]:5000')).toBe(true);
  });
  it('refuses null, other ports, schemes, hosts and odd spellings (items 2 and 3)', () => {
    for (const origin of [
      'null',
      '',
      'http://127.0.0.1:5001',
      'https://127.0.0.1:5000',
      'http://localhost:5000',
      'http://127.0.0.1:5000/',
      'http://u@127.0.0.1:5000',
      'http://127.0.0.1:5000, http://127.0.0.1:5000',
      'ws://127.0.0.1:5000',
    ]) {
      expect(originAllowed(origin, '127.0.0.1:5000'), origin).toBe(false);
    }
    expect(originAllowed(['http://127.0.0.1:5000'], '127.0.0.1:5000')).toBe(false);
  });
});
