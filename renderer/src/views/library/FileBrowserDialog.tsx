import {
  useCallback,
  useEffect,
  useRef,
  useState,
  type KeyboardEvent,
  type ReactNode,
} from 'react';
import { formatBytes } from '../../../../shared/format';
import type { VqClient } from '../../../../shared/api';
import type { DirListing } from '../../../../shared/library';
import { useClient } from '../../hooks/useClient';
import { messageOf } from '../../stores/messageOf';
import { Dialog } from '../../ui/Dialog';
import { joinPath } from './typedPath';

/** Props of {@link FileBrowserDialog}. */
export interface FileBrowserDialogProps {
  /** Folder to open first; the home folder when null or missing. */
  startDir: string | null;
  onChoose: (path: string) => void;
  onClose: () => void;
}

/** Lists a folder; with `fallbackHome`, a folder that cannot be read falls back to the home folder. */
async function fetchListing(
  client: VqClient,
  dir: string | undefined,
  hidden: boolean,
  fallbackHome: boolean,
): Promise<DirListing> {
  try {
    return await client.call('fs.list', dir ? { dir, showHidden: hidden } : { showHidden: hidden });
  } catch (err) {
    if (fallbackHome && dir) return client.call('fs.list', { showHidden: hidden });
    throw err;
  }
}

/** A file browser over `fs.list`: files on the machine that runs the services (web mode). */
export function FileBrowserDialog({
  startDir,
  onChoose,
  onClose,
}: FileBrowserDialogProps): ReactNode {
  const client = useClient();
  const [listing, setListing] = useState<DirListing | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [jumpText, setJumpText] = useState('');
  const [showHidden, setShowHidden] = useState(false);
  const [videoOnly, setVideoOnly] = useState(false);
  const listRef = useRef<HTMLUListElement>(null);

  // True once the person types in the folder field: a listing that arrives later must not
  // overwrite what they typed.
  const jumpEdited = useRef(false);

  const show = useCallback((next: DirListing) => {
    setListing(next);
    if (!jumpEdited.current) setJumpText(next.dir);
    setError(null);
    setLoading(false);
  }, []);
  const fail = useCallback((err: unknown) => {
    setError(messageOf(err));
    setLoading(false);
  }, []);

  useEffect(() => {
    fetchListing(client, startDir ?? undefined, false, true).then(show, fail);
  }, [client, startDir, show, fail]);

  function go(dir: string | undefined, hidden = showHidden): void {
    jumpEdited.current = false;
    setLoading(true);
    fetchListing(client, dir, hidden, false).then((next) => {
      show(next);
      requestAnimationFrame(() => listRef.current?.querySelector('button')?.focus());
    }, fail);
  }
  function onListKeyDown(e: KeyboardEvent<HTMLUListElement>): void {
    const buttons = Array.from(listRef.current?.querySelectorAll('button') ?? []);
    const at = buttons.indexOf(document.activeElement as HTMLButtonElement);
    let next = -1;
    if (e.key === 'ArrowDown') next = Math.min(buttons.length - 1, at + 1);
    else if (e.key === 'ArrowUp') next = Math.max(0, at - 1);
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = buttons.length - 1;
    else if (e.key === 'Backspace' && listing?.parent) {
      e.preventDefault();
      go(listing.parent);
      return;
    }
    if (next >= 0) {
      e.preventDefault();
      buttons[next]?.focus();
    }
  }

  const entries = (listing?.entries ?? []).filter(
    (e) => !videoOnly || e.kind === 'dir' || e.looksLikeVideo,
  );
  const videoCount = listing?.entries.filter((e) => e.looksLikeVideo).length ?? 0;

  return (
    <Dialog
      title="Choose a file on the server"
      onClose={onClose}
      className="dialog-wide file-browser"
    >
      <form
        className="browser-jump"
        onSubmit={(e) => {
          e.preventDefault();
          if (jumpText.trim()) go(jumpText.trim());
        }}
      >
        <button
          type="button"
          className="button"
          onClick={() => listing?.parent && go(listing.parent)}
          disabled={!listing?.parent}
          aria-label="Parent folder"
          title="Parent folder (Backspace in the list)"
        >
          ↑ Up
        </button>
        <input
          type="text"
          className="input mono field-grow"
          aria-label="Folder"
          value={jumpText}
          onChange={(e) => {
            jumpEdited.current = true;
            setJumpText(e.target.value);
          }}
          spellCheck={false}
          autoComplete="off"
          data-testid="browser-path"
        />
        <button type="submit" className="button">
          Go
        </button>
      </form>
      <div className="browser-options">
        <label className="check">
          <input
            type="checkbox"
            checked={videoOnly}
            onChange={(e) => setVideoOnly(e.target.checked)}
          />
          Only video files
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={showHidden}
            onChange={(e) => {
              setShowHidden(e.target.checked);
              go(listing?.dir, e.target.checked);
            }}
          />
          Show hidden
        </label>
        <span className="muted small">
          {listing ? `${listing.entries.length} entries · ${videoCount} look like video` : ''}
        </span>
      </div>
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      <div className="browser-list-frame" aria-busy={loading}>
        {loading && !listing ? <p className="muted pad">Reading folder…</p> : null}
        {listing && entries.length === 0 && !error ? (
          <p className="muted pad">Nothing to show in this folder.</p>
        ) : null}
        <ul
          className="browser-list"
          ref={listRef}
          onKeyDown={onListKeyDown}
          data-testid="browser-list"
        >
          {entries.map((entry) => (
            <li key={entry.name}>
              <button
                type="button"
                className={`browser-entry ${entry.kind === 'dir' ? 'is-dir' : ''} ${entry.looksLikeVideo ? 'is-video' : ''}`}
                onClick={() =>
                  entry.kind === 'dir'
                    ? go(joinPath(listing!.dir, entry.name))
                    : onChoose(joinPath(listing!.dir, entry.name))
                }
                title={
                  entry.kind === 'dir'
                    ? 'Open folder'
                    : entry.looksLikeVideo
                      ? 'Import this file'
                      : 'Try to import this file'
                }
              >
                <span className="browser-icon" aria-hidden="true">
                  {entry.kind === 'dir' ? '▸' : entry.looksLikeVideo ? '▶' : '·'}
                </span>
                <span className="browser-name">
                  {entry.name}
                  {entry.kind === 'dir' ? '/' : ''}
                </span>
                {entry.looksLikeVideo ? <span className="badge badge-accent">video</span> : null}
                <span className="browser-size">
                  {entry.sizeBytes !== null ? formatBytes(entry.sizeBytes) : ''}
                </span>
              </button>
            </li>
          ))}
        </ul>
      </div>
      <p className="muted small">
        Click a folder to open it; click a file to import it. The list shows the file system of the
        machine running <code>vq serve</code>.
      </p>
    </Dialog>
  );
}
