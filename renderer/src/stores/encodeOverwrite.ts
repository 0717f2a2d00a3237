/**
 * Nothing is overwritten silently (issue 11): every Encode (Ladders, a recommended ladder in
 * Analysis) asks `encode.start` without `overwrite`; when it answers OUTPUT_EXISTS, the files
 * already there are shown in one confirmation for the whole app (shell/OverwriteConfirm) that
 * offers a fresh folder for the batch or replacing them on purpose.
 */
import { create } from 'zustand';
import type { VqArgs, VqClient } from '../../../shared/api';
import type { ExistingOutput } from '../../../shared/queue';
import type { Failure } from './failureOf';
import { startEncode, useLadderEditorStore } from './ladderEditorStore';

/** What `startEncode` sends. */
export type EncodeRequest = Parameters<typeof startEncode>[1];

/**
 * Tells the person that an encode could not be queued. Without one the failure stays in the
 * ladder editor's `submitError`, which the Ladders view shows in its encode panel.
 */
export type FailureReporter = (failure: Failure) => void;

/** An encode waiting for the person's choice: its request and the files it would replace. */
export interface OverwriteQuestion {
  request: EncodeRequest;
  existing: ExistingOutput[];
  /** The fresh folder offered instead (`<output folder>/<ladder id>-<date>-<time>`). */
  newOutDir: string;
  /** Where a failure after the answer is told (see {@link FailureReporter}). */
  report?: FailureReporter;
}

/** The question shown, if any. */
export const useEncodeOverwrite = create<{ question: OverwriteQuestion | null }>()(() => ({
  question: null,
}));

/** "Replace 2 renditions (1 scored)": what the replace button does, in numbers. */
export function replaceLabel(existing: readonly ExistingOutput[]): string {
  const n = existing.length;
  const scored = existing.filter((e) => e.scores > 0).length;
  return `Replace ${n} rendition${n === 1 ? '' : 's'}${scored ? ` (${scored} scored)` : ''}`;
}

/** Hands a failure to `report`, if given (it then leaves the Ladders view's error panel). */
function tell(report: FailureReporter | undefined): void {
  const failure = useLadderEditorStore.getState().submitError;
  if (!report || !failure) return;
  useLadderEditorStore.setState({ submitError: null });
  report(failure);
}

/**
 * Encodes; when renditions of the plan already exist, asks instead (the question holds what
 * `encode.plan` says is there now). Resolves to true once a batch is queued; other failures go to
 * `report` (see {@link FailureReporter}).
 */
export async function encodeOrAsk(
  client: VqClient,
  request: EncodeRequest,
  report?: FailureReporter,
): Promise<boolean> {
  if (await startEncode(client, request)) return true;
  if (useLadderEditorStore.getState().submitError?.code !== 'OUTPUT_EXISTS') {
    tell(report);
    return false;
  }
  let plan;
  try {
    plan = await client.call('encode.plan', request as VqArgs<'encode.plan'>);
  } catch {
    tell(report); // the OUTPUT_EXISTS error says what exists
    return false;
  }
  if (plan.existing.length === 0) {
    // Gone meanwhile.
    const queued = await startEncode(client, request);
    if (!queued) tell(report);
    return queued;
  }
  useLadderEditorStore.setState({ submitError: null });
  useEncodeOverwrite.setState({
    question: {
      request,
      existing: plan.existing,
      newOutDir: plan.newOutDir,
      ...(report ? { report } : {}),
    },
  });
  return false;
}

/** The person's answer: a new folder for this batch, replacing the files, or nothing. */
export async function answerOverwrite(
  client: VqClient,
  answer: 'new-folder' | 'replace' | 'cancel',
): Promise<void> {
  const q = useEncodeOverwrite.getState().question;
  useEncodeOverwrite.setState({ question: null });
  if (!q || answer === 'cancel') return;
  if (answer === 'replace') {
    if (!(await startEncode(client, { ...q.request, overwrite: true }))) tell(q.report);
  } else await encodeOrAsk(client, { ...q.request, outDir: q.newOutDir }, q.report);
}
