/**
 * What every e2e spec may ask of the app, whichever shell it runs in (see fixture.ts): its window
 * at the start page, where its frames are served, and a download's bytes.
 */
import type { Page, ViewportSize } from '@playwright/test';

/** The two ways VQ Studio runs: `vq serve` in a browser, and the Electron desktop app. */
export type Shell = 'web' | 'electron';

/** A frame scaled to this size. */
export interface FrameSize {
  width: number;
  height: number;
}

/** The app started for a spec file, in either shell. */
export interface ShellApp {
  readonly shell: Shell;
  /** Its data folder (VQ_DATA_DIR), fresh for each app. */
  readonly dataDir: string;
  /** The environment it was started with, less VQ_DATA_DIR (for a `vq` command run beside it). */
  readonly env: NodeJS.ProcessEnv;
  /** The app's window at its start page (web: a new tab; electron: the one window, reloaded). */
  openWindow(viewport: ViewportSize | null): Promise<Page>;
  /** Done with a window from {@link openWindow}. */
  closeWindow(page: Page): Promise<void>;
  /** The URL the page loads frame `index` of library item `id` from, as the renderer builds it. */
  frameUrl(id: string, index: number, size?: FrameSize): string;
  /** The file a click in `start` downloads: its suggested name and bytes. */
  download(page: Page, start: () => Promise<void>): Promise<{ name: string; bytes: Buffer }>;
  /** Stops the app and deletes its data folder. */
  close(): Promise<void>;
}
