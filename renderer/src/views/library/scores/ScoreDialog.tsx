import { useEffect, useId, useMemo, useState, type ReactNode } from 'react';
import { formatBitrate } from '../../../../../shared/format';
import { DROPPED_FRAMES_DESCRIPTIONS } from '../../../../../shared/frameMatch';
import type { LibraryItem } from '../../../../../shared/library';
import type { Rendition } from '../../../../../shared/queue';
import type { ScoreMetric } from '../../../../../shared/score';
import type { ScoreTarget } from '../../../../../shared/scoreResults';
import { useClient } from '../../../hooks/useClient';
import { pushToast } from '../../../stores/appStore';
import type { Failure } from '../../../stores/failureOf';
import { failureOf } from '../../../stores/failureOf';
import { useLibraryStore } from '../../../stores/libraryStore';
import { useToolchainStore } from '../../../stores/toolchainStore';
import { startScore } from '../../../stores/scoreActions';
import { Dialog } from '../../../ui/Dialog';
import { ErrorPanel } from '../../../ui/ErrorPanel';
import { errorTitle } from '../../../ui/errorTitle';
import { NumberField } from '../../../ui/NumberField';
import { MetricChoices } from '../../../ui/MetricChoices';
import { PreflightView } from './PreflightView';
import {
  builtInModelChoices,
  chooseFix,
  INITIAL_FORM,
  MODEL_CHOICES,
  scoreFormProblems,
  scoreRequest,
  targetKey,
  type ModelChoice,
  type ScoreField,
  type ScoreForm,
} from '../../../model/scores/scoreRequest';
import { isUsable, scoringModels, scoringSupport } from '../../../model/scores/scoringBuild';
import { useScorePlan } from './useScorePlan';

/** Props of {@link ScoreDialog}. */
export interface ScoreDialogProps {
  /** The reference: the library item whose scores these are. */
  reference: LibraryItem;
  onClose: () => void;
}

interface TargetChoice {
  target: ScoreTarget;
  label: string;
  sub: string;
  width: number;
  height: number;
  bitrateKbps: number | null;
}

function renditionChoice(r: Rendition): TargetChoice {
  return {
    target: { kind: 'rendition', id: r.id },
    label: r.rungId,
    sub: `${r.encoder} · ${r.fileName}`,
    width: r.width,
    height: r.height,
    bitrateKbps: r.bitrateKbps,
  };
}

function itemChoice(i: LibraryItem): TargetChoice {
  return {
    target: { kind: 'source', id: i.id },
    label: i.fileName,
    sub: `${i.media.video.codec} · ${i.path}`,
    width: i.media.video.width,
    height: i.media.video.height,
    bitrateKbps: i.media.video.bitrateKbps ?? i.media.bitrateKbps,
  };
}

