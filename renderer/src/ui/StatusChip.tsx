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

/** A job's status as a coloured chip. */
export function StatusChip({ status }: { status: JobStatus }): ReactNode {
  return (
    <span
      className={`status-chip status-chip-${status}`}
      title={TITLES[status]}
      data-status={status}
    >
      {LABELS[status]}
    </span>
  );
}
