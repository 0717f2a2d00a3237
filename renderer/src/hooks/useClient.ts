import { useContext } from 'react';
import type { RendererClient } from '../api/rendererClient';
import { ClientContext } from './clientContext';

/** The API client of this window (throws outside the provider, which is a programming error). */
export function useClient(): RendererClient {
  const client = useContext(ClientContext);
  if (!client) throw new Error('useClient() used outside <ClientContext.Provider>');
  return client;
}
