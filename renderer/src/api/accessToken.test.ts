import { describe, expect, it } from 'vitest';
import { splitTokenFromUrl } from './accessToken';
import { webEndpoints } from './createClient';

describe('splitTokenFromUrl', () => {
  it('takes the token and removes only it from the URL', () => {
    expect(splitTokenFromUrl('http://127.0.0.1:5173/?token=abc123&x=1#h')).toEqual({
      token: 'abc123',
      cleanUrl: 'http://127.0.0.1:5173/?x=1#h',
    });
    expect(splitTokenFromUrl('http://127.0.0.1:5173/?token=abc')).toEqual({
      token: 'abc',
      cleanUrl: 'http://127.0.0.1:5173/',
    });
  });

  it('leaves a URL without a token alone', () => {
    expect(splitTokenFromUrl('http://h/')).toEqual({ token: null, cleanUrl: 'http://h/' });
  });
});

describe('webEndpoints', () => {
  it('builds the API and media URLs with the token', () => {
    const { apiUrl, mediaUrl, frameUrl } = webEndpoints(new URL('http://127.0.0.1:4000/'), 'tok');
    expect(frameUrl('id_1', 3, { width: 352, height: 288 })).toBe(
      '/media/frame/id_1?index=3&width=352&height=288&token=tok',
    );
    expect(apiUrl).toBe('ws://127.0.0.1:4000/api?token=tok');
    expect(mediaUrl('thumb', 'id_1')).toBe('/media/thumb/id_1?token=tok');
  });

  it('uses wss behind https and leaves the token out when there is none', () => {
    const { apiUrl, mediaUrl, frameUrl } = webEndpoints(new URL('https://box.example:8443/'), null);
    expect(frameUrl('x', 0)).toBe('/media/frame/x?index=0');
    expect(apiUrl).toBe('wss://box.example:8443/api');
    expect(mediaUrl('file', 'x')).toBe('/media/file/x');
  });
});
