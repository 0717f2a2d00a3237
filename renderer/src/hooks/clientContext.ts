/** React context carrying the one API client of this window. */
import { createContext } from 'react';
import type { RendererClient } from '../api/rendererClient';

/** Provided once in main.tsx; read it with useClient(). */
export const ClientContext = createContext<RendererClient | null>(null);
