/**
 * Nothing is overwritten silently (issue 11): Encode asks `encode.start` without `overwrite`; when
 * it answers OUTPUT_EXISTS, the files already there are shown in a confirmation (OverwriteConfirm)
 * that offers a fresh folder for the batch or replacing them on purpose.
 */
import { create } from 'zustand';
import type { VqArgs, VqClient } from '../../../shared/api';
import type { ExistingOutput } from '../../../shared/queue';
import { startEncode, useLadderEditorStore } from './ladderEditorStore';

/** What `startEncode` sends. */
export type EncodeRequest = Parameters<typeof startEncode>[1];

/** An encode waiting for the person's choice: its request and the files it would replace. */
export interface OverwriteQuestion {
  request: EncodeRequest;
  existing: ExistingOutput[];
  /** The fresh folder offered instead (`<output folder>/<ladder id>-<date>-<time>`). */
  newOutDir: string;
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

/**
 * Encodes; when renditions of the plan already exist, asks instead (the question holds what
 * `encode.plan` says is there now). Resolves to true once a batch is queued.
 */
export async function encodeOrAsk(client: VqClient, request: EncodeRequest): Promise<boolean> {
  if (await startEncode(client, request)) return true;
  if (useLadderEditorStore.getState().submitError?.code !== 'OUTPUT_EXISTS') return false;
  let plan;
  try {
    plan = await client.call('encode.plan', request as VqArgs<'encode.plan'>);
  } catch {
    return false; // the error panel already says what exists
  }
  if (plan.existing.length === 0) return startEncode(client, request); // gone meanwhile
  useLadderEditorStore.setState({ submitError: null });
  useEncodeOverwrite.setState({
    question: { request, existing: plan.existing, newOutDir: plan.newOutDir },
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
  if (answer === 'replace') await startEncode(client, { ...q.request, overwrite: true });
  else await encodeOrAsk(client, { ...q.request, outDir: q.newOutDir });
}
