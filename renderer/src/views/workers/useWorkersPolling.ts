/** Keeps the workers store current while the Workers view is open (a read every two seconds). */
import { useEffect } from 'react';
import { useClient } from '../../hooks/useClient';
import { pollWorkers } from '../../stores/workersStore';

/** Polls `workers.list` for as long as the calling component is mounted. */
export function useWorkersPolling(): void {
  const client = useClient();
  useEffect(() => pollWorkers(client), [client]);
}
