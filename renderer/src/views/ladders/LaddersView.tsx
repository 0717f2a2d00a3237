import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { LadderEntry } from '../../../../shared/ladder';
import { useClient } from '../../hooks/useClient';
import {
  encodeOptionsFor,
  scoreAfterEncodeProblem,
  showListedLadder,
  showNewDraft,
  useLadderEditorStore,
} from '../../stores/ladderEditorStore';
import { encodeOrAsk } from '../../stores/encodeOverwrite';
import { deleteLadder, useLaddersStore } from '../../stores/laddersStore';
import { useLibraryStore } from '../../stores/libraryStore';
import { pushToast } from '../../stores/appStore';
import { useToolchainStore } from '../../stores/toolchainStore';
import { scoringSupport } from '../../model/scores/scoringBuild';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import {
  availableEncoders,
  encoderChoices,
  unusableEncoders,
} from '../../model/ladders/encoderChoices';
import { EncodePanel } from './EncodePanel';
import { ladderChoice } from '../../model/ladders/ladderDraft';
import { LadderEditor } from './LadderEditor';
import { ladderIssues, type LadderIssue } from './ladderIssues';
import { LadderList } from './LadderList';
import { PlanPanel } from './PlanPanel';
import { copyOfLadder, newLadder } from '../../model/ladders/rungEdits';
import { useEncodePlan } from './useEncodePlan';

/**
 * Ladders: pick a preset or saved ladder (or make one), edit its rungs, see the exact ffmpeg
 * commands for a source, and queue the encode.
 */
