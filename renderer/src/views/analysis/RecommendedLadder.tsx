import { useMemo, useState, type ReactNode } from 'react';
import { formatBitsPerSecond } from '../../../../shared/format';
import type { Ladder } from '../../../../shared/ladder';
import type { LibraryItem } from '../../../../shared/library';
import { rungSizeText } from '../../../../shared/rungText';
import { useClient } from '../../hooks/useClient';
import { pushToast } from '../../stores/appStore';
import { encodeOrAsk } from '../../stores/encodeOverwrite';
import {
  encodeOptionsFor,
  scoreAfterEncodeProblem,
  useLadderEditorStore,
} from '../../stores/ladderEditorStore';
import { useToolchainStore } from '../../stores/toolchainStore';
import { scoringSupport } from '../../model/scores/scoringBuild';
import { saveLadder, useLaddersStore } from '../../stores/laddersStore';

/** One rung of a recommendation as the table shows it. */
export interface RecommendedRow {
  key: string;
  /** The rung's size; null = derived from the source's aspect (shown as a saved rung reads it). */
  width: number | null;
  height: number | null;
  /** bits/s */
  bitrate: number;
  /** Expected quality at that bitrate on the hull. */
  quality: number;
  why: string;
}

/** Props of {@link RecommendedLadder}. */
export interface RecommendedLadderProps {
  rows: readonly RecommendedRow[];
  /** The ladder to save or encode; a string says why there is none. */
  ladder: Ladder | string;
  source: LibraryItem;
  qualityLabel: string;
  decimals: number;
  testId?: string;
}

/**
 * A recommended ladder: size, bitrate, expected quality and why, top rung first; "Save
 * ladder" keeps it with the saved ladders, "Encode this ladder" queues it on the source with the
 * encode options of the Ladders view (decode once, score after encode, output folder).
 */
export function RecommendedLadder({
  rows,
  ladder,
  source,
  qualityLabel,
  decimals,
  testId,
}: RecommendedLadderProps): ReactNode {
  const client = useClient();
  const [busy, setBusy] = useState<'save' | 'encode' | null>(null);
  // Encode uses the Ladders view's options: score after encode with no metric the scoring build
  // computes would send `metrics: []`, so it is blocked here with the same reason.
  const report = useToolchainStore((s) => s.report);
  const support = useMemo(() => scoringSupport(report), [report]);
  const scoreAfterEncode = useLadderEditorStore((s) => s.scoreAfterEncode);
  const scoreMetrics = useLadderEditorStore((s) => s.scoreMetrics);
  const encodeBlocked = scoreAfterEncodeProblem({ scoreAfterEncode, scoreMetrics }, support);
  const saved = useLaddersStore((s) =>
    typeof ladder === 'string'
      ? false
      : s.entries.some(
          (e) => !e.builtIn && e.ladder.id === ladder.id && sameRungs(e.ladder, ladder),
        ),
  );

  async function save(l: Ladder): Promise<void> {
    setBusy('save');
    const failure = await saveLadder(client, l);
    setBusy(null);
    if (failure) {
      pushToast({
        kind: 'error',
        title: `Could not save ${l.name}`,
        message: failure.message,
        hint: failure.hint,
      });
    } else {
      pushToast({ kind: 'info', title: 'Ladder saved', message: `${l.name} is in Ladders now.` });
    }
  }

  async function encode(l: Ladder): Promise<void> {
    if (encodeBlocked) return;
    setBusy('encode');
    // The same flow and options as the Ladders view's Encode (files already in the folder are
    // asked about); a ladder that says what it does with HDR (a per-title run's) keeps that.
    await encodeOrAsk(
      client,
      {
        sourceId: source.id,
        ladder: l,
        ...encodeOptionsFor(useLadderEditorStore.getState(), source, support),
        ...(l.hdr ? { hdr: l.hdr } : {}),
      },
      (f) =>
        pushToast({
          kind: 'error',
          title: `Could not encode ${l.name}`,
          message: f.message,
          hint: f.hint,
        }),
    );
    setBusy(null);
  }

  return (
    <div className="recommended" data-testid={testId}>
      <div className="table-frame">
        <table className="data-table recommended-table">
          <thead>
            <tr>
              <th scope="col" className="num">
                #
              </th>
              <th scope="col">Size</th>
              <th scope="col" className="num">
                Bitrate
              </th>
              <th scope="col" className="num">
                Expected {qualityLabel}
              </th>
              <th scope="col">Why</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r, i) => (
              <tr key={r.key} data-testid="recommended-rung">
                <td className="num muted">{i + 1}</td>
                <td data-testid="recommended-resolution">{rungSizeText(r)}</td>
                <td className="num" data-testid="recommended-bitrate">
                  {formatBitsPerSecond(r.bitrate)}
                </td>
                <td className="num" data-testid="recommended-quality">
                  {r.quality.toFixed(decimals)}
                </td>
                <td className="recommended-why small">{r.why}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {typeof ladder === 'string' ? (
        <p className="field-note text-danger">{ladder}</p>
      ) : (
        <div className="inline-actions recommended-actions">
          <button
            type="button"
            className="button"
            disabled={busy !== null}
            onClick={() => void save(ladder)}
            title={`Save "${ladder.name}" (id ${ladder.id}) with your ladders`}
            data-testid="save-recommended"
          >
            {busy === 'save' ? 'Saving…' : saved ? 'Saved ✓ — save again' : 'Save ladder'}
          </button>
          <button
            type="button"
            className="button button-primary"
            disabled={busy !== null || encodeBlocked !== null}
            onClick={() => void encode(ladder)}
            title={
              encodeBlocked ??
              'Queue these fixed-bitrate rungs on this source, with the encode options of the Ladders view'
            }
            data-testid="encode-recommended"
          >
            {busy === 'encode' ? 'Queuing…' : 'Encode this ladder'}
          </button>
          <span className="muted small">
            {ladder.rungs.length} fixed-bitrate rung{ladder.rungs.length === 1 ? '' : 's'} (ABR with
            maxrate and bufsize) · {ladder.rungs[0]?.encoder}
          </span>
          {encodeBlocked ? (
            <span className="field-note text-warn" data-testid="encode-recommended-blocked">
              {encodeBlocked} Score after encode is set in the Ladders view.
            </span>
          ) : null}
        </div>
      )}
    </div>
  );
}

/** True when two ladders have the same rungs (saved as shown, not an older recommendation). */
function sameRungs(a: Ladder, b: Ladder): boolean {
  return JSON.stringify(a.rungs) === JSON.stringify(b.rungs);
}
