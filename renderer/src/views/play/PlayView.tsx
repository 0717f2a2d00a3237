/**
 * Play: streams a package (`vq package`) through the app's own server with hls.js, over a shaped
 * network (a constant rate, steps, or a recorded trace: the server paces every byte), with the
 * player's automatic rung choice or a rung forced. The switches and the buffer are drawn on the
 * per-frame VMAF of the rung actually shown; at the end the app summarises the playback
 * (time-weighted VMAF of what played, switches, stall time) and keeps it with the package.
 */
import Hls from 'hls.js';
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import {
  BUILT_IN_PROFILES,
  parseTrace,
  seriesOfResult,
  type NetworkProfile,
  type PackageEntry,
  type PlaybackSummary,
  type VariantSeries,
} from '../../../../shared/playback';
import { useClient } from '../../hooks/useClient';
import { CommandBlock } from '../../ui/CommandBlock';
import { ErrorPanel } from '../../ui/ErrorPanel';
import { drawPlaybackChart, RUNG_COLORS } from './drawPlaybackChart';
import { PackageBatch } from './PackageBatch';
import { PlaybackLog, type ShownRange, type SwitchEntry } from './playbackLog';

/** How often the buffer is sampled and the chart redrawn while playing (ms). */
const TICK_MS = 250;

interface LiveView {
  playhead: number;
  shown: ShownRange[];
  switches: SwitchEntry[];
  buffer: { atWall: number; atMedia: number; seconds: number }[];
}

interface Running {
  hls: Hls;
  log: PlaybackLog;
  startedAt: number;
  timer: number;
  /** hls.js level index → the package's variant index. */
  variantOfLevel: number[];
}

