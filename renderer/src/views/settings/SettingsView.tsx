import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { useClient } from '../../hooks/useClient';
import { useAppStore } from '../../stores/appStore';
import { loadSettings, saveSettings, useSettingsStore } from '../../stores/settingsStore';
import { useToolchainStore } from '../../stores/toolchainStore';
import { CopyButton } from '../../ui/CopyButton';
import { FactList } from '../../ui/FactList';
import { BinaryPathField } from './BinaryPathField';
import { QueueSettings } from './QueueSettings';

/** Settings: ffmpeg/ffprobe overrides, the queue, and facts about this installation. */
export function SettingsView(): ReactNode {
  const client = useClient();
  const appInfo = useAppStore((s) => s.appInfo);
  const { settings, saving, error } = useSettingsStore();
  const report = useToolchainStore((s) => s.report);
  const selected = report?.selected ?? null;
  const problemOf = (kind: 'ffmpeg' | 'ffprobe'): string | null =>
    report?.binaries.find((b) => b.kind === kind && b.source === 'setting' && b.error)?.error ??
    null;
  // Drafts are null until edited, so they follow the stored value until the person types.
  const [ffmpegDraft, setFfmpegDraft] = useState<string | null>(null);
  const [ffprobeDraft, setFfprobeDraft] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    if (!useSettingsStore.getState().settings) void loadSettings(client);
  }, [client]);

  const ffmpeg = ffmpegDraft ?? settings?.ffmpegPath ?? '';
  const ffprobe = ffprobeDraft ?? settings?.ffprobePath ?? '';
  const dirty =
    settings !== null &&
    (ffmpeg.trim() !== (settings.ffmpegPath ?? '') ||
      ffprobe.trim() !== (settings.ffprobePath ?? ''));

  async function onSubmit(e: FormEvent): Promise<void> {
    e.preventDefault();
    const ok = await saveSettings(client, {
      ffmpegPath: ffmpeg.trim() || null,
      ffprobePath: ffprobe.trim() || null,
    });
    if (ok) {
      setFfmpegDraft(null);
      setFfprobeDraft(null);
      setSaved(true);
    }
  }

  return (
    <div className="view settings-view">
      <header className="view-header">
        <div>
          <h1>Settings</h1>
          <p className="view-lead">Stored in the library database of this data folder.</p>
        </div>
      </header>

      <section className="panel">
        <h2>ffmpeg binaries</h2>
        <p className="muted">
          Leave a field empty to let the toolchain pick the best build for each job. A path here is
          probed like any other candidate; the Toolchain page shows what it can do.
        </p>
        <form className="settings-form" onSubmit={(e) => void onSubmit(e)}>
          <BinaryPathField
            id="setting-ffmpeg"
            label="ffmpeg path"
            value={ffmpeg}
            onChange={(v) => {
              setFfmpegDraft(v);
              setSaved(false);
            }}
            inUse={selected ? [selected.encode, selected.score, selected.decode] : []}
            problem={problemOf('ffmpeg')}
            testId="setting-ffmpeg"
          />
          <BinaryPathField
            id="setting-ffprobe"
            label="ffprobe path"
            value={ffprobe}
            onChange={(v) => {
              setFfprobeDraft(v);
              setSaved(false);
            }}
            inUse={selected ? [selected.probe] : []}
            problem={problemOf('ffprobe')}
            testId="setting-ffprobe"
          />
          <div className="form-actions">
            <button
              type="submit"
              className="button button-primary"
              disabled={!dirty || saving}
              data-testid="settings-save"
            >
              {saving ? 'Saving and probing…' : 'Save'}
            </button>
            {saved && !dirty ? (
              <span className="muted" role="status">
                Saved. The toolchain was probed again.
              </span>
            ) : null}
          </div>
          {error ? (
            <p className="form-error" role="alert">
              {error}
            </p>
          ) : null}
        </form>
      </section>

      {settings ? <QueueSettings settings={settings} /> : null}

      <section className="panel">
        <h2>About this installation</h2>
        {appInfo ? (
          <FactList
            facts={[
              { label: 'Version', value: `${appInfo.name} ${appInfo.version}` },
              {
                label: 'Mode',
                value: appInfo.mode === 'electron' ? 'Desktop app' : 'Browser (vq serve)',
              },
              { label: 'Platform', value: appInfo.platform, mono: true },
              {
                label: 'Data folder',
                value: (
                  <span className="inline-actions">
                    <span className="mono break" data-testid="data-dir">
                      {appInfo.dataDir}
                    </span>
                    <CopyButton text={appInfo.dataDir} />
                  </span>
                ),
              },
            ]}
          />
        ) : (
          <p className="muted">Loading…</p>
        )}
        <p className="muted small">
          The data folder holds the library database, renditions and caches. Set{' '}
          <code>VQ_DATA_DIR</code> to use another one.
        </p>
      </section>
    </div>
  );
}
