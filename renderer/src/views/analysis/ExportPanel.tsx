import { useRef, useState, type ReactNode } from 'react';
import type { LibraryItem } from '../../../../shared/library';
import type { ProjectImportSummary } from '../../../../shared/project';
import { useClient } from '../../hooks/useClient';
import { pushToast } from '../../stores/appStore';
import { failureOf, type Failure } from '../../stores/failureOf';
import { downloadText } from '../../ui/download';
import { ErrorPanel } from '../../ui/ErrorPanel';
import { errorTitle } from '../../ui/errorTitle';
import { projectSummaryLines } from './projectSummary';

/** Props of {@link ExportPanel}. */
export interface ExportPanelProps {
  source: LibraryItem;
  /** True when the source has scored renditions (the pooled export has rows). */
  hasPoints: boolean;
}

type Busy = 'csv' | 'json' | 'report' | 'project' | 'import' | null;

/**
 * Exports of the source's analysis — pooled results per rendition (CSV, JSON), the self-contained
 * HTML report — and the project file: export the library's sources and results to one file,
 * import one (the summary says what landed and what media is missing).
 */
export function ExportPanel({ source, hasPoints }: ExportPanelProps): ReactNode {
  const client = useClient();
  const [busy, setBusy] = useState<Busy>(null);
  const [importError, setImportError] = useState<Failure | null>(null);
  const [summary, setSummary] = useState<{ file: string; lines: string[] } | null>(null);
  const fileRef = useRef<HTMLInputElement>(null);

  async function attempt(kind: Busy, title: string, work: () => Promise<void>): Promise<void> {
    setBusy(kind);
    try {
      await work();
    } catch (err) {
      const f = failureOf(err);
      pushToast({ kind: 'error', title, message: f.message, hint: f.hint });
    } finally {
      setBusy(null);
    }
  }

  const pooled = (format: 'csv' | 'json'): Promise<void> =>
    attempt(format, 'Could not export the results', async () => {
      const file = await client.call('analysis.export', { sourceId: source.id, format });
      downloadText(file.fileName, file.text, file.mimeType);
    });

  const report = (): Promise<void> =>
    attempt('report', 'Could not make the report', async () => {
      const file = await client.call('report.html', { sourceId: source.id });
      downloadText(file.fileName, file.html, 'text/html');
    });

  const exportProject = (all: boolean): Promise<void> =>
    attempt('project', 'Could not export the project', async () => {
      const file = await client.call('project.export', all ? {} : { sourceIds: [source.id] });
      downloadText(file.fileName, file.text, file.mimeType);
    });

  async function importProject(file: File): Promise<void> {
    setBusy('import');
    setImportError(null);
    setSummary(null);
    try {
      const result: ProjectImportSummary = await client.importProject(file);
      setSummary({ file: file.name, lines: projectSummaryLines(result) });
    } catch (err) {
      setImportError(failureOf(err));
    } finally {
      setBusy(null);
      if (fileRef.current) fileRef.current.value = '';
    }
  }

  return (
    <section
      className="panel export-panel"
      aria-label="Export and import"
      data-testid="analysis-exports"
    >
      <div className="panel-head">
        <h2>Export</h2>
      </div>
      <div className="export-groups">
        <div className="export-group">
          <h3>This source</h3>
          <div className="inline-actions">
            <button
              type="button"
              className="button button-small"
              disabled={!hasPoints || busy !== null}
              title="Pooled scores per rendition (bitrate in bits/s; quality = VMAF mean), one row each"
              onClick={() => void pooled('csv')}
              data-testid="analysis-export-csv"
            >
              Results CSV
            </button>
            <button
              type="button"
              className="button button-small"
              disabled={!hasPoints || busy !== null}
              title="Pooled scores per rendition with every figure and rung fact, as JSON"
              onClick={() => void pooled('json')}
              data-testid="analysis-export-json"
            >
              Results JSON
            </button>
            <button
              type="button"
              className="button button-small"
              disabled={busy !== null}
              title="One HTML file with the charts, tables and how each number was computed; opens anywhere"
              onClick={() => void report()}
              data-testid="analysis-report"
            >
              {busy === 'report' ? 'Making the report…' : 'HTML report'}
            </button>
          </div>
          <p className="muted small">
            Per-frame values: check the scores in the Library’s Scores panel and export them there.
          </p>
        </div>
        <div className="export-group">
          <h3>Project file</h3>
          <div className="inline-actions">
            <button
              type="button"
              className="button button-small"
              disabled={busy !== null}
              title={`${source.fileName} with its ladders, renditions, scores and per-title runs, in one file (media by path)`}
              onClick={() => void exportProject(false)}
              data-testid="project-export-source"
            >
              Export this source
            </button>
            <button
              type="button"
              className="button button-small"
              disabled={busy !== null}
              title="Every source of the library with its results, in one file (media by path)"
              onClick={() => void exportProject(true)}
              data-testid="project-export-all"
            >
              Export whole library
            </button>
            <label className={`button button-small ${busy !== null ? 'is-disabled' : ''}`}>
              {busy === 'import' ? 'Importing…' : 'Import project…'}
              <input
                ref={fileRef}
                type="file"
                accept=".json,.vqproj.json,application/json"
                className="visually-hidden"
                disabled={busy !== null}
                onChange={(e) => {
                  const f = e.target.files?.[0];
                  if (f) void importProject(f);
                }}
                data-testid="project-import-file"
              />
            </label>
          </div>
        </div>
      </div>
      {importError ? (
        <ErrorPanel
          title={`Could not import the project: ${errorTitle(importError.code)}`}
          message={importError.message}
          hint={importError.hint}
          onDismiss={() => setImportError(null)}
          testId="project-import-error"
        />
      ) : null}
      {summary ? (
        <div className="notice import-summary" role="status" data-testid="project-import-summary">
          <strong>Imported {summary.file}</strong>
          {summary.lines.map((l) => (
            <p key={l}>{l}</p>
          ))}
          <button type="button" className="button button-small" onClick={() => setSummary(null)}>
            Done
          </button>
        </div>
      ) : null}
    </section>
  );
}