/** The Play view. */
export function PlayView(): ReactNode {
  const client = useClient();
  const [packages, setPackages] = useState<PackageEntry[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [packageId, setPackageId] = useState<string | null>(null);
  const [profiles, setProfiles] = useState<NetworkProfile[]>([...BUILT_IN_PROFILES]);
  const [profileIndex, setProfileIndex] = useState(0);
  const [forced, setForced] = useState<number | null>(null);
  const [loaded, setLoaded] = useState<{ id: string; series: (VariantSeries | null)[] } | null>(
    null,
  );
  const [summary, setSummary] = useState<PlaybackSummary | null>(null);
  const [playing, setPlaying] = useState(false);
  /** What the playback did so far, copied from its log on every tick (rendered from here). */
  const [live, setLive] = useState<LiveView | null>(null);
  const video = useRef<HTMLVideoElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const running = useRef<Running | null>(null);
  /** Set while a start waits for its session: a second click starts nothing. */
  const starting = useRef(false);
  /** False once the view is gone: a start that finishes after that creates no player. */
  const mounted = useRef(true);

  const load = useCallback(async () => {
    try {
      const { packages: list } = await client.call('packages.list', {});
      setPackages(list);
      setError(null);
      setPackageId((id) => (id && list.some((p) => p.id === id) ? id : (list[0]?.id ?? null)));
    } catch (err) {
      setError((err as Error).message);
    }
  }, [client]);
  useEffect(() => {
    let alive = true;
    client
      .call('packages.list', {})
      .then(({ packages: list }) => {
        if (!alive) return;
        setPackages(list);
        setPackageId((id) => (id && list.some((p) => p.id === id) ? id : (list[0]?.id ?? null)));
      })
      .catch((err: unknown) => alive && setError((err as Error).message));
    return () => {
      alive = false;
    };
  }, [client]);

  const pkg = packages?.find((p) => p.id === packageId) ?? null;

  const series = useMemo(
    () => (loaded && loaded.id === pkg?.id ? loaded.series : []),
    [loaded, pkg],
  );
  // The per-frame VMAF of each variant's rendition, where it was scored.
  useEffect(() => {
    let live = true;
    if (!pkg) return;
    void Promise.all(
      pkg.variantLinks.map(async (link, i) => {
        if (!link.scoreResultId) return null;
        const d = await client
          .call('scores.get', { resultId: link.scoreResultId })
          .catch(() => null);
        return d ? seriesOfResult(d, pkg.summary.variants[i]!.frameRate) : null;
      }),
    ).then((s) => live && setLoaded({ id: pkg.id, series: s }));
    return () => {
      live = false;
    };
  }, [client, pkg]);

  const stop = useCallback(async () => {
    const r = running.current;
    if (!r) return;
    running.current = null;
    window.clearInterval(r.timer);
    const v = video.current;
    const wall = (performance.now() - r.startedAt) / 1000;
    const report = r.log.report(v?.currentTime ?? 0, wall);
    r.hls.destroy();
    setPlaying(false);
    try {
      setSummary(await client.call('playback.save', report));
      void load();
    } catch (err) {
      setError((err as Error).message);
    }
  }, [client, load]);

  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
      void stop();
    };
  }, [stop]);

  // Made anew each render: it reads the choices on screen (package, network, rung) when clicked.
  const start = async (): Promise<void> => {
    const v = video.current;
    if (!pkg || !v || starting.current) return;
    starting.current = true;
    try {
      await begin(v, pkg);
    } finally {
      starting.current = false;
    }
  };

  async function begin(v: HTMLVideoElement, pkg: PackageEntry): Promise<void> {
    await stop();
    setSummary(null);
    setError(null);
    if (!Hls.isSupported()) {
      setError('This browser has no Media Source Extensions: hls.js cannot play here.');
      return;
    }
    const profile = profiles[profileIndex]!;
    let sessionId: string;
    try {
      ({ sessionId } = await client.call('playback.start', { packageId: pkg.id, profile }));
    } catch (err) {
      setError((err as Error).message);
      return;
    }
    if (!mounted.current) return;
    const hls = new Hls({
      // No worker: the page's content security policy allows scripts from the app only.
      enableWorker: false,
      capLevelToPlayerSize: false,
      xhrSetup: (xhr, url) => xhr.open('GET', client.withAccess(url), true),
    });
    const log = new PlaybackLog(pkg.id, profile, forced);
    const r: Running = { hls, log, startedAt: performance.now(), timer: 0, variantOfLevel: [] };
    running.current = r;
    const wall = (): number => (performance.now() - r.startedAt) / 1000;
    hls.on(Hls.Events.MANIFEST_PARSED, (_e, data) => {
      r.variantOfLevel = data.levels.map((level) => {
        const m = /(?:^|\/)v(\d+)\/index\.m3u8/.exec(level.uri ?? level.url[0] ?? '');
        return m ? Number(m[1]) : -1;
      });
      if (forced !== null) {
        const level = r.variantOfLevel.indexOf(forced);
        if (level >= 0) hls.currentLevel = level;
      }
      void v.play().catch(() => undefined);
    });
    hls.on(Hls.Events.FRAG_CHANGED, (_e, data) => {
      const variant = r.variantOfLevel[data.frag.level];
      if (variant !== undefined && variant >= 0) log.segmentShown(variant, data.frag.start, wall());
    });
    hls.on(Hls.Events.ERROR, (_e, data) => {
      if (!data.fatal) return;
      setError(
        `The player stopped: ${data.details}${data.error ? ` (${data.error.message})` : ''}.`,
      );
      void stop();
    });
    // A seek is no stall, and the media skipped was not shown.
    let playhead = 0;
    const onTime = (): void => {
      if (!v.seeking) playhead = v.currentTime;
    };
    const onSeeking = (): void => log.seeking(playhead);
    const onSeeked = (): void => {
      playhead = v.currentTime;
      log.seeked(v.currentTime, wall());
    };
    const onPlaying = (): void => log.playing(wall());
    const onWaiting = (): void => log.waiting(wall());
    const onEnded = (): void => void stop();
    const listeners: [string, () => void][] = [
      ['timeupdate', onTime],
      ['seeking', onSeeking],
      ['seeked', onSeeked],
      ['playing', onPlaying],
      ['waiting', onWaiting],
      ['ended', onEnded],
    ];
    for (const [type, fn] of listeners) v.addEventListener(type, fn);
    hls.on(Hls.Events.DESTROYING, () => {
      for (const [type, fn] of listeners) v.removeEventListener(type, fn);
    });
    r.timer = window.setInterval(() => {
      log.sampleBuffer(wall(), v.currentTime, bufferAhead(v));
      setLive({
        playhead: v.currentTime,
        shown: log.rangesUntil(v.currentTime),
        switches: [...log.switches],
        buffer: [...log.buffer],
      });
    }, TICK_MS);
    setLive({ playhead: 0, shown: [], switches: [], buffer: [] });
    hls.loadSource(client.playUrl(sessionId, 'master.m3u8'));
    hls.attachMedia(v);
    setPlaying(true);
  }

  // Redraw on every tick.
  const variants = useMemo(
    () =>
      pkg?.summary.variants.map((v, i) => ({ label: v.rungId, series: series[i] ?? null })) ?? [],
    [pkg, series],
  );
  useEffect(() => {
    const c = canvas.current;
    const ctx = c?.getContext('2d');
    if (!c || !ctx || !pkg) return;
    const dpr = window.devicePixelRatio || 1;
    const width = c.clientWidth;
    const height = c.clientHeight;
    if (c.width !== Math.round(width * dpr)) c.width = Math.round(width * dpr);
    if (c.height !== Math.round(height * dpr)) c.height = Math.round(height * dpr);
    drawPlaybackChart(ctx, {
      width,
      height,
      dpr,
      durationSeconds: pkg.summary.durationSeconds,
      variants,
      shown: live?.shown ?? [],
      switches: live?.switches ?? [],
      buffer: live?.buffer ?? [],
      playhead: playing ? (live?.playhead ?? null) : null,
    });
  }, [live, pkg, playing, variants]);

  const onTrace = async (file: File): Promise<void> => {
    const index = profiles.length;
    try {
      const profile = parseTrace(file.name.replace(/\.[^.]*$/, ''), await file.text());
      setProfiles((p) => [...p, profile]);
      setProfileIndex(index);
    } catch (err) {
      setError(`${file.name}: ${(err as Error).message}`);
    }
  };

  return (
    <div className="view play-view" data-testid="play-panel">
      <header className="view-header">
        <div>
          <h1>Play</h1>
          <p className="view-lead">
            Streams a package made with <code className="mono">vq package</code> through this app's
            own server, over the network you choose, and draws the rung switches and the buffer on
            the per-frame VMAF of the rung on screen.
          </p>
        </div>
        <button
          type="button"
          className="button"
          onClick={() => void load()}
          data-testid="play-refresh"
        >
          Refresh
        </button>
      </header>
      {error ? <ErrorPanel title="Playback" message={error} testId="play-error" /> : null}
      <PackageBatch
        onMade={(entry) => {
          setPackageId(entry.id);
          void load();
        }}
      />
      {packages === null ? (
        <p className="muted">Reading the packages…</p>
      ) : packages.length === 0 ? (
        <div className="empty-state" data-testid="play-empty">
          <p>No packages yet. Package an encoded ladder, then refresh:</p>
          <CommandBlock args={['npx', 'vq', 'package', 'DIR/manifest.json', '--out', 'PKG']} />
        </div>
      ) : (
        <>
          <div className="play-controls">
            <label>
              Package{' '}
              <select
                value={packageId ?? ''}
                onChange={(e) => setPackageId(e.target.value)}
                disabled={playing}
                data-testid="play-package"
              >
                {packages.map((p) => (
                  <option key={p.id} value={p.id} disabled={!p.summary.hls}>
                    {p.summary.hls ? '' : '(DASH only, not playable here) '}
                    {p.name} — {p.summary.variants.length} rungs, {p.summary.segmentSeconds} s
                    segments
                  </option>
                ))}
              </select>
            </label>
            <label>
              Network{' '}
              <select
                value={profileIndex}
                onChange={(e) => setProfileIndex(Number(e.target.value))}
                disabled={playing}
                data-testid="play-network"
              >
                {profiles.map((p, i) => (
                  <option key={`${p.name}-${i}`} value={i}>
                    {p.name}
                  </option>
                ))}
              </select>
            </label>
            <label className="button button-quiet">
              Load trace…
              <input
                type="file"
                accept=".csv,.txt,.log"
                hidden
                onChange={(e) => {
                  const f = e.target.files?.[0];
                  if (f) void onTrace(f);
                  e.target.value = '';
                }}
                data-testid="play-trace"
              />
            </label>
            <label>
              Rung{' '}
              <select
                value={forced === null ? 'auto' : String(forced)}
                onChange={(e) =>
                  setForced(e.target.value === 'auto' ? null : Number(e.target.value))
                }
                disabled={playing}
                data-testid="play-rung"
              >
                <option value="auto">Automatic (ABR)</option>
                {pkg?.summary.variants.map((v, i) => (
                  <option key={v.dir} value={i}>
                    {v.rungId} ({v.width}×{v.height}, {Math.round(v.peakBps / 1000)} kb/s peak)
                  </option>
                ))}
              </select>
            </label>
            {playing ? (
              <button
                type="button"
                className="button"
                onClick={() => void stop()}
                data-testid="play-stop"
              >
                Stop and summarise
              </button>
            ) : (
              <button
                type="button"
                className="button button-primary"
                onClick={() => void start()}
                disabled={!pkg}
                data-testid="play-start"
              >
                Play
              </button>
            )}
          </div>
          <div className="play-stage">
            <video
              ref={video}
              className="play-video"
              controls
              playsInline
              data-testid="play-video"
            />
            <div className="play-side">
              <h2>Switches</h2>
              <table className="table play-switches" data-testid="play-switches">
                <thead>
                  <tr>
                    <th>wall</th>
                    <th>media</th>
                    <th>rung</th>
                    <th>buffer</th>
                  </tr>
                </thead>
                <tbody>
                  {(live?.switches ?? []).map((s, i) => (
                    <tr key={i} data-testid="play-switch-row">
                      <td className="mono">{s.atWall.toFixed(1)} s</td>
                      <td className="mono">{s.atMedia.toFixed(1)} s</td>
                      <td>
                        {s.from === null
                          ? 'start: '
                          : `${pkg?.summary.variants[s.from]?.rungId ?? s.from} → `}
                        <span style={{ color: RUNG_COLORS[s.to % RUNG_COLORS.length] }}>
                          {pkg?.summary.variants[s.to]?.rungId ?? s.to}
                        </span>
                      </td>
                      <td className="mono">{s.buffer.toFixed(1)} s</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </div>
          <canvas
            ref={canvas}
            className="play-chart"
            data-testid="play-chart"
            aria-label="Per-frame VMAF of the rung shown, switches and buffer"
          />
          <p className="muted play-legend">
            Lines: per-frame VMAF of each rung (faint) and of what was shown (bold). Top lane: the
            rung on screen. Dashed: switches. Grey area: seconds buffered ahead (right-hand scale).
          </p>
          {summary ? <SummaryPanel summary={summary} /> : null}
          {pkg ? <PackageFacts pkg={pkg} /> : null}
        </>
      )}
    </div>
  );
}

function bufferAhead(v: HTMLVideoElement): number {
  const t = v.currentTime;
  for (let i = 0; i < v.buffered.length; i++) {
    if (v.buffered.start(i) <= t + 0.1 && t < v.buffered.end(i)) return v.buffered.end(i) - t;
  }
  return 0;
}

function SummaryPanel({ summary: s }: { summary: PlaybackSummary }): ReactNode {
  return (
    <section className="play-summary" data-testid="play-summary">
      <h2>Playback summary</h2>
      <dl className="fact-list">
        <dt>Network</dt>
        <dd>{s.profileName}</dd>
        <dt>Rung</dt>
        <dd>{s.forcedRungId ? `forced: ${s.forcedRungId}` : 'automatic'}</dd>
        <dt>Time-weighted VMAF</dt>
        <dd data-testid="play-summary-vmaf">
          {s.timeWeightedVmaf === null
            ? '— (a rung shown has no per-frame VMAF)'
            : s.timeWeightedVmaf.toFixed(2)}
        </dd>
        <dt>Switches</dt>
        <dd data-testid="play-summary-switches">{s.switches}</dd>
        <dt>Stalls</dt>
        <dd>
          {s.stalls} ({s.stallSeconds.toFixed(2)} s)
        </dd>
        <dt>Start-up</dt>
        <dd>{s.startupSeconds === null ? '—' : `${s.startupSeconds.toFixed(2)} s`}</dd>
        <dt>Shown</dt>
        <dd>
          {s.shownSeconds.toFixed(1)} s at {Math.round(s.averageShownBps / 1000)} kb/s:{' '}
          {s.secondsByRung.map((r) => `${r.rungId} ${r.seconds.toFixed(1)} s`).join(', ')}
        </dd>
      </dl>
    </section>
  );
}

function PackageFacts({ pkg }: { pkg: PackageEntry }): ReactNode {
  const s = pkg.summary;
  return (
    <section className="play-package" data-testid="play-package-facts">
      <h2>Package</h2>
      <p className="muted">
        <span className="mono">{pkg.dir}</span> — {s.hls ? 'HLS' : ''}
        {s.hls && s.dash ? ' + ' : ''}
        {s.dash ? 'DASH' : ''}, {s.segmentSeconds} s segments, {s.durationSeconds.toFixed(1)} s
        {s.audio ? `, audio ${s.audio.codecs}` : ''}
      </p>
      <table className="table">
        <thead>
          <tr>
            <th>rung</th>
            <th>size</th>
            <th>codecs</th>
            <th>peak</th>
            <th>average</th>
            <th>segments</th>
            <th>VMAF</th>
          </tr>
        </thead>
        <tbody>
          {s.variants.map((v, i) => (
            <tr key={v.dir}>
              <td style={{ color: RUNG_COLORS[i % RUNG_COLORS.length] }}>{v.rungId}</td>
              <td className="mono">
                {v.width}×{v.height}
              </td>
              <td className="mono">{v.codecs}</td>
              <td className="mono">{Math.round(v.peakBps / 1000)} kb/s</td>
              <td className="mono">{Math.round(v.averageBps / 1000)} kb/s</td>
              <td className="mono">{v.segments.length}</td>
              <td>{pkg.variantLinks[i]?.scoreResultId ? 'per frame' : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <details>
        <summary>The ffmpeg commands that wrote the segments</summary>
        {s.commands.map((c, i) => (
          <CommandBlock key={i} args={c} />
        ))}
      </details>
    </section>
  );
}
