import type { ReactNode } from 'react';
import type { JobStatus } from '../../../shared/queue';

const LABELS: Record<JobStatus, string> = {
  queued: 'Queued',
  running: 'Running',
  done: 'Done',
  failed: 'Failed',
  canceled: 'Canceled',
  interrupted: 'Interrupted',
};

const TITLES: Partial<Record<JobStatus, string>> = {
  interrupted: 'The app stopped while this job ran; retry it to encode again',
};

/**
 * A job's status as a coloured chip; `label` says more than the status (a running job on the
 * shared queue that no worker has taken yet is "Waiting").
 */
export function StatusChip({ status, label }: { status: JobStatus; label?: string }): ReactNode {
  return (
    <span
      className={`status-chip status-chip-${status}`}
      title={TITLES[status]}
      data-status={status}
    >
      {label ?? LABELS[status]}
    </span>
  );
}
