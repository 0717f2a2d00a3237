import { useState, type ReactNode } from 'react';
import type { Settings } from '../../../../shared/api';
import { useClient } from '../../hooks/useClient';
import { useQueueStore } from '../../stores/queueStore';
import { saveSettings, useSettingsStore } from '../../stores/settingsStore';

const LEVELS = Array.from({ length: 16 }, (_, i) => i + 1);

/** Queue settings: how many jobs run at once, and what happens to running jobs after a restart. */
export function QueueSettings({ settings }: { settings: Settings }): ReactNode {
  const client = useClient();
  const saving = useSettingsStore((s) => s.saving);
  const auto = useQueueStore((s) => s.data.concurrency?.auto ?? null);
  const [saved, setSaved] = useState<string | null>(null);

  async function change(patch: Partial<Settings>, what: string): Promise<void> {
    setSaved(null);
    if (await saveSettings(client, patch)) setSaved(what);
  }

  const autoText =
    auto === null
      ? 'Automatic (chosen from the CPU cores)'
      : `Automatic — ${auto} at a time on this machine`;

  return (
    <section className="panel" aria-labelledby="queue-settings-title">
      <h2 id="queue-settings-title">Queue</h2>
      <div className="settings-form">
        <div className="field">
          <label className="field-label" htmlFor="setting-concurrency">
            Jobs at once
          </label>
          <select
            id="setting-concurrency"
            className="input settings-select"
            value={settings.concurrency === null ? 'auto' : String(settings.concurrency)}
            disabled={saving}
            onChange={(e) =>
              void change(
                { concurrency: e.target.value === 'auto' ? null : Number(e.target.value) },
                'concurrency',
              )
            }
            aria-describedby="setting-concurrency-note"
            data-testid="setting-concurrency"
          >
            <option value="auto">{autoText}</option>
            {LEVELS.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
          <span id="setting-concurrency-note" className="field-note">
            x264 and x265 already use every core, so running several encodes at once mostly adds
            memory and cache pressure. Automatic runs one job on small machines and a quarter of the
            cores (at most 4) on large ones. A change applies to the next job that starts.
          </span>
        </div>
        <fieldset className="field radio-group">
          <legend className="field-label">
            When the app starts again after stopping mid-encode
          </legend>
          <label className="check">
            <input
              type="radio"
              name="on-restart"
              value="requeue"
              checked={settings.onRestart === 'requeue'}
              disabled={saving}
              onChange={() => void change({ onRestart: 'requeue' }, 'restart')}
              data-testid="setting-on-restart-requeue"
            />
            Queue the interrupted jobs again
          </label>
          <label className="check">
            <input
              type="radio"
              name="on-restart"
              value="mark-interrupted"
              checked={settings.onRestart === 'mark-interrupted'}
              disabled={saving}
              onChange={() => void change({ onRestart: 'mark-interrupted' }, 'restart')}
              data-testid="setting-on-restart-mark"
            />
            Mark them interrupted (retry them by hand)
          </label>
          <span className="field-note">
            Partial files of interrupted jobs are deleted either way; no ffmpeg is left running
            after the app quits.
          </span>
        </fieldset>
        {saved ? (
          <span className="muted small" role="status">
            Saved.
          </span>
        ) : null}
      </div>
    </section>
  );
}
