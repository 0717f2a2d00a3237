import { useCallback, type ReactNode } from 'react';
import { useDocumentTitle } from '../hooks/useDocumentTitle';
import { useClient } from '../hooks/useClient';
import { useGlobalShortcuts } from '../hooks/useGlobalShortcuts';
import { useWindowDrop } from '../hooks/useWindowDrop';
import { pushToast, setShortcutsOpen, useAppStore } from '../stores/appStore';
import { ActivityView } from '../views/activity/ActivityView';
import { AnalysisView } from '../views/analysis/AnalysisView';
import { CompareView } from '../views/compare/CompareView';
import { LaddersView } from '../views/ladders/LaddersView';
import { LibraryView } from '../views/library/LibraryView';
import { QueueView } from '../views/queue/QueueView';
import { SettingsView } from '../views/settings/SettingsView';
import { ToolchainView } from '../views/toolchain/ToolchainView';
import { WorkersView } from '../views/workers/WorkersView';
import { PlayView } from '../views/play/PlayView';
import { ConnectionBanner } from './ConnectionBanner';
import { DropOverlay } from './DropOverlay';
import { Header } from './Header';
import { OverwriteConfirm } from './OverwriteConfirm';
import { ShortcutSheet } from './ShortcutSheet';
import { Sidebar } from './Sidebar';
import { ToastArea } from './ToastArea';
import { useHashRoute } from './useHashRoute';
import type { ViewId } from '../model/viewList';

function CurrentView({ view }: { view: ViewId }): ReactNode {
  switch (view) {
    case 'library':
      return <LibraryView />;
    case 'ladders':
      return <LaddersView />;
    case 'queue':
      return <QueueView />;
    case 'compare':
      return <CompareView />;
    case 'analysis':
      return <AnalysisView />;
    case 'toolchain':
      return <ToolchainView />;
    case 'settings':
      return <SettingsView />;
    case 'activity':
      return <ActivityView />;
    case 'workers':
      return <WorkersView />;
    case 'play':
      return <PlayView />;
  }
}

/** The application shell: header, navigation, the current view, toasts and dialogs. */
export function App(): ReactNode {
  const view = useAppStore((s) => s.view);
  const shortcutsOpen = useAppStore((s) => s.shortcutsOpen);
  const dropImport = useAppStore((s) => s.appInfo?.capabilities.dropImport ?? false);
  useDocumentTitle(view);
  useGlobalShortcuts();
  useHashRoute(useClient());
  const onDrop = useCallback(() => {
    // The desktop preload imports dropped files itself; a browser page never learns their paths.
    if (dropImport) return;
    pushToast({
      kind: 'error',
      title: 'Dropped files cannot be imported in the browser',
      message: 'A browser does not tell the server where a dropped file lives.',
      hint: 'Type the path of the file on the server, or use Browse….',
    });
  }, [dropImport]);
  const dragging = useWindowDrop(onDrop);

  return (
    <div className="app">
      <a
        className="skip-link"
        href="#main"
        onClick={(e) => {
          // Focus, not navigation: the hash is the page's address (useHashRoute.ts).
          e.preventDefault();
          document.getElementById('main')?.focus();
        }}
      >
        Skip to content
      </a>
      <Header />
      <ConnectionBanner />
      <div className="app-body">
        <Sidebar current={view} />
        <main id="main" className="main" tabIndex={-1}>
          <CurrentView view={view} />
        </main>
      </div>
      <ToastArea />
      <OverwriteConfirm />
      {shortcutsOpen ? <ShortcutSheet onClose={() => setShortcutsOpen(false)} /> : null}
      {dragging ? <DropOverlay canImport={dropImport} /> : null}
    </div>
  );
}
