/**
 * Calls the app's API from inside the page, the way its renderer does in either shell: through the
 * preload's `window.vq` in Electron, else over its own WebSocket with the page's token. For setting
 * up what a spec is not about (queueing a batch, scoring) without clicking through it. What a spec
 * is about goes through the UI.
 */
import { expect, type Page } from '@playwright/test';

interface SocketLike {
  onopen: (() => void) | null;
  onmessage: ((e: { data: string }) => void) | null;
  onerror: (() => void) | null;
  send(text: string): void;
  close(): void;
}
type Answer = { ok: boolean; value?: unknown; error?: { message: string } };
interface PageGlobals {
  vq?: { invoke(method: string, args: unknown): Promise<Answer> };
  WebSocket: new (url: string) => SocketLike;
  sessionStorage: { getItem(key: string): string | null };
  location: { host: string };
}

/** The result of `method` with `args`, or a thrown error with the API's message. */
export async function callApi<T>(page: Page, method: string, args: unknown): Promise<T> {
  const answer = await page.evaluate(
    ([m, a]) =>
      new Promise<Answer>((resolve, reject) => {
        const g = globalThis as unknown as PageGlobals;
        if (g.vq) {
          g.vq.invoke(m, a).then(resolve, reject);
          return;
        }
        const token = g.sessionStorage.getItem('vq.token') ?? '';
        const ws = new g.WebSocket(`ws://${g.location.host}/api?token=${token}`);
        ws.onopen = () => ws.send(JSON.stringify({ id: 1, method: m, args: a }));
        ws.onmessage = (e) => {
          const msg = JSON.parse(e.data) as { id?: number; result?: never };
          if (msg.id !== 1) return;
          ws.close();
          resolve(msg.result!);
        };
        ws.onerror = () => reject(new Error('the API socket failed'));
      }),
    [method, args] as const,
  );
  if (!answer.ok) throw new Error(`${method}: ${answer.error?.message ?? 'failed'}`);
  return answer.value as T;
}

/**
 * Shows a view with its Alt+digit shortcut and waits for its title. A test's first key press can
 * come while the app is still applying its start-up route, which then shows the Library again:
 * the press is repeated until the view is shown.
 */
export async function goToView(page: Page, key: string, name: string): Promise<void> {
  await expect(async () => {
    await page.keyboard.press(`Alt+${key}`);
    await expect(page).toHaveTitle(new RegExp(`VQ Studio — ${name}`), { timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
}
