import type { ReactNode } from 'react';
import { formatBitrate } from '../../../../../shared/format';
import {
  FIX_DESCRIPTIONS,
  type FixId,
  type PreflightFinding,
  type Severity,
} from '../../../../../shared/preflight';
import type { PlannedDistorted, ScorePlanView } from '../../../../../shared/scoreResults';
import { showView } from '../../../stores/appStore';
import { CommandBlock } from '../../../ui/CommandBlock';
import { MatchEvidence } from './MatchEvidence';
import { FactList } from '../../../ui/FactList';
import { everyNth, metricsText } from '../../../model/scores/scoreOptionsText';
import { chosenFix, targetKey } from '../../../model/scores/scoreRequest';

/** Props of {@link PreflightView}. */
export interface PreflightViewProps {
  plan: ScorePlanView;
  /** True while the plan shown is for an older form. */
  stale: boolean;
  /** Fixes chosen per video, by target key. */
  fixes: Readonly<Record<string, FixId[]>>;
  onChooseFix: (video: PlannedDistorted, finding: PreflightFinding, fix: FixId | null) => void;
}

const SEVERITY_LABEL: Record<Severity, string> = {
  block: 'Blocks scoring',
  warn: 'Warning',
  info: 'Note',
};

const FIX_LABEL: Record<FixId, string> = {
  'align-frames': 'Match the frames by their pictures',
  'convert-fps': 'Convert the frame rate',
  'trim-to-shortest': 'Score only the frames both have',
  'convert-range': 'Convert the colour range',
  'force-range': 'Read it in the reference’s range',
  'convert-matrix': 'Convert the colour matrix',
  'ignore-transfer': 'Compare anyway',
  'crop-distorted': 'Crop the bars away from the distorted video',
  'crop-reference': 'Crop the reference the same way',
  'shift-distorted': 'Move the distorted picture back',
};

function FindingItem({
  video,
  finding,
  chosen,
  onChoose,
}: {
  video: PlannedDistorted;
  finding: PreflightFinding;
  chosen: readonly FixId[];
  onChoose: (fix: FixId | null) => void;
}): ReactNode {
  // The fix the plan applies: the one chosen, or the match it applies by itself (align auto).
  // The fix chosen here, or the frame match the plan applies by itself (align auto): that one
  // is turned off with "Match frames by their pictures: Never", not here.
  const automatic =
    chosenFix(chosen, finding) === null &&
    finding.fixes.includes('align-frames') &&
    video.fixes.includes('align-frames');
  const current = automatic ? 'align-frames' : chosenFix(chosen, finding);
  const resolved = finding.severity === 'block' && current !== null;
  const name = `fix-${targetKey(video.target)}-${finding.id}`;
  return (
    <li
      className={`finding finding-${finding.severity} ${resolved ? 'is-resolved' : ''}`}
      data-testid="preflight-finding"
      data-finding-id={finding.id}
      data-severity={finding.severity}
    >
      <span className={`severity severity-${finding.severity}`}>
        {resolved ? 'Fixed' : SEVERITY_LABEL[finding.severity]}
      </span>
      <div className="finding-body">
        <p>{finding.message}</p>
        {finding.id === 'frames-misaligned' && video.pictures ? (
          <MatchEvidence pictures={video.pictures} />
        ) : null}
        {automatic && finding.id === 'frames-misaligned' ? (
          <p className="muted small" data-testid="fix-automatic">
            Applied by itself: the pictures show the match surely. To pair the frames by position or
            time instead, choose another fix for the findings below or set “Match frames by their
            pictures” to Never.
          </p>
        ) : null}
        {finding.fixes.length ? (
          <fieldset className="fix-choices">
            <legend className="visually-hidden">Fix for: {finding.message}</legend>
            <label className="check">
              <input
                type="radio"
                name={name}
                checked={current === null}
                disabled={automatic}
                onChange={() => onChoose(null)}
                data-testid="fix-none"
              />
              {finding.severity === 'block'
                ? 'No fix (scoring stays blocked)'
                : 'Leave it as it is'}
            </label>
            {finding.fixes.map((fix) => (
              <label key={fix} className="check" title={FIX_DESCRIPTIONS[fix]}>
                <input
                  type="radio"
                  name={name}
                  checked={current === fix}
                  onChange={() => onChoose(fix)}
                  data-testid="fix-choice"
                  data-fix={fix}
                />
                <span>
                  {FIX_LABEL[fix]}
                  <span className="fix-description">{FIX_DESCRIPTIONS[fix]}</span>
                </span>
              </label>
            ))}
          </fieldset>
        ) : null}
      </div>
    </li>
  );
}

