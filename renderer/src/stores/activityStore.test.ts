/** The activity store's reducer: snapshot, buffered and newer events, one row per process. */
import { describe, expect, it } from 'vitest';
import type { CommandEntry, CommandOutcome } from '../../../shared/activity';
import type { VqEvent } from '../../../shared/api';
import {
  applyActivityEvent,
  applyActivitySnapshot,
  initialActivityData,
  upsertEntry,
} from './activityStore';

function entry(id: number, outcome: CommandOutcome = 'ok'): CommandEntry {
  const ended = outcome !== 'running';
  return {
    id,
    purpose: 'probe',
    binary: 'ffprobe',
    argv: ['ffprobe', `${id}.mp4`],
    commandLine: `ffprobe ${id}.mp4`,
    startedAt: 1000 * id,
    endedAt: ended ? 1000 * id + 5 : null,
    durationMs: ended ? 5 : null,
    pid: 100 + id,
    outcome,
    exitCode: outcome === 'ok' ? 0 : null,
    signal: null,
    error: null,
    stderrTail: null,
  };
}
const updated = (seq: number, e: CommandEntry): VqEvent => ({
  seq,
  type: 'activity.updated',
  entry: e,
});
const shown = (d: { entries: CommandEntry[] }): string[] =>
  d.entries.map((e) => `${e.id}:${e.outcome}`);

describe('activity store', () => {
  it('buffers events until the snapshot, then applies only the newer ones', () => {
    let d = applyActivityEvent(initialActivityData, updated(4, entry(1)));
    d = applyActivityEvent(d, updated(6, entry(3, 'running')));
    expect(d.entries).toEqual([]);
    d = applyActivitySnapshot(d, { entries: [entry(1, 'running'), entry(2)], seq: 5 });
    // The event at seq 4 is older than the snapshot (which already had entry 1 running).
    expect(shown(d)).toEqual(['1:running', '2:ok', '3:running']);
    expect(d.seq).toBe(6);
  });

  it('replaces a running process by its ended entry, and ignores replays and other events', () => {
    let d = applyActivitySnapshot(initialActivityData, { entries: [], seq: 0 });
    d = applyActivityEvent(d, updated(1, entry(1, 'running')));
    d = applyActivityEvent(d, updated(2, entry(2, 'running')));
    d = applyActivityEvent(d, updated(3, entry(1, 'failed')));
    d = applyActivityEvent(d, updated(3, entry(1, 'ok'))); // a replay of seq 3
    d = applyActivityEvent(d, { seq: 4, type: 'queue.paused', paused: true });
    expect(shown(d)).toEqual(['1:failed', '2:running']);
    expect(d.seq).toBe(3);
  });

  it('keeps entries in start order and drops the oldest ended ones beyond the limit', () => {
    let list: CommandEntry[] = [];
    list = upsertEntry(list, entry(1, 'running'), 2);
    for (const id of [3, 2, 4]) list = upsertEntry(list, entry(id), 2);
    // Ended: 2, 3, 4 → the oldest (2) goes; the running 1 stays.
    expect(shown({ entries: list })).toEqual(['1:running', '3:ok', '4:ok']);
  });
});
