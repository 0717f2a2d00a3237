/**
 * Wires the stores to the client, once, outside React: subscribe to events first, then fetch the
 * snapshots, so nothing that happens in between is lost. After a reconnect the snapshots are
 * fetched again (events may have been missed while the socket was down).
 */
import type { VqEvent } from '../../../shared/api';
import type { RendererClient } from '../api/rendererClient';
import { pushToast, useAppStore } from './appStore';
import { batchFinishedToast, scoreBatchFinishedToast } from './batchToast';
import { laddersChanged, loadLadders } from './laddersStore';
import { watchSources } from './libraryActions';
import {
  isOwnImport,
  libraryEventArrived,
  libraryLoadFailed,
  libraryResyncStarted,
  librarySnapshotArrived,
  useLibraryStore,
} from './libraryStore';
import { messageOf } from './messageOf';
import { loadQueue, queueEventArrived, queueResyncStarted, useQueueStore } from './queueStore';
import { resyncScores, scoresEventArrived } from './scoresStore';
import { loadSettings, settingsChanged } from './settingsStore';
import { loadToolchain, toolchainChanged } from './toolchainStore';

function baseName(path: string): string {
  return path.split(/[\\/]/).filter(Boolean).pop() ?? path;
}

/** The browser's word when a batch finishes (the desktop app shows a system notification instead). */
function toastFinishedBatch(event: Extract<VqEvent, { type: 'batch.finished' }>): void {
  if (useAppStore.getState().appInfo?.mode === 'electron') return;
  const { data } = useQueueStore.getState();
  const batch = data.batches.find((b) => b.id === event.batchId);
  const source = batch
    ? useLibraryStore.getState().data.items.find((i) => i.id === batch.sourceId)
    : undefined;
  const fileName = source?.fileName ?? null;
  if (batch && batch.ladder === null) {
    pushToast(
      scoreBatchFinishedToast(
        fileName,
        data.jobs.filter((j) => j.batchId === batch.id),
      ),
    );
    return;
  }
  const jobs = data.jobs.filter((j) => j.batchId === event.batchId && j.kind === 'encode');
  pushToast(batchFinishedToast(fileName, event, jobs));
}

/** Sends one event to the stores that care and to the toast area. */
export function routeEvent(event: VqEvent): void {
  libraryEventArrived(event);
  queueEventArrived(event);
  scoresEventArrived(event);
  switch (event.type) {
    case 'library.importFailed':
      // Failures of this window's own requests show in the import panel instead.
      if (!isOwnImport(event.path)) {
        pushToast({
          kind: 'error',
          title: `Could not import ${baseName(event.path)}`,
          message: event.error.message,
          hint: event.error.hint,
        });
      }
      break;
    case 'library.added':
      // Imports from elsewhere (files dropped on the window, another tab) get a word of feedback.
      if (!useLibraryStore.getState().importing) {
        pushToast({ kind: 'info', title: 'Added to library', message: event.item.fileName });
      }
      break;
    case 'toolchain.changed':
      toolchainChanged(event.report);
      break;
    case 'settings.changed':
      settingsChanged(event.settings);
      break;
    case 'ladders.changed':
      laddersChanged(event.ladders);
      break;
    case 'batch.finished':
      toastFinishedBatch(event);
      break;
    default:
      break;
  }
}

async function loadLibrary(client: RendererClient): Promise<void> {
  try {
    librarySnapshotArrived(await client.call('library.list', {}));
  } catch (err) {
    libraryLoadFailed(messageOf(err));
  }
}

async function loadAppInfo(client: RendererClient): Promise<void> {
  try {
    useAppStore.setState({ appInfo: await client.call('app.info', {}), appInfoError: null });
  } catch (err) {
    useAppStore.setState({ appInfoError: messageOf(err) });
  }
}

/** Subscribes the stores to the client and loads the first snapshots; returns the teardown. */
export function startSync(client: RendererClient): () => void {
  const offEvents = client.onEvent(routeEvent);
  let openedBefore = client.connection().status === 'open';
  useAppStore.setState({ connection: client.connection() });
  const offConnection = client.onConnection((state) => {
    useAppStore.setState({ connection: state });
    if (state.status !== 'open') return;
    if (openedBefore) {
      libraryResyncStarted();
      queueResyncStarted();
      void loadLibrary(client);
      void loadQueue(client);
      void loadLadders(client);
      void loadAppInfo(client);
      void loadSettings(client);
      void loadToolchain(client);
      resyncScores(client);
    }
    openedBefore = true;
  });

  void loadAppInfo(client);
  void loadLibrary(client);
  void loadQueue(client);
  void loadLadders(client);
  void loadSettings(client);
  void loadToolchain(client);
  const offSources = watchSources(client);
  return () => {
    offEvents();
    offConnection();
    offSources();
  };
}