/**
 * The pre-flight check of a planned score: per video what would make the numbers wrong or hard to
 * read, with the fixes on offer (a blocking finding needs one before Start), then what will run:
 * the scoring size and format, the model, metrics that cannot be computed here and why, and the
 * exact ffmpeg command.
 */
export function PreflightView({ plan, stale, fixes, onChooseFix }: PreflightViewProps): ReactNode {
  const blockedCount = plan.distorted.filter((d) => d.blocked).length;
  const { scoring } = plan;
  return (
    <section
      className={`preflight ${stale ? 'is-stale' : ''}`}
      aria-label="Pre-flight check"
      aria-busy={stale}
      data-testid="preflight"
      data-blocked={plan.blocked}
    >
      <div className="preflight-head">
        <h3>Pre-flight check</h3>
        <span
          className={`pill ${plan.blocked ? 'pill-danger' : 'pill-ok'}`}
          data-testid="preflight-status"
        >
          {plan.blocked
            ? `${blockedCount} of ${plan.distorted.length} blocked — choose a fix`
            : 'Ready to score'}
        </span>
      </div>

      {plan.distorted.map((video) => {
        const key = targetKey(video.target);
        return (
          <article
            key={key}
            className={`preflight-pair ${video.blocked ? 'is-blocked' : ''}`}
            data-testid="preflight-pair"
            data-blocked={video.blocked}
          >
            <header className="preflight-pair-head">
              <strong className="mono">{video.label}</strong>
              <span className="muted">
                {video.width}×{video.height} · {formatBitrate(video.bitrateKbps)}
              </span>
              <span className="muted">
                against {plan.reference.fileName} ({plan.reference.width}×{plan.reference.height})
              </span>
            </header>
            {video.findings.length === 0 ? (
              <p className="muted small">
                Nothing to fix: frame rate, frame count, size, colour and bit depth line up.
              </p>
            ) : (
              <ul className="findings">
                {video.findings.map((finding) => (
                  <FindingItem
                    key={finding.id}
                    video={video}
                    finding={finding}
                    chosen={fixes[key] ?? []}
                    onChoose={(fix) => onChooseFix(video, finding, fix)}
                  />
                ))}
              </ul>
            )}
          </article>
        );
      })}

      {plan.unavailable.length ? (
        <div className="unavailable" data-testid="unavailable-metrics">
          {plan.unavailable.map((u) => (
            <div key={u.metric} className="defect">
              <strong>{metricsText([u.metric])} is not available:</strong> {u.reason}
              {u.hint ? <p className="error-panel-hint">{u.hint}</p> : null}
            </div>
          ))}
          <button type="button" className="link-button small" onClick={() => showView('toolchain')}>
            What this machine’s ffmpeg builds can do (Toolchain)
          </button>
        </div>
      ) : null}

      {plan.warnings.length ? (
        <ul className="score-warnings" data-testid="plan-warnings">
          {plan.warnings.map((w) => (
            <li key={w.id}>
              {w.message}
              {w.reference ? <span className="muted"> ({w.reference})</span> : null}
            </li>
          ))}
        </ul>
      ) : null}

      <FactList
        facts={[
          { label: 'Metrics', value: metricsText(scoring.metrics) },
          {
            label: 'Compared at',
            value: `${scoring.width}×${scoring.height} ${scoring.pixFmt}${
              scoring.frameRate ? ` at ${scoring.frameRate} fps` : ''
            }, bicubic`,
          },
          {
            label: 'Frames',
            value: `${scoring.startFrame > 0 ? `from frame ${scoring.startFrame}, ` : ''}${
              scoring.frames === null ? 'to the end' : `${scoring.frames} frames`
            }${scoring.subsample > 1 ? `, ${everyNth(scoring.subsample)}` : ''}`,
          },
          {
            label: 'Model',
            value: plan.model ? `${plan.model.name} — ${plan.model.reason}` : 'none (no VMAF)',
          },
          { label: 'Model file', value: plan.model?.path ?? null, mono: true },
          {
            label: 'ffmpeg',
            value: `${plan.binary.path}${plan.binary.version ? ` (${plan.binary.version})` : ''}${
              plan.binary.libvmafApi ? ` · libvmaf API ${plan.binary.libvmafApi}` : ''
            }`,
            mono: true,
          },
          {
            label: 'libvmaf threads',
            value: scoring.threads === 0 ? '0 (synchronous)' : String(scoring.threads),
          },
        ]}
      />
      <CommandBlock args={plan.command} label="Command" testId="score-command" />
    </section>
  );
}
