/** Picks the transport at start-up: the Electron preload when present, else the WebSocket. */
import { establishToken } from './accessToken';
import { frameQuery } from './frameQuery';
import { createIpcClient, preloadBridge } from './ipcClient';
import type { RendererClient } from './rendererClient';
import { createWsClient } from './wsClient';

/** The WebSocket API URL and media URL builder for a page served by `vq serve`. */
export function webEndpoints(
  location: Location | URL,
  token: string | null,
): {
  apiUrl: string;
  projectImportUrl: string;
  mediaUrl: (kind: 'file' | 'thumb', id: string) => string;
  frameUrl: (id: string, index: number, size?: { width: number; height: number }) => string;
  playUrl: (sessionId: string, file: string) => string;
  withAccess: (url: string) => string;
} {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const query = token ? `?token=${encodeURIComponent(token)}` : '';
  return {
    apiUrl: `${scheme}//${location.host}/api${query}`,
    projectImportUrl: `/api/project-import${query}`,
    mediaUrl: (kind, id) => `/media/${kind}/${encodeURIComponent(id)}${query}`,
    frameUrl: (id, index, size) =>
      `/media/frame/${encodeURIComponent(id)}${frameQuery(index, size)}${
        token ? `&token=${encodeURIComponent(token)}` : ''
      }`,
    playUrl: (sessionId, file) => `/media/play/${encodeURIComponent(sessionId)}/${file}${query}`,
    withAccess: (url) => {
      if (!token) return url;
      const u = new URL(url, location.href);
      u.searchParams.set('token', token);
      return u.href;
    },
  };
}

/** Creates the one API client of this window. */
export async function createClient(win: Window = window): Promise<RendererClient> {
  const bridge = preloadBridge(win);
  if (bridge) return createIpcClient(bridge);
  const token = establishToken(win);
  const { apiUrl, projectImportUrl, ...urls } = webEndpoints(win.location, token);
  return createWsClient({ url: apiUrl, projectImportUrl, ...urls });
}
