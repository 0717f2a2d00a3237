import { useId, type ReactNode, type RefObject } from 'react';
import type { HdrHandling } from '../../../../shared/ladder';
import type { LibraryItem } from '../../../../shared/library';
import type { EncodePlan } from '../../../../shared/queue';
import type { ScoreMetric } from '../../../../shared/score';
import { showView } from '../../stores/appStore';
import type { Failure } from '../../stores/failureOf';
import { setEncodeOptions, setEncodeSource, sourceHdr } from '../../stores/ladderEditorStore';
import { ErrorPanel } from '../../ui/ErrorPanel';
import { errorTitle } from '../../ui/errorTitle';
import { metricsText } from '../../model/scores/scoreOptionsText';
import { EncodeChoices } from './EncodeChoices';
import { PlanFindings } from './PlanFindings';

/** Props of {@link EncodePanel}. */
export interface EncodePanelProps {
  items: readonly LibraryItem[];
  sourceId: string | null;
  ladderName: string | null;
  /** True when the ladder encoded is an edited, unsaved version. */
  ladderEdited: boolean;
  decodeOnce: boolean;
  /** Score each encode job's renditions against the source once it is done. */
  scoreAfterEncode: boolean;
  /** What score after encode measures. */
  scoreMetrics: readonly ScoreMetric[];
  /** What an HDR source becomes. */
  hdr: HdrHandling;
  outDir: string;
  plan: EncodePlan | null;
  /** True when planning failed (the Commands panel says why). */
  planFailed: boolean;
  /** Why Encode cannot run now, if it cannot. */
  blocked: string | null;
  submitting: boolean;
  submitError: Failure | null;
  onEncode: () => void;
  onDismissError: () => void;
  /** The source select, so the view can focus it when the Library's Encode… opens it. */
  sourceRef: RefObject<HTMLSelectElement | null>;
}

const SCORE_AFTER_HINT =
  'After each encode job, a score job measures its renditions against the source (the metrics chosen below, with the automatic VMAF model). The scores appear in the Library, below the sources.';

const DECODE_ONCE_HINT =
  'One ffmpeg process decodes the source once and encodes every single-pass rung from it (split → scale → encode). Each output gets exactly the settings of a separate run; only the decoding is shared. Two-pass rungs always run on their own.';

function planSummary(plan: EncodePlan): string {
  const renditions = plan.rungs.length;
  const processes = plan.jobs.length;
  const parts = [
    `${renditions} rendition${renditions === 1 ? '' : 's'} in ${processes} ffmpeg process${processes === 1 ? '' : 'es'}`,
  ];
  if (plan.scoreAfterEncode) {
    parts.push(
      `each rendition then scored against the source (${metricsText(plan.scoreAfterEncode.metrics)})`,
    );
  }
  if (plan.skipped.length) {
    parts.push(
      `${plan.skipped.length} rung${plan.skipped.length === 1 ? '' : 's'} skipped (larger than the source)`,
    );
  }
  return parts.join(' · ');
}

/** Source, ladder, options and the Encode button; submit-time errors show here. */
export function EncodePanel({
  items,
  sourceId,
  ladderName,
  ladderEdited,
  decodeOnce,
  scoreAfterEncode,
  scoreMetrics,
  hdr,
  outDir,
  plan,
  planFailed,
  blocked,
  submitting,
  submitError,
  onEncode,
  onDismissError,
  sourceRef,
}: EncodePanelProps): ReactNode {
  const hintId = useId();
  const source = items.find((i) => i.id === sourceId) ?? null;
  return (
    <section className="panel encode-panel" aria-label="Encode" data-testid="encode-panel">
      <div className="encode-grid">
        <div className="field encode-source">
          <label className="field-label" htmlFor="encode-source">
            Source
          </label>
          {items.length ? (
            <select
              id="encode-source"
              ref={sourceRef}
              className="input"
              value={sourceId ?? ''}
              onChange={(e) => setEncodeSource(e.target.value || null)}
              data-testid="encode-source"
            >
              {items.map((i) => (
                <option key={i.id} value={i.id}>
                  {i.fileName} — {i.media.video.width}×{i.media.video.height}
                </option>
              ))}
            </select>
          ) : (
            <div className="input-row">
              <span className="muted">No sources yet.</span>
              <button
                type="button"
                className="button button-small"
                onClick={() => showView('library')}
              >
                Import in the Library
              </button>
            </div>
          )}
        </div>
        <div className="field encode-ladder">
          <span className="field-label">Ladder</span>
          <div className="encode-ladder-name" data-testid="encode-ladder">
            <span title={ladderName ?? undefined}>{ladderName ?? '–'}</span>
            {ladderEdited ? (
              <span className="pill pill-warn" title="The edited ladder is encoded as it is now">
                edited
              </span>
            ) : null}
          </div>
        </div>
        <div className="field field-grow encode-outdir">
          <label className="field-label" htmlFor="encode-outdir">
            Output folder <span className="muted">(optional)</span>
          </label>
          <input
            id="encode-outdir"
            type="text"
            className="input mono"
            value={outDir}
            placeholder={plan?.outDir ?? 'Default: renditions/ in the data folder'}
            title={outDir ? undefined : (plan?.outDir ?? undefined)}
            spellCheck={false}
            autoComplete="off"
            onChange={(e) => setEncodeOptions({ outDir: e.target.value })}
            data-testid="encode-outdir"
          />
        </div>
        <label className="check encode-decode-once" title={DECODE_ONCE_HINT}>
          <input
            type="checkbox"
            checked={decodeOnce}
            aria-describedby={hintId}
            onChange={(e) => setEncodeOptions({ decodeOnce: e.target.checked })}
            data-testid="decode-once"
          />
          Decode once, encode many
        </label>
        <label className="check encode-decode-once" title={SCORE_AFTER_HINT}>
          <input
            type="checkbox"
            checked={scoreAfterEncode}
            onChange={(e) => setEncodeOptions({ scoreAfterEncode: e.target.checked })}
            data-testid="score-after-encode"
          />
          Score after encode
        </label>
        <button
          type="button"
          className="button button-primary encode-button"
          onClick={onEncode}
          disabled={blocked !== null || submitting}
          title={blocked ?? undefined}
          data-testid="start-encode"
        >
          {submitting ? 'Queuing…' : 'Encode'}
        </button>
      </div>
      <EncodeChoices
        sourceHdr={source ? sourceHdr(source) : null}
        hdr={hdr}
        scoreAfterEncode={scoreAfterEncode}
        scoreMetrics={scoreMetrics}
      />
      <p className="field-note" id={hintId}>
        {decodeOnce
          ? 'Decode once: one ffmpeg process reads the source once and encodes all single-pass rungs from it — same settings per output, less decoding.'
          : 'One ffmpeg process per rung: the source is decoded again for each rendition.'}
      </p>
      <p className="encode-summary" role="status">
        {blocked ??
          (plan
            ? planSummary(plan)
            : planFailed
              ? 'This ladder cannot be planned for this source — the Commands panel says why.'
              : 'Planning…')}
      </p>
      {plan && !blocked ? <PlanFindings findings={plan.findings} /> : null}
      {submitError ? (
        <ErrorPanel
          title={`Could not encode: ${errorTitle(submitError.code)}`}
          message={submitError.message}
          hint={submitError.hint}
          onDismiss={onDismissError}
          testId="encode-error"
        />
      ) : null}
    </section>
  );
}
