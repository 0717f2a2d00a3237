import { useEffect, useMemo, useState, type ReactNode } from 'react';
import type { Batch, Job, Rendition } from '../../../../shared/queue';
import { useClient } from '../../hooks/useClient';
import { useNow } from '../../hooks/useNow';
import { showView } from '../../stores/appStore';
import { useLibraryStore } from '../../stores/libraryStore';
import {
  cancelAll,
  cancelJob,
  clearFinished,
  moveJob,
  pauseQueue,
  rerunRung,
  retryJob,
  runBatchNext,
} from '../../stores/queueActions';
import { focusBatch, useQueueStore } from '../../stores/queueStore';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { ErrorPanel } from '../../ui/ErrorPanel';
import { BatchCard } from './BatchCard';
import { jobText, type JobNames } from '../../model/queue/jobText';
import { queuePlaces } from '../../model/queue/queueFigures';
import { RenditionTable } from './RenditionTable';

type Confirming =
  { kind: 'job'; job: Job } | { kind: 'batch'; batch: Batch } | { kind: 'all' } | null;

function groupBy<T>(list: readonly T[], key: (t: T) => string | null): Map<string | null, T[]> {
  const out = new Map<string | null, T[]>();
  for (const t of list) {
    const k = key(t);
    out.set(k, [...(out.get(k) ?? []), t]);
  }
  return out;
}

