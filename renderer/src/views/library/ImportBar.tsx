import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { looksRaw, parseRawSpec } from '../../../../shared/rawSpec';
import { useClient } from '../../hooks/useClient';
import { useAppStore } from '../../stores/appStore';
import { importPaths, importWithDialog } from '../../stores/libraryActions';
import { useLibraryStore } from '../../stores/libraryStore';
import { DropHint } from './DropHint';
import { FileBrowserDialog } from './FileBrowserDialog';
import { RawFormatField } from './RawFormatField';
import { baseNameOf, cleanTypedPath, dirNameOf } from './typedPath';

/** The import bar: path field, raw format (for .yuv), Browse…, Open… and the drop hint. */
export function ImportBar(): ReactNode {
  const client = useClient();
  const capabilities = useAppStore((s) => s.appInfo?.capabilities ?? null);
  const where = useAppStore((s) =>
    s.appInfo?.mode === 'web' ? 'on the server' : 'on this computer',
  );
  const focusRequest = useAppStore((s) => s.importFocusRequest);
  const importing = useLibraryStore((s) => s.importing);
  const [pathText, setPathText] = useState('');
  const [rawText, setRawText] = useState('');
  const [formError, setFormError] = useState<string | null>(null);
  const [browsing, setBrowsing] = useState(false);
  const pathRef = useRef<HTMLInputElement>(null);
  const rawRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (focusRequest === 0) return;
    pathRef.current?.focus();
    pathRef.current?.select();
  }, [focusRequest]);

  const path = cleanTypedPath(pathText);
  const isRaw = path !== '' && looksRaw(path);

  async function submit(chosenPath = path): Promise<void> {
    if (!chosenPath) {
      setFormError('Type the path of a video file first.');
      pathRef.current?.focus();
      return;
    }
    let raw;
    if (looksRaw(chosenPath)) {
      const parsed = parseRawSpec(rawText);
      if (!parsed.ok) {
        setFormError(
          rawText.trim()
            ? parsed.message
            : 'A raw .yuv file has no header: give its format as WxH:pix_fmt[:fps], e.g. 1920x1080:yuv420p:25.',
        );
        rawRef.current?.focus();
        return;
      }
      raw = parsed.spec;
    }
    setFormError(null);
    const allLanded = await importPaths(client, [chosenPath], raw);
    if (allLanded) {
      setPathText('');
      setRawText('');
    }
  }

  function onSubmit(e: FormEvent): void {
    e.preventDefault();
    void submit();
  }

  function onChooseFromBrowser(chosen: string): void {
    setBrowsing(false);
    setPathText(chosen);
    setFormError(null);
    if (looksRaw(chosen)) {
      // Raw video needs its format before it can be read; let the person give it.
      requestAnimationFrame(() => rawRef.current?.focus());
    } else {
      void submit(chosen);
    }
  }

  return (
    <section className="import-bar" aria-label="Import">
      <form className="import-form" onSubmit={onSubmit} noValidate>
        <div className="import-row">
          <label className="field field-grow">
            <span className="field-label">
              Import a video file by path <span className="muted">({where})</span>
            </span>
            <input
              ref={pathRef}
              type="text"
              className="input mono"
              data-testid="import-path"
              placeholder="/path/to/source.mp4"
              value={pathText}
              onChange={(e) => {
                setPathText(e.target.value);
                setFormError(null);
              }}
              spellCheck={false}
              autoComplete="off"
              autoCapitalize="off"
              aria-keyshortcuts="/ Control+L"
              aria-invalid={formError !== null && !isRaw}
              aria-describedby="import-form-error"
            />
          </label>
          {isRaw ? (
            <RawFormatField
              ref={rawRef}
              fileName={baseNameOf(path)}
              value={rawText}
              onChange={(v) => {
                setRawText(v);
                setFormError(null);
              }}
            />
          ) : null}
          <div className="import-actions">
            <button
              type="submit"
              className="button button-primary"
              data-testid="import-button"
              disabled={importing}
            >
              {importing ? 'Importing…' : 'Import'}
            </button>
            {capabilities?.fileBrowser ? (
              <button
                type="button"
                className="button"
                data-testid="browse-button"
                onClick={() => setBrowsing(true)}
              >
                Browse…
              </button>
            ) : null}
            {capabilities?.nativeDialog ? (
              <button
                type="button"
                className="button"
                data-testid="import-dialog-button"
                onClick={() => void importWithDialog(client)}
                disabled={importing}
              >
                Open…
              </button>
            ) : null}
          </div>
        </div>
        <p id="import-form-error" className="form-error" role={formError ? 'alert' : undefined}>
          {formError}
        </p>
      </form>
      <DropHint dropImport={capabilities?.dropImport ?? false} />
      {browsing ? (
        <FileBrowserDialog
          startDir={path ? dirNameOf(path) : null}
          onChoose={onChooseFromBrowser}
          onClose={() => setBrowsing(false)}
        />
      ) : null}
    </section>
  );
}