function TargetList({
  title,
  choices,
  chosen,
  onToggle,
  empty,
}: {
  title: string;
  choices: readonly TargetChoice[];
  chosen: ReadonlySet<string>;
  onToggle: (c: TargetChoice) => void;
  empty: string;
}): ReactNode {
  return (
    <div className="target-group">
      <h4>{title}</h4>
      {choices.length === 0 ? (
        <p className="muted small">{empty}</p>
      ) : (
        <ul className="target-list">
          {choices.map((c) => {
            const key = targetKey(c.target);
            return (
              <li key={key}>
                <label className="check target-choice" title={c.sub}>
                  <input
                    type="checkbox"
                    checked={chosen.has(key)}
                    onChange={() => onToggle(c)}
                    data-testid="score-target"
                    data-kind={c.target.kind}
                    data-id={c.target.id}
                    data-label={c.label}
                  />
                  <span className="target-label mono">{c.label}</span>
                  <span className="target-facts muted">
                    {c.width}×{c.height} · {formatBitrate(c.bitrateKbps)}
                  </span>
                </label>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}

/**
 * "Score…": choose what to score against the reference (its renditions, other library items),
 * the metrics, model, scoring size and frame range; the pre-flight check shows what would make
 * the numbers wrong and the fixes on offer, with the exact ffmpeg command; Start queues the job.
 */
export function ScoreDialog({ reference, onClose }: ScoreDialogProps): ReactNode {
  const client = useClient();
  const items = useLibraryStore((s) => s.data.items);
  const [renditions, setRenditions] = useState<Rendition[] | null>(null);
  const [renditionsError, setRenditionsError] = useState<Failure | null>(null);
  const [form, setForm] = useState<ScoreForm>(INITIAL_FORM);
  const [submitting, setSubmitting] = useState(false);
  const [submitError, setSubmitError] = useState<Failure | null>(null);
  const advancedId = useId();
  const report = useToolchainStore((s) => s.report);
  const support = useMemo(() => scoringSupport(report), [report]);
  const namedModels = useMemo(() => builtInModelChoices(scoringModels(report)), [report]);

  useEffect(() => {
    let live = true;
    client.call('renditions.list', { sourceId: reference.id }).then(
      ({ renditions: list }) => {
        if (live) setRenditions(list);
      },
      (err: unknown) => {
        if (live) setRenditionsError(failureOf(err));
      },
    );
    return () => {
      live = false;
    };
  }, [client, reference.id]);

  const choices = useMemo(
    () => ({
      renditions: (renditions ?? []).map(renditionChoice),
      items: items.filter((i) => i.id !== reference.id).map(itemChoice),
    }),
    [renditions, items, reference.id],
  );
  const ordered = useMemo(() => [...choices.renditions, ...choices.items], [choices]);
  const chosen = useMemo(() => new Set(form.targets.map(targetKey)), [form.targets]);
  // A metric the scoring build cannot compute is shown unavailable and never sent.
  const usable = (m: ScoreMetric): boolean => isUsable(support, m);
  const problems = scoreFormProblems({ ...form, metrics: form.metrics.filter(usable) });
  const problemAt = (field: ScoreField): string | null =>
    problems.find((p) => p.field === field)?.message ?? null;
  const request = scoreRequest(reference.id, form, usable);
  const planState = useScorePlan(request);
  const plan = planState.stale ? null : planState.plan;

  const change = (patch: Partial<ScoreForm>): void => {
    setForm((f) => ({ ...f, ...patch }));
    setSubmitError(null);
  };
  const toggleTarget = (c: TargetChoice): void => {
    const key = targetKey(c.target);
    const next = new Set(chosen);
    if (next.has(key)) next.delete(key);
    else next.add(key);
    // Keep the order of the lists, so the plan and the results read in the same order.
    change({ targets: ordered.filter((o) => next.has(targetKey(o.target))).map((o) => o.target) });
  };

  const blocked =
    request === null
      ? (problems[0]?.message ?? 'Complete the form')
      : planState.failure
        ? 'The plan failed — see above'
        : !plan
          ? 'Checking the videos…'
          : plan.blocked
            ? 'Choose a fix for every finding that blocks scoring'
            : null;

  async function start(): Promise<void> {
    if (!request || blocked) return;
    setSubmitting(true);
    const outcome = await startScore(client, request);
    setSubmitting(false);
    if ('failure' in outcome) {
      setSubmitError(outcome.failure);
      return;
    }
    const n = request.distorted.length;
    pushToast({
      kind: 'info',
      title: `Scoring ${n === 1 ? '1 video' : `${n} videos`} against ${reference.fileName}`,
      message: 'Progress shows below the sources and in the Queue.',
    });
    onClose();
  }

  const msSsimSlow =
    form.metrics.includes('ms_ssim') &&
    (planState.plan?.binary.libvmafApi ?? 1) === 1 &&
    reference.media.video.height >= 1080;

  return (
    <Dialog
      title={`Score against ${reference.fileName}`}
      onClose={onClose}
      className="dialog-wide score-dialog"
      footer={
        <>
          <span className="dialog-footer-note muted small" role="status">
            {blocked ??
              'One ffmpeg process scores every video chosen; the reference is decoded once.'}
          </span>
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button
            type="button"
            className="button button-primary"
            onClick={() => void start()}
            disabled={blocked !== null || submitting}
            title={blocked ?? undefined}
            data-testid="start-score"
          >
            {submitting ? 'Queuing…' : 'Start'}
          </button>
        </>
      }
    >
      <div className="score-form" data-testid="score-form">
        <fieldset className="score-targets">
          <legend className="field-label">
            Videos to score against the reference{' '}
            <span className="muted">
              ({reference.media.video.width}×{reference.media.video.height})
            </span>
          </legend>
          {renditionsError ? (
            <ErrorPanel
              title="The renditions could not be listed"
              message={renditionsError.message}
              hint={renditionsError.hint}
            />
          ) : null}
          <TargetList
            title="Renditions of this source"
            choices={choices.renditions}
            chosen={chosen}
            onToggle={toggleTarget}
            empty={
              renditions === null
                ? 'Loading…'
                : 'None yet: encode a ladder on this source in Ladders, or pick a library item below.'
            }
          />
          <TargetList
            title="Other library items"
            choices={choices.items}
            chosen={chosen}
            onToggle={toggleTarget}
            empty="No other items in the library."
          />
          {problemAt('targets') && form.targets.length > 0 ? (
            <p className="field-note text-danger">{problemAt('targets')}</p>
          ) : null}
        </fieldset>

        <div className="score-options">
          <fieldset className="field">
            <legend className="field-label">Metrics</legend>
            <MetricChoices
              value={form.metrics}
              onChange={(metrics) => change({ metrics })}
              testIdPrefix="score-metric"
              support={support}
            />
            {problemAt('metrics') ? (
              <p className="field-note text-danger">{problemAt('metrics')}</p>
            ) : null}
            {form.metrics.includes('ms_ssim') ? (
              <p
                className={`field-note ${msSsimSlow ? 'text-warn' : ''}`}
                data-testid="ms-ssim-note"
              >
                MS-SSIM is slow: with libvmaf 1.x at 1080p it can take several times as long as VMAF
                alone.
              </p>
            ) : null}
            {form.metrics.includes('cambi') && usable('cambi') ? (
              <p className="field-note muted" data-testid="cambi-note">
                CAMBI rates banding of the scored video alone, 0 (none) to 24: lower is better.
              </p>
            ) : null}
          </fieldset>
          <div className="field">
            <label className="field-label" htmlFor="score-model">
              VMAF model
            </label>
            <select
              id="score-model"
              className="input"
              value={form.model}
              disabled={!form.metrics.includes('vmaf')}
              onChange={(e) => change({ model: e.target.value as ModelChoice })}
              data-testid="score-model"
            >
              {MODEL_CHOICES.map((m) => (
                <option key={m.value} value={m.value} title={m.title}>
                  {m.label}
                </option>
              ))}
              {namedModels.length ? (
                <optgroup label="Built into this libvmaf">
                  {namedModels.map((m) => (
                    <option key={m.value} value={m.value} title={m.title}>
                      {m.label}
                    </option>
                  ))}
                </optgroup>
              ) : null}
            </select>
          </div>
          <div className="field">
            <label className="field-label" htmlFor="score-scale">
              Compare at
            </label>
            <input
              id="score-scale"
              type="text"
              className="input mono"
              value={form.scale}
              placeholder="auto or 1920x1080"
              aria-invalid={problemAt('scale') ? true : undefined}
              title="auto: the reference's size (the distorted video is scaled to it, bicubic). WxH: both are scaled to that display size."
              spellCheck={false}
              autoComplete="off"
              onChange={(e) => change({ scale: e.target.value })}
              data-testid="score-scale"
            />
            {problemAt('scale') ? (
              <p className="field-note text-danger">{problemAt('scale')}</p>
            ) : null}
          </div>
        </div>

        <details className="more score-advanced">
          <summary>Frame range, subsampling and frame matching</summary>
          <div className="score-options" id={advancedId}>
            <div className="field">
              <span className="field-label">Start (seconds)</span>
              <NumberField
                value={form.startSeconds}
                onChange={(v) => change({ startSeconds: v })}
                label="Start in seconds"
                placeholder="0"
                invalid={problemAt('startSeconds') !== null}
                testId="score-start"
              />
            </div>
            <div className="field">
              <span className="field-label">Frames</span>
              <NumberField
                value={form.frames}
                onChange={(v) => change({ frames: v })}
                label="Frames to score"
                placeholder="all"
                invalid={problemAt('frames') !== null}
                testId="score-frames"
              />
            </div>
            <div className="field">
              <span className="field-label">Every n-th frame</span>
              <NumberField
                value={form.subsample}
                onChange={(v) => change({ subsample: v })}
                label="Score every n-th frame"
                placeholder="1"
                invalid={problemAt('subsample') !== null}
                testId="score-subsample"
              />
            </div>
          </div>
          <div className="score-options">
            <div className="field">
              <label className="field-label" htmlFor="score-align">
                Match frames by their pictures
              </label>
              <select
                id="score-align"
                className="input"
                value={form.align}
                onChange={(e) => change({ align: e.target.value as ScoreForm['align'] })}
                title="The alignment assistant decodes both videos once and finds which reference frame each distorted frame shows: a late start, dropped or repeated frames, another frame rate."
                data-testid="score-align"
              >
                <option value="auto">When the timing looks off (auto)</option>
                <option value="on">Always</option>
                <option value="off">Never (pair frames by position or time)</option>
              </select>
            </div>
            <div className="field">
              <label className="field-label" htmlFor="score-dropped">
                Frames the distorted video lacks
              </label>
              <select
                id="score-dropped"
                className="input"
                value={form.droppedFrames}
                onChange={(e) =>
                  change({ droppedFrames: e.target.value as ScoreForm['droppedFrames'] })
                }
                title={`${DROPPED_FRAMES_DESCRIPTIONS.exclude} Or: ${DROPPED_FRAMES_DESCRIPTIONS.hold}`}
                data-testid="score-dropped"
              >
                <option value="exclude">Leave them out</option>
                <option value="hold">Score the frame held in their place</option>
              </select>
            </div>
          </div>
          {['startSeconds', 'frames', 'subsample'].map((f) => {
            const message = problemAt(f as ScoreField);
            return message ? (
              <p key={f} className="field-note text-danger">
                {message}
              </p>
            ) : null;
          })}
        </details>

        {planState.failure && !planState.stale ? (
          <ErrorPanel
            title={`Cannot score this: ${errorTitle(planState.failure.code)}`}
            message={planState.failure.message}
            hint={planState.failure.hint}
            testId="score-plan-error"
          />
        ) : null}
        {planState.plan ? (
          <PreflightView
            plan={planState.plan}
            stale={planState.stale}
            fixes={form.fixes}
            onChooseFix={(video, finding, fix) => {
              const key = targetKey(video.target);
              change({
                fixes: { ...form.fixes, [key]: chooseFix(form.fixes[key] ?? [], finding, fix) },
              });
            }}
          />
        ) : planState.failure && !planState.stale ? null : request ? (
          <p className="muted" data-testid="preflight-pending">
            Checking the videos…
          </p>
        ) : (
          <p className="muted">Choose a video to see the pre-flight check and the command.</p>
        )}
        {submitError ? (
          <ErrorPanel
            title={`Could not start scoring: ${errorTitle(submitError.code)}`}
            message={submitError.message}
            hint={submitError.hint}
            onDismiss={() => setSubmitError(null)}
            testId="score-error"
          />
        ) : null}
      </div>
    </Dialog>
  );
}
