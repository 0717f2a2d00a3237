/**
 * Packages a batch of the queue from the app (`packages.create`): its newest rendition of each
 * rung, as HLS and DASH over CMAF segments in the data folder's `packages/`; with "align",
 * rungs whose keyframes miss the segment boundaries are re-encoded instead of refused.
 */
import { useMemo, useState, type ReactNode } from 'react';
import type { PackageEntry } from '../../../../shared/playback';
import { useClient } from '../../hooks/useClient';
import { useLibraryStore } from '../../stores/libraryStore';
import { useQueueStore } from '../../stores/queueStore';

export function PackageBatch({ onMade }: { onMade: (entry: PackageEntry) => void }): ReactNode {
  const client = useClient();
  const { batches, renditions } = useQueueStore((s) => s.data);
  const items = useLibraryStore((s) => s.data.items);
  const choices = useMemo(
    () =>
      batches
        .filter((b) => b.ladder && renditions.some((r) => r.batchId === b.id))
        .map((b) => ({
          id: b.id,
          label: `${items.find((i) => i.id === b.sourceId)?.fileName ?? b.sourceId} — ${b.ladder!.name} (${new Set(renditions.filter((r) => r.batchId === b.id).map((r) => r.rungId)).size} rungs, ${b.createdAt.slice(0, 16).replace('T', ' ')})`,
        }))
        .reverse(),
    [batches, renditions, items],
  );
  const [batchId, setBatchId] = useState<string>('');
  const [segment, setSegment] = useState('');
  const [align, setAlign] = useState(false);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  const chosen = batchId || choices[0]?.id || '';

  const make = async (): Promise<void> => {
    setBusy(true);
    setMessage(null);
    try {
      const seconds = segment.trim() === '' ? undefined : Number(segment);
      if (seconds !== undefined && !(seconds >= 0.5 && seconds <= 60)) {
        setMessage({
          error: true,
          text: `Segment seconds: "${segment}" is not a number from 0.5 to 60 (leave it empty to choose from the GOPs).`,
        });
        return;
      }
      const entry = await client.call('packages.create', {
        batchId: chosen,
        segmentSeconds: seconds,
        align,
        hls: true,
        dash: true,
      });
      setMessage({ error: false, text: `Packaged to ${entry.dir}` });
      onMade(entry);
    } catch (err) {
      setMessage({ error: true, text: (err as Error).message });
    } finally {
      setBusy(false);
    }
  };

  if (choices.length === 0) return null;
  return (
    <details className="play-package-batch" data-testid="play-package-batch">
      <summary>Package a batch of the queue</summary>
      <div className="play-controls">
        <label>
          Batch{' '}
          <select
            value={chosen}
            onChange={(e) => setBatchId(e.target.value)}
            disabled={busy}
            data-testid="play-batch"
          >
            {choices.map((c) => (
              <option key={c.id} value={c.id}>
                {c.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Segment seconds{' '}
          <input
            className="input"
            inputMode="decimal"
            placeholder="auto"
            size={6}
            value={segment}
            onChange={(e) => setSegment(e.target.value)}
            disabled={busy}
            data-testid="play-segment"
          />
        </label>
        <label>
          <input
            type="checkbox"
            checked={align}
            onChange={(e) => setAlign(e.target.checked)}
            disabled={busy}
          />{' '}
          Re-encode rungs whose keyframes miss the segments
        </label>
        <button
          type="button"
          className="button"
          onClick={() => void make()}
          disabled={busy || !chosen}
          data-testid="play-make-package"
        >
          {busy ? 'Packaging…' : 'Package'}
        </button>
      </div>
      {message ? (
        <p className={message.error ? 'form-error' : 'muted'} data-testid="play-package-message">
          {message.text}
        </p>
      ) : null}
    </details>
  );
}
