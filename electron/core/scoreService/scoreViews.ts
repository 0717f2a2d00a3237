/**
 * The engine's plan and the stored rows turned into what the API returns: the plan view shown
 * before scoring, the blocked-pair refusal, a result's detail and the export files. Pure.
 */
import { VqError } from '../../../shared/errors';
import { poolAll } from '../../../shared/pooling';
import { FIX_DESCRIPTIONS, type FixId } from '../../../shared/preflight';
import type { DistortedScore, ScoreRunResult, ScoreSeries } from '../../../shared/score';
import {
  finiteOrNull,
  thresholdsOf,
  worstFrames,
  type ScoreExport,
  type ScorePlanView,
  type ScoreResultDetail,
} from '../../../shared/scoreResults';
import { perFrameCsv, perFrameJson, type ScorePlan } from '../scoreEngine';
import type { StoredScoreResult } from '../store/scoreRepo';
import type { ResolvedReference, ResolvedTarget } from './scoreTargets';

/** `score.plan`'s answer for a planned run. */
export function planView(
  ref: ResolvedReference,
  targets: readonly ResolvedTarget[],
  plan: ScorePlan,
): ScorePlanView {
  return {
    reference: {
      id: ref.item.id,
      fileName: ref.item.fileName,
      width: plan.reference.media.video.width,
      height: plan.reference.media.video.height,
    },
    distorted: plan.pairs.map((p, i) => {
      const t = targets[i]!.scored;
      return {
        target: t.target,
        label: t.label,
        width: t.width,
        height: t.height,
        bitrateKbps: t.bitrateKbps,
        findings: p.findings,
        fixes: p.resolution.applied,
        blocked: p.resolution.unresolved.length > 0,
        pictures: p.pictures
          ? {
              aligned: p.pictures.aligned,
              confidence: p.pictures.confidence,
              offsetFrames: p.pictures.offsetFrames,
              dropped: p.pictures.dropped.length,
              repeated: p.pictures.repeated.length,
              unmatched: p.pictures.unmatched,
              speedChange: p.pictures.speedChange,
              offsetCosts: p.pictures.offsetCosts,
              fixes: p.pictures.fixes,
              scoredFrames: p.matched?.pairs.ref.length ?? null,
            }
          : null,
      };
    }),
    blocked: plan.blocked,
    command: plan.command,
    binary: {
      path: plan.binary.path,
      version: plan.binary.version,
      libvmafApi: plan.binary.libvmaf?.api ?? null,
    },
    model: plan.model,
    unavailable: plan.unavailable,
    warnings: plan.warnings,
    scoring: {
      metrics: plan.metrics,
      width: plan.width,
      height: plan.height,
      pixFmt: plan.pixFmt,
      frameRate: plan.frameRate,
      startFrame: plan.startFrame,
      frames: plan.frames,
      subsample: plan.subsample,
      threads: plan.threads,
    },
  };
}

/**
 * The refusal of a blocked plan: every blocked target with its findings in the message, and the
 * fixes that would resolve them in the hint (the person chooses; nothing is applied silently).
 */
export function blockedError(plan: ScorePlan, labels: readonly string[]): VqError {
  const lines: string[] = [];
  const fixes = new Set<FixId>();
  plan.pairs.forEach((p, i) => {
    for (const f of p.resolution.unresolved) {
      lines.push(`${labels[i] ?? p.path}: ${f.message}`);
      for (const x of f.fixes) fixes.add(x);
    }
  });
  const hint =
    fixes.size > 0
      ? `Choose a fix to score anyway: ${[...fixes].map((f) => `${f} (${FIX_DESCRIPTIONS[f]})`).join('; ')}`
      : 'No fix is offered for this; check that the right files were chosen.';
  return new VqError(
    'PREFLIGHT_BLOCKED',
    `Scoring would give wrong numbers, so it did not start. ${lines.join(' ')}`,
    hint,
  );
}

/** `scores.get`'s answer for a stored result. */
export function resultDetail(stored: StoredScoreResult): ScoreResultDetail {
  const worst = worstFrames(stored.frameNumbers, stored.perFrame);
  const perFrame: Partial<Record<ScoreSeries, (number | null)[]>> = {};
  for (const [k, v] of Object.entries(stored.perFrame) as [ScoreSeries, number[]][]) {
    perFrame[k] = v.map(finiteOrNull);
  }
  const features = Object.fromEntries(
    Object.entries(stored.features).map(([name, v]) => [name, v.map(finiteOrNull)]),
  );
  return {
    ...stored.summary,
    frameNumbers: stored.frameNumbers,
    perFrame,
    features,
    alignment: stored.alignment,
    command: stored.run.command,
    ffmpeg: stored.run.ffmpeg,
    preflight: stored.preflight,
    worstBy: worst.by,
    worstFrames: worst.frames,
  };
}

/** Stored results of one reference as the engine's run result, for the engine's exporters. */
export function asRunResult(stored: readonly StoredScoreResult[]): ScoreRunResult {
  const first = stored[0];
  if (!first) throw new VqError('INVALID_ARGS', 'Nothing to export.');
  const results: DistortedScore[] = stored.map((s) => ({
    distorted: s.path,
    frames: s.summary.frames,
    frameNumbers: s.frameNumbers,
    perFrame: s.perFrame,
    metrics: poolAll(s.perFrame, thresholdsOf(s.summary.metrics)),
    libvmafFeatures: s.features,
    warnings: s.summary.warnings,
    unavailable: s.summary.unavailable,
    preflight: s.preflight,
    fixes: s.summary.fixes,
    alignment: s.alignment,
    model: s.summary.model,
    command: s.run.command,
    ffmpeg: s.run.ffmpeg,
  }));
  return {
    reference: first.run.referencePath,
    results,
    command: first.run.command,
    ffmpeg: first.run.ffmpeg,
    model: first.run.model,
    startedAt: first.run.startedAt,
    durationMs: first.run.durationMs,
  };
}

/**
 * `scores.export`: per-frame CSV (`distorted,frame,<series…>,<features…>`) or JSON (series and
 * libvmaf's elementary features) of results scored against one reference (a CSV row names no
 * reference, so mixing references would be ambiguous).
 */
export function exportScores(
  stored: readonly StoredScoreResult[],
  format: 'csv' | 'json',
): ScoreExport {
  const refs = new Set(stored.map((s) => s.run.referencePath));
  if (refs.size > 1) {
    throw new VqError(
      'INVALID_ARGS',
      'These scores were measured against different references; export them one reference at a time.',
    );
  }
  const run = asRunResult(stored);
  const base = (run.reference.split(/[\\/]/).pop() ?? 'scores').replace(/\.[^.]+$/, '') || 'scores';
  return format === 'csv'
    ? { fileName: `${base}-scores.csv`, mimeType: 'text/csv', text: perFrameCsv(run) }
    : {
        fileName: `${base}-scores.json`,
        mimeType: 'application/json',
        text: `${JSON.stringify(perFrameJson(run), null, 2)}\n`,
      };
}
