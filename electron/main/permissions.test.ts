import { describe, expect, it } from 'vitest';
import { permissionAllowed } from './permissions';

const origins = ['app://vq'];
const ask = (permission: string, requestingUrl?: string, isMainFrame = true) =>
  permissionAllowed({ permission, requestingUrl, isMainFrame }, origins);

describe('permissionAllowed', () => {
  it('lets our page copy text and show video fullscreen', () => {
    expect(ask('clipboard-sanitized-write', 'app://vq/index.html')).toBe(true);
    expect(ask('fullscreen', 'app://vq/index.html')).toBe(true);
  });
  it('denies every device, location, notification and read permission', () => {
    for (const p of [
      'media',
      'geolocation',
      'notifications',
      'clipboard-read',
      'openExternal',
      'hid',
      'usb',
      'serial',
      'midiSysex',
      'display-capture',
      'unknown',
    ]) {
      expect(ask(p, 'app://vq/index.html'), p).toBe(false);
    }
  });
  it('denies even the granted ones to other origins, iframes and unknown requesters', () => {
    expect(ask('clipboard-sanitized-write', 'https://evil.example/')).toBe(false);
    expect(ask('clipboard-sanitized-write', 'app://vq/index.html', false)).toBe(false);
    expect(ask('fullscreen', undefined)).toBe(false);
  });
});
