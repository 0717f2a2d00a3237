import { describe, expect, it } from 'vitest';
import { APP_ORIGIN, isAllowedExternal, isTrustedUrl, originOf, trustedOrigins } from './origins';

describe('originOf', () => {
  it('rebuilds the origin of a custom scheme that Node reports as "null"', () => {
    expect(new URL('app://vq/index.html').origin).toBe('null');
    expect(originOf('app://vq/index.html')).toBe('app://vq');
  });
  it('keeps the port of a dev server', () => {
    expect(originOf('http://localhost:5173/#/library')).toBe('http://localhost:5173');
  });
  it('is null for junk and host-less URLs', () => {
    expect(originOf('not a url')).toBeNull();
    expect(originOf('')).toBeNull();
    expect(originOf('about:blank')).toBeNull();
  });
});

describe('isTrustedUrl', () => {
  const origins = trustedOrigins('http://localhost:5173/');
  it('accepts the app and the dev server', () => {
    expect(origins).toEqual([APP_ORIGIN, 'http://localhost:5173']);
    expect(isTrustedUrl('app://vq/index.html', origins)).toBe(true);
    expect(isTrustedUrl('http://localhost:5173/index.html', origins)).toBe(true);
  });
  it('rejects look-alikes a string prefix check would let through', () => {
    expect(isTrustedUrl('app://vq.evil.com/index.html', origins)).toBe(false);
    expect(isTrustedUrl('app://vqx/index.html', origins)).toBe(false);
    expect(isTrustedUrl('http://localhost:51730/', origins)).toBe(false);
    expect(isTrustedUrl('http://localhost:5173@evil.com/', origins)).toBe(false);
    expect(isTrustedUrl('https://localhost:5173/', origins)).toBe(false);
    expect(isTrustedUrl('file:///etc/passwd', origins)).toBe(false);
  });
  it('trusts only the app origin without a dev server', () => {
    expect(trustedOrigins(undefined)).toEqual([APP_ORIGIN]);
    expect(trustedOrigins('')).toEqual([APP_ORIGIN]);
  });
});

describe('isAllowedExternal', () => {
  it('opens https links to allow-listed hosts', () => {
    expect(isAllowedExternal('https://github.com/Netflix/vmaf')).toBe(true);
    expect(isAllowedExternal('https://ffmpeg.org/ffmpeg-filters.html#libvmaf')).toBe(true);
  });
  it('refuses other schemes, hosts and credential tricks', () => {
    expect(isAllowedExternal('http://github.com/')).toBe(false);
    expect(isAllowedExternal('file:///bin/sh')).toBe(false);
    expect(isAllowedExternal('https://github.com.evil.com/')).toBe(false);
    expect(isAllowedExternal('https://user:pw@github.com/')).toBe(false);
    expect(isAllowedExternal('javascript:alert(1)')).toBe(false);
    expect(isAllowedExternal('smb://github.com/share')).toBe(false);
  });
});
