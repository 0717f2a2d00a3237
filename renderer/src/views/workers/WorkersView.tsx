/**
 * Workers: the machines registered as `vq worker` in the shared queue's Redis (VQ_REDIS_URL) —
 * what each can run (cores, jobs at once, encoders, libvmaf), what it is doing and when it was last
 * heard from — read every two seconds while the view is open. Without a Redis it says how to set
 * one up; when the Redis cannot be read it says why.
 */
import { useCallback, useState, type ReactNode } from 'react';
import type { WorkerListing } from '../../../../shared/workers';
import { useCommandShell } from '../../hooks/useCommandShell';
import { useWorkersStore } from '../../stores/workersStore';
import { CommandBlock } from '../../ui/CommandBlock';
import { CopyButton } from '../../ui/CopyButton';
import { ErrorPanel } from '../../ui/ErrorPanel';
import { useWorkersPolling } from './useWorkersPolling';
import { WorkerRow } from './WorkerRow';
import { redisForCommand } from './workersText';

/** The placeholder Redis address in the set-up steps. */
const EXAMPLE_REDIS = 'redis://HOST:PORT';

/** The Workers view. */
export function WorkersView(): ReactNode {
  useWorkersPolling();
  const { status, error } = useWorkersStore();
  const listing = status?.configured ? status.listing : null;
  const count = listing?.workers.length ?? null;

  return (
    <div className="view workers-view" data-testid="workers-panel" aria-busy={status === null}>
      <header className="view-header">
        <div>
          <h1>Workers</h1>
          <p className="view-lead">
            The machines running <code className="mono">vq worker</code> for the shared queue: what
            each can run, what it is doing and when it was last heard from. Read every two seconds
            while this view is open.
          </p>
        </div>
        {count !== null && status?.configured ? (
          <span className="view-count muted" data-testid="workers-count">
            {count} worker{count === 1 ? '' : 's'} on <span className="mono">{status.redis}</span>
          </span>
        ) : null}
      </header>

      {error ? (
        <ErrorPanel
          title="Could not ask the app for the workers"
          message={error}
          hint="The view keeps trying every two seconds."
          testId="workers-call-error"
        />
      ) : null}

      {status === null ? (
        error === null ? (
          <p className="muted workers-empty">Reading the workers…</p>
        ) : null
      ) : !status.configured ? (
        <NotConfigured />
      ) : status.error ? (
        <ErrorPanel
          title={`Could not list the workers${status.redis ? ` on ${status.redis}` : ''}`}
          message={status.error.message}
          hint={status.error.hint}
          testId="workers-redis-error"
        />
      ) : (
        <WorkersTable listing={status.listing} redis={status.redis} />
      )}
    </div>
  );
}

/** The table of workers, or how to start one when none is registered. */
function WorkersTable({ listing, redis }: { listing: WorkerListing; redis: string }): ReactNode {
  const [openName, setOpenName] = useState<string | null>(null);
  const toggle = useCallback(
    (name: string) => setOpenName((current) => (current === name ? null : name)),
    [],
  );
  return (
    <>
      {listing.workers.length > 0 ? (
        <div className="table-frame">
          <table className="log-table workers-table" data-testid="workers-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Host</th>
                <th scope="col" className="num">
                  Cores
                </th>
                <th scope="col" className="num" title="Jobs it runs at once">
                  Concurrency
                </th>
                <th scope="col" className="num">
                  Encoders
                </th>
                <th scope="col">libvmaf</th>
                <th scope="col">Current job</th>
                <th scope="col" className="num">
                  Jobs done
                </th>
                <th scope="col" className="num">
                  Last heard
                </th>
              </tr>
            </thead>
            <tbody>
              {listing.workers.map((w) => (
                <WorkerRow key={w.name} worker={w} open={openName === w.name} onToggle={toggle} />
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <div className="empty-state" data-testid="workers-empty">
          <h2>No worker is registered</h2>
          <p>
            Nothing is working for the queue on <span className="mono">{redis}</span> yet. On each
            machine that should take jobs, run:
          </p>
          <CommandBlock
            args={['vq', 'worker', '--redis', redisForCommand(redis), '--name', 'NAME']}
            label="Start a worker"
          />
        </div>
      )}
      {listing.invalid > 0 ? (
        <p className="text-warn" data-testid="workers-invalid">
          {listing.invalid} record{listing.invalid === 1 ? '' : 's'} under vq:worker:* in this Redis{' '}
          {listing.invalid === 1 ? 'is' : 'are'} not a valid worker record and{' '}
          {listing.invalid === 1 ? 'was' : 'were'} left out (another version or another program
          wrote {listing.invalid === 1 ? 'it' : 'them'}).
        </p>
      ) : null}
    </>
  );
}

/** How to set up the shared queue: a Redis for the app, and workers pointed at it. */
function NotConfigured(): ReactNode {
  const shell = useCommandShell();
  const setVariable =
    shell === 'win32'
      ? `set VQ_REDIS_URL=${EXAMPLE_REDIS}`
      : `export VQ_REDIS_URL=${EXAMPLE_REDIS}`;
  return (
    <section className="panel workers-setup" data-testid="workers-not-configured">
      <h2>No shared queue is set up</h2>
      <p>
        Workers register in the Redis the shared queue runs on, and this app was started without
        one: <code className="mono">VQ_REDIS_URL</code> is not set. Without it the queue runs on
        this machine alone.
      </p>
      <ol className="workers-steps">
        <li>
          <p>
            Set <code className="mono">VQ_REDIS_URL</code> to your Redis before starting the app
            (with a password: <code className="mono">redis://:PASSWORD@HOST:PORT</code>), then start
            it again:
          </p>
          <div className="command-block">
            <div className="command-head">
              <span className="command-label">Environment</span>
              <CopyButton text={setVariable} />
            </div>
            <pre className="command-text" data-testid="workers-env-line">
              {setVariable}
            </pre>
          </div>
        </li>
        <li>
          <p>On each machine that should take jobs, start a worker with a name of its own:</p>
          <CommandBlock
            args={['vq', 'worker', '--redis', EXAMPLE_REDIS, '--name', 'NAME']}
            label="Start a worker"
            testId="workers-worker-command"
          />
        </li>
      </ol>
    </section>
  );
}
