/** User settings: the ffmpeg/ffprobe overrides and the queue options. */
import { create } from 'zustand';
import type { Settings, VqArgs, VqClient } from '../../../shared/api';
import { messageOf } from './messageOf';

/** What the settings store holds. */
export interface SettingsState {
  settings: Settings | null;
  loading: boolean;
  saving: boolean;
  error: string | null;
}

/** The zustand store of settings. */
export const useSettingsStore = create<SettingsState>()(() => ({
  settings: null,
  loading: false,
  saving: false,
  error: null,
}));

/** Fetches the settings. */
export async function loadSettings(client: VqClient): Promise<void> {
  useSettingsStore.setState({ loading: true, error: null });
  try {
    useSettingsStore.setState({ settings: await client.call('settings.get', {}) });
  } catch (err) {
    useSettingsStore.setState({ error: messageOf(err) });
  } finally {
    useSettingsStore.setState({ loading: false });
  }
}

/** Saves changed settings; resolves true on success. */
export async function saveSettings(
  client: VqClient,
  change: VqArgs<'settings.set'>,
): Promise<boolean> {
  useSettingsStore.setState({ saving: true, error: null });
  try {
    useSettingsStore.setState({ settings: await client.call('settings.set', change) });
    return true;
  } catch (err) {
    useSettingsStore.setState({ error: messageOf(err) });
    return false;
  } finally {
    useSettingsStore.setState({ saving: false });
  }
}

/** Replaces the settings when main says they changed. */
export function settingsChanged(settings: Settings): void {
  useSettingsStore.setState({ settings });
}
