/**
 * One worker of the Workers table, and when opened a second row with each of its ffmpeg builds:
 * path, version, encoders and libvmaf (version, models, features).
 */
import { memo, type ReactNode } from 'react';
import type { ListedWorker, WorkerBuild } from '../../../../shared/workers';
import { concurrencyText, isLate, lastHeardText } from './workersText';
import { libvmafText, workerEncoders, workerLibvmafText } from '../../../../shared/workers';

/** Columns of the table (the details row spans them all). */
export const WORKER_COLUMNS = 9;

/** Props of {@link WorkerRow}. */
export interface WorkerRowProps {
  worker: ListedWorker;
  open: boolean;
  /** Opens or closes the details of the worker with this name (a stable function). */
  onToggle: (name: string) => void;
}

/** A table row (and, when open, a row with its builds) for one worker. */
export const WorkerRow = memo(function WorkerRow({
  worker,
  open,
  onToggle,
}: WorkerRowProps): ReactNode {
  const encoders = workerEncoders(worker.builds);
  const late = isLate(worker.silentMs);
  const detailsId = `worker-details-${worker.name}`;
  return (
    <>
      <tr
        className={`worker-row${open ? ' is-open' : ''}${late ? ' is-late' : ''}`}
        data-testid="worker-row"
        data-name={worker.name}
        data-late={late}
      >
        <td>
          <button
            type="button"
            className="worker-toggle"
            aria-expanded={open}
            aria-controls={detailsId}
            title={`${open ? 'Hide' : 'Show'} its ffmpeg builds (running since ${new Date(worker.startedAt).toLocaleString()})`}
            onClick={() => onToggle(worker.name)}
          >
            <span className="worker-caret" aria-hidden="true">
              {open ? '▾' : '▸'}
            </span>
            <span className="cell-name">{worker.name}</span>
          </button>
        </td>
        <td className="worker-host" title={`pid ${worker.pid}`}>
          {worker.host}
        </td>
        <td className="num mono">{worker.cores}</td>
        <td
          className="num"
          title="Jobs it runs at once (--concurrency), threads per job (--threads)"
        >
          {concurrencyText(worker)}
        </td>
        <td className="num mono" title={encoders.join(', ')} data-testid="worker-encoders">
          {encoders.length}
        </td>
        <td data-testid="worker-libvmaf">{workerLibvmafText(worker.builds)}</td>
        <td className="worker-job mono" title={worker.currentJob ?? 'No job running'}>
          {worker.currentJob ?? <span className="muted">idle</span>}
        </td>
        <td className="num mono" data-testid="worker-done">
          {worker.jobsDone}
        </td>
        <td
          className="num worker-heard"
          title={`Last heartbeat ${new Date(worker.lastHeartbeat).toLocaleString()} (its clock)`}
          data-testid="worker-heard"
        >
          {lastHeardText(worker.silentMs)}
          {late ? <span className="status-chip worker-late">late</span> : null}
        </td>
      </tr>
      {open ? (
        <tr className="worker-details-row" id={detailsId} data-testid="worker-details">
          <td colSpan={WORKER_COLUMNS}>
            <div className="worker-details">
              {worker.builds.length === 0 ? (
                <p className="muted">This worker found no ffmpeg it can run.</p>
              ) : (
                worker.builds.map((b) => <BuildFacts key={b.path} build={b} />)
              )}
            </div>
          </td>
        </tr>
      ) : null}
    </>
  );
});

/** One ffmpeg build of a worker, as its toolchain proved it. */
function BuildFacts({ build }: { build: WorkerBuild }): ReactNode {
  const vmaf = build.libvmaf;
  return (
    <section className="worker-build" data-testid="worker-build">
      <h3 className="mono worker-build-path">{build.path}</h3>
      <dl className="worker-facts">
        <dt>Version</dt>
        <dd className="mono">{build.version ?? 'unknown'}</dd>
        <dt>Encoders ({build.encoders.length})</dt>
        <dd className="mono">{build.encoders.length ? build.encoders.join(', ') : 'none'}</dd>
        <dt>libvmaf</dt>
        <dd className="mono" data-testid="build-libvmaf">
          {libvmafText(build) ?? 'none'}
        </dd>
        {vmaf ? (
          <>
            <dt>Models ({vmaf.models.length})</dt>
            <dd className="mono">{vmaf.models.length ? vmaf.models.join(', ') : 'none'}</dd>
            <dt>Features ({vmaf.features.length})</dt>
            <dd className="mono">{vmaf.features.length ? vmaf.features.join(', ') : 'none'}</dd>
          </>
        ) : null}
      </dl>
    </section>
  );
}
