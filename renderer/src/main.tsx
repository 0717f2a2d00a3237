/** Renderer entry: create the API client, wire the stores to it once, then render the shell. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createClient } from './api/createClient';
import { App } from './shell/App';
import { ClientContext } from './hooks/clientContext';
import { startSync } from './stores/startSync';
// Every stylesheet, in cascade order: tokens, the generic pieces, the shell, then one per view.
import './styles/tokens.css';
import './styles/base.css';
import './styles/shell.css';
import './styles/views/library.css';
import './styles/views/scores.css';
import './styles/views/ladders.css';
import './styles/views/queue.css';
import './styles/views/compare.css';
import './styles/views/analysis.css';
import './styles/views/toolchain.css';
import './styles/views/settings.css';
import './styles/views/activity.css';
import './styles/views/workers.css';
import './styles/views/play.css';

async function main(): Promise<void> {
  const rootElement = document.getElementById('root');
  if (!rootElement) throw new Error('index.html has no #root element');
  const client = await createClient();
  startSync(client);
  createRoot(rootElement).render(
    <StrictMode>
      <ClientContext.Provider value={client}>
        <App />
      </ClientContext.Provider>
    </StrictMode>,
  );
}

void main().catch((err: unknown) => {
  // Without a client nothing can render; say so instead of leaving a blank window.
  const message = err instanceof Error ? err.message : String(err);
  document.body.textContent = `VQ Studio could not start: ${message}`;
});
