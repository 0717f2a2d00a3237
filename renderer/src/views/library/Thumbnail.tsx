import { useState, type ReactNode } from 'react';
import type { LibraryItem } from '../../../../shared/library';
import { useClient } from '../../hooks/useClient';

/** The thumbnail of an item served by id, or a neutral placeholder when there is none. */
export function Thumbnail({ item, size }: { item: LibraryItem; size: 'row' | 'large' }): ReactNode {
  const client = useClient();
  const [failedId, setFailedId] = useState<string | null>(null);
  const failed = failedId === item.id;
  const { width, height, rotation } = item.media.video;
  const portrait = Math.abs(rotation) % 180 === 90 ? width > height : height > width;
  if (!item.hasThumbnail || failed) {
    return (
      <div
        className={`thumb thumb-${size} thumb-empty`}
        data-testid="thumb-placeholder"
        title="No thumbnail"
      >
        <span>{item.media.raw ? 'RAW' : 'no preview'}</span>
      </div>
    );
  }
  return (
    <img
      className={`thumb thumb-${size} ${portrait ? 'thumb-portrait' : ''}`}
      src={client.mediaUrl('thumb', item.id)}
      alt={size === 'large' ? `Frame from ${item.fileName}` : ''}
      loading="lazy"
      decoding="async"
      draggable={false}
      onError={() => setFailedId(item.id)}
      data-testid="thumb"
    />
  );
}