export function LaddersView(): ReactNode {
  const client = useClient();
  const entries = useLaddersStore((s) => s.entries);
  const laddersError = useLaddersStore((s) => s.error);
  const items = useLibraryStore((s) => s.data.items);
  const librarySelected = useLibraryStore((s) => s.selectedId);
  const missing = useLibraryStore((s) => s.missing);
  const report = useToolchainStore((s) => s.report);
  const {
    listedId,
    draft,
    sourceId,
    decodeOnce,
    scoreAfterEncode,
    scoreMetrics,
    hdr,
    outDir,
    encodeRequest,
    submitting,
    submitError,
  } = useLadderEditorStore();
  const [discarding, setDiscarding] = useState<{ then: () => void } | null>(null);
  const [deleting, setDeleting] = useState<LadderEntry | null>(null);
  const sourceRef = useRef<HTMLSelectElement>(null);
  const viewRef = useRef<HTMLDivElement>(null);

  const listed = entries.find((e) => e.ladder.id === listedId) ?? null;
  // A listed ladder that vanished (deleted elsewhere) falls back to the first preset.
  const shownEntry = listed ?? (draft ? null : (entries[0] ?? null));
  const ladder = draft?.ladder ?? shownEntry?.ladder ?? null;

  const choices = useMemo(
    () => encoderChoices(availableEncoders(report), unusableEncoders(report)),
    [report],
  );
  const support = useMemo(() => scoringSupport(report), [report]);
  const issues = useMemo<LadderIssue[]>(() => {
    if (!draft) return [];
    const found = ladderIssues(draft.ladder);
    if (entries.some((e) => e.builtIn && e.ladder.id === draft.ladder.id)) {
      found.unshift({ rung: null, field: 'id', message: 'this id belongs to a built-in ladder' });
    }
    return found;
  }, [draft, entries]);
  const replaces = draft
    ? (entries.find(
        (e) => !e.builtIn && e.ladder.id === draft.ladder.id && e.ladder.id !== draft.savedId,
      ) ?? null)
    : null;

  const source =
    items.find((i) => i.id === sourceId) ??
    items.find((i) => i.id === librarySelected) ??
    items[0] ??
    null;
  const choice = ladderChoice(shownEntry?.ladder.id ?? null, draft, issues.length === 0);
  const blocked = !source
    ? 'Import a source in the Library to plan and encode.'
    : missing.has(source.id)
      ? `The source file is gone: nothing is at ${source.path} any more. Put it back there, or import it from where it is now.`
      : !choice
        ? 'Fix the problems of the ladder to plan and encode it.'
        : scoreAfterEncodeProblem({ scoreAfterEncode, scoreMetrics }, support);
  const request =
    source && choice
      ? {
          sourceId: source.id,
          ...choice,
          ...encodeOptionsFor(
            { decodeOnce, outDir, scoreAfterEncode, scoreMetrics, hdr },
            source,
            support,
          ),
        }
      : null;
  const planState = useEncodePlan(request);

  useEffect(() => {
    if (encodeRequest === 0) return;
    viewRef.current?.closest('.main')?.scrollTo({ top: 0 });
    sourceRef.current?.focus();
  }, [encodeRequest]);

  /** Runs `then` now, or after the person agrees to drop unsaved edits. */
  function guard(then: () => void): void {
    if (draft?.dirty) setDiscarding({ then });
    else then();
  }
  const takenIds = entries.map((e) => e.ladder.id);

  async function confirmDelete(entry: LadderEntry): Promise<void> {
    setDeleting(null);
    const failure = await deleteLadder(client, entry.ladder.id);
    if (failure) {
      pushToast({
        kind: 'error',
        title: `Could not delete ${entry.ladder.name}`,
        message: failure.message,
        hint: failure.hint,
      });
      return;
    }
    pushToast({ kind: 'info', title: 'Ladder deleted', message: entry.ladder.name });
    const first = useLaddersStore.getState().entries[0];
    if (first) showListedLadder(first);
  }

  return (
    <div className="view ladders-view" ref={viewRef}>
      <header className="view-header">
        <div>
          <h1>Ladders</h1>
          <p className="view-lead">
            An encoding ladder is a list of renditions — size × encoder × rate control. Pick a
            preset or your own, check the exact ffmpeg commands, and encode it on a source.
          </p>
        </div>
      </header>

      <EncodePanel
        items={items}
        sourceId={source?.id ?? null}
        ladderName={ladder?.name ?? null}
        ladderEdited={draft !== null && (draft.dirty || draft.savedId === null)}
        decodeOnce={decodeOnce}
        scoreAfterEncode={scoreAfterEncode}
        scoreMetrics={scoreMetrics}
        hdr={hdr}
        outDir={outDir}
        plan={planState.plan}
        planFailed={planState.failure !== null}
        blocked={blocked}
        submitting={submitting}
        submitError={submitError}
        sourceRef={sourceRef}
        onDismissError={() => useLadderEditorStore.setState({ submitError: null })}
        onEncode={() => {
          if (request) void encodeOrAsk(client, request);
        }}
      />

      <LadderList
        entries={entries}
        listedId={shownEntry?.ladder.id ?? null}
        unsaved={draft && draft.savedId === null ? draft.ladder : null}
        loadError={laddersError}
        onSelect={(entry) => {
          if (!draft && entry.ladder.id === shownEntry?.ladder.id) return;
          if (draft && draft.savedId === entry.ladder.id) return;
          guard(() => showListedLadder(entry));
        }}
        onNew={() => guard(() => showNewDraft(newLadder(takenIds)))}
        onImport={(imported) => guard(() => showNewDraft(imported))}
      />

      <LadderEditor
        entry={shownEntry}
        draft={draft}
        issues={issues}
        choices={choices}
        replaces={replaces}
        onDuplicate={() => {
          if (shownEntry) guard(() => showNewDraft(copyOfLadder(shownEntry.ladder, takenIds)));
        }}
        onRequestDelete={() => {
          if (shownEntry && !shownEntry.builtIn) setDeleting(shownEntry);
        }}
      />

      <PlanPanel
        plan={planState.plan}
        failure={planState.failure}
        stale={planState.stale}
        sourceName={source?.fileName ?? null}
        blocked={blocked}
      />

      {discarding ? (
        <ConfirmDialog
          title="Discard your changes?"
          confirmLabel="Discard changes"
          onCancel={() => setDiscarding(null)}
          onConfirm={() => {
            const { then } = discarding;
            setDiscarding(null);
            then();
          }}
        >
          <p>
            “{draft?.ladder.name}” has changes that are not saved. Save it first to keep them, or
            discard them.
          </p>
        </ConfirmDialog>
      ) : null}
      {deleting ? (
        <ConfirmDialog
          title={`Delete “${deleting.ladder.name}”?`}
          confirmLabel="Delete ladder"
          onCancel={() => setDeleting(null)}
          onConfirm={() => void confirmDelete(deleting)}
        >
          <p>
            The saved ladder is removed. Batches already encoded with it keep their copy of it, and
            renditions are not touched.
          </p>
        </ConfirmDialog>
      ) : null}
    </div>
  );
}
