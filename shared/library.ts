import type { MediaInfo } from './media';

/** A source file the person imported. The file itself is never moved or deleted by the app. */
export interface LibraryItem {
  id: string;
  path: string;
  fileName: string;
  /** ISO timestamp of the import. */
  addedAt: string;
  sizeBytes: number;
  media: MediaInfo;
  /** True when a thumbnail was made; fetch it by id through the media route. */
  hasThumbnail: boolean;
}

/** The outcome of importing several paths: each path either lands or fails with a reason. */
export interface ImportOutcome {
  imported: LibraryItem[];
  /** Paths that were already in the library (the existing item is returned, nothing is added). */
  existing: LibraryItem[];
  failed: { path: string; code: string; message: string; hint?: string }[];
}

/** One entry of the server-side file browser (web mode). */
export interface DirEntry {
  name: string;
  kind: 'dir' | 'file';
  sizeBytes: number | null;
  /** True when the extension looks like video (a hint for the browser, not a guarantee). */
  looksLikeVideo: boolean;
}

/** A directory listing for the server-side file browser. */
export interface DirListing {
  dir: string;
  parent: string | null;
  entries: DirEntry[];
}