/** The batch queue: every batch with live job progress, actions, details and its renditions. */
export function QueueView(): ReactNode {
  const client = useClient();
  const { data, loading, loadError, focusBatchId } = useQueueStore();
  const items = useLibraryStore((s) => s.data.items);
  const [confirming, setConfirming] = useState<Confirming>(null);
  const activeJobs = data.jobs.filter((j) => j.status === 'queued' || j.status === 'running');
  const now = useNow(activeJobs.length > 0, 1000);

  const batches = useMemo(
    () => data.batches.slice().sort((a, b) => b.createdAt.localeCompare(a.createdAt)),
    [data.batches],
  );
  const jobsByBatch = useMemo(() => groupBy(data.jobs, (j) => j.batchId), [data.jobs]);
  const renditionsByBatch = useMemo(
    () => groupBy(data.renditions, (r) => r.batchId),
    [data.renditions],
  );
  const places = useMemo(() => queuePlaces(data.jobs), [data.jobs]);
  const finishedBatches = batches.filter((b) =>
    (jobsByBatch.get(b.id) ?? []).every((j) => j.status !== 'queued' && j.status !== 'running'),
  ).length;
  const batchIds = new Set(batches.map((b) => b.id));
  const loose: Rendition[] = data.renditions.filter(
    (r) => r.batchId === null || !batchIds.has(r.batchId),
  );
  const nameOf = (sourceId: string): string =>
    items.find((i) => i.id === sourceId)?.fileName ?? `source ${sourceId}`;
  const names = useMemo<JobNames>(
    () => ({
      rendition: (id) => data.renditions.find((r) => r.id === id)?.rungId ?? null,
      item: (id) => items.find((i) => i.id === id)?.fileName ?? null,
      jobRungs: (id) => data.jobs.find((j) => j.id === id)?.rungIds ?? null,
    }),
    [data.renditions, data.jobs, items],
  );

  useEffect(() => {
    if (!focusBatchId) return;
    const el = document.querySelector(`[data-batch-id="${CSS.escape(focusBatchId)}"]`);
    if (!el) return;
    el.scrollIntoView({ block: 'start' });
    const timer = setTimeout(() => focusBatch(null), 2500);
    return () => clearTimeout(timer);
  }, [focusBatchId, batches.length]);

  const concurrency = data.concurrency;
  const concurrencyText = concurrency
    ? `${concurrency.effective} job${concurrency.effective === 1 ? '' : 's'} at a time${
        concurrency.setting === null ? ' (automatic)' : ''
      }`
    : null;

  return (
    <div className="view queue-view">
      <header className="view-header">
        <div>
          <h1>Queue</h1>
          <p className="view-lead">
            Every encode and score as it runs: live progress per job, the exact ffmpeg commands, and
            the renditions once their files are complete. The queue survives a restart.
          </p>
        </div>
        <div className="view-header-actions">
          {concurrencyText ? (
            <button
              type="button"
              className="link-button muted small"
              onClick={() => showView('settings')}
              title="Change in Settings"
            >
              {concurrencyText}
            </button>
          ) : null}
          <button
            type="button"
            className="button"
            disabled={finishedBatches === 0}
            onClick={() => void clearFinished(client)}
            title="Remove the batches whose every job has finished from this list; their renditions and scores stay in the Library"
            data-testid="clear-finished"
          >
            Clear finished
          </button>
          <button
            type="button"
            className="button"
            onClick={() => void pauseQueue(client, !data.paused)}
            title={
              data.paused
                ? 'Start queued jobs again'
                : 'Start no new job; running jobs finish (a `vq encode` in a terminal runs on)'
            }
            data-testid="pause-queue"
          >
            {data.paused ? 'Resume queue' : 'Pause queue'}
          </button>
          <button
            type="button"
            className="button button-danger-quiet"
            disabled={activeJobs.length === 0}
            onClick={() => setConfirming({ kind: 'all' })}
            data-testid="cancel-all"
          >
            Cancel all
          </button>
        </div>
      </header>

      {loadError ? (
        <ErrorPanel
          title="The queue could not be loaded"
          message={loadError}
          testId="queue-error"
        />
      ) : null}

      {data.paused ? (
        <div className="notice notice-warning" role="status" data-testid="queue-paused">
          <strong>The queue is paused.</strong>{' '}
          {data.jobs.some((j) => j.status === 'running')
            ? 'Running jobs finish; no queued job starts until you resume.'
            : 'No queued job starts until you resume.'}
        </div>
      ) : null}

      {!loading && batches.length === 0 && loose.length === 0 && !loadError ? (
        <div className="empty-state">
          <h2>Nothing encoded yet</h2>
          <p>
            Choose a source and a ladder in Ladders and press Encode. Each rung becomes a job here,
            with its progress and its exact ffmpeg command.
          </p>
          <button
            type="button"
            className="button button-primary"
            onClick={() => showView('ladders')}
          >
            Go to Ladders
          </button>
        </div>
      ) : null}

      {batches.map((batch) => (
        <BatchCard
          key={batch.id}
          batch={batch}
          jobs={jobsByBatch.get(batch.id) ?? []}
          renditions={renditionsByBatch.get(batch.id) ?? []}
          progress={data.progress}
          concurrency={concurrency}
          sourceName={nameOf(batch.sourceId)}
          now={now}
          highlighted={batch.id === focusBatchId}
          onRequestCancel={(job) => setConfirming({ kind: 'job', job })}
          onRequestCancelBatch={(b) => setConfirming({ kind: 'batch', batch: b })}
          onRetry={(job) => void retryJob(client, job.id)}
          onRerun={(b, rungId) => void rerunRung(client, b.id, rungId)}
          places={places}
          onMove={(job, to) => void moveJob(client, job.id, to)}
          onRunNext={(b) => void runBatchNext(client, b.id)}
          names={names}
        />
      ))}

      {loose.length ? (
        <section className="panel" aria-label="Other renditions">
          <h2>Other renditions</h2>
          <p className="muted small">Renditions whose batch is no longer in the queue.</p>
          <RenditionTable renditions={loose} />
        </section>
      ) : null}

      {confirming?.kind === 'job' ? (
        <ConfirmDialog
          title={`Cancel ${jobText(confirming.job, names).title}?`}
          confirmLabel="Cancel job"
          onCancel={() => setConfirming(null)}
          onConfirm={() => {
            void cancelJob(client, confirming.job.id);
            setConfirming(null);
          }}
        >
          <p>
            {confirming.job.status !== 'running'
              ? 'The job will not start.'
              : confirming.job.kind === 'score'
                ? 'ffmpeg is stopped; nothing is stored for this job.'
                : 'ffmpeg is stopped and the partly written file is deleted.'}{' '}
            You can retry it later.
          </p>
        </ConfirmDialog>
      ) : null}
      {confirming?.kind === 'batch' ? (
        <ConfirmDialog
          title="Cancel this batch?"
          confirmLabel="Cancel batch"
          onCancel={() => setConfirming(null)}
          onConfirm={() => {
            void cancelAll(client, confirming.batch.id);
            setConfirming(null);
          }}
        >
          <p>
            Every queued and running job of “{confirming.batch.ladder?.name ?? 'Scoring'}” on{' '}
            {nameOf(confirming.batch.sourceId)} stops; partial files are deleted. Finished
            renditions stay.
          </p>
        </ConfirmDialog>
      ) : null}
      {confirming?.kind === 'all' ? (
        <ConfirmDialog
          title="Cancel every job?"
          confirmLabel="Cancel all"
          onCancel={() => setConfirming(null)}
          onConfirm={() => {
            void cancelAll(client);
            setConfirming(null);
          }}
        >
          <p>
            {activeJobs.length} queued or running job{activeJobs.length === 1 ? '' : 's'} stop;
            partial files are deleted. Finished renditions stay.
          </p>
        </ConfirmDialog>
      ) : null}
    </div>
  );
}
