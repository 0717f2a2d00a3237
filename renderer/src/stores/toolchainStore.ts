/** The toolchain report (which ffmpeg builds exist and what each can do). */
import { create } from 'zustand';
import type { VqClient } from '../../../shared/api';
import type { ToolchainReport } from '../../../shared/toolchain';
import { messageOf } from './messageOf';

/** What the toolchain store holds. */
export interface ToolchainState {
  report: ToolchainReport | null;
  loading: boolean;
  /** True while a re-probe (refresh) runs. */
  refreshing: boolean;
  error: string | null;
}

/** The zustand store of the toolchain report. */
export const useToolchainStore = create<ToolchainState>()(() => ({
  report: null,
  loading: false,
  refreshing: false,
  error: null,
}));

/** Fetches the report; `refresh` re-probes every binary, ignoring the cache. */
export async function loadToolchain(client: VqClient, refresh = false): Promise<void> {
  useToolchainStore.setState(
    refresh ? { refreshing: true, error: null } : { loading: true, error: null },
  );
  try {
    const report = await client.call('toolchain.get', refresh ? { refresh: true } : {});
    useToolchainStore.setState({ report });
  } catch (err) {
    useToolchainStore.setState({ error: messageOf(err) });
  } finally {
    useToolchainStore.setState({ loading: false, refreshing: false });
  }
}

/** Replaces the report when main says it changed. */
export function toolchainChanged(report: ToolchainReport): void {
  useToolchainStore.setState({ report, error: null });
}
