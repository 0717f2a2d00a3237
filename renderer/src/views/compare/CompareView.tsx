import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { distFrameAt, type FrameMatch } from '../../../../shared/frameMatch';
import { useClient } from '../../hooks/useClient';
import {
  compareShown,
  takeCompareRequest,
  useCompareRequestStore,
} from '../../stores/compareRequest';
import { useLibraryStore } from '../../stores/libraryStore';
import { pushToast } from '../../stores/appStore';
import { messageOf } from '../../stores/messageOf';
import { CompareChart } from './chart/CompareChart';
import { worstEntries } from './chart/chartModel';
import { CompareHelp } from './CompareHelp';
import { scoreAt } from './chart/useCompareScores';
import { liveChecked, toggleChecked, type CompareCandidate } from './compareCandidates';
import { matrixFor } from './compareImage';
import {
  clampFrame,
  displaySize,
  MAX_COMPARED,
  nextZoom,
  type CompareKeyAction,
  type CompareMode,
} from './compareModel';
import type { ComparePane } from './comparePane';
import { CompareToolbar, type ToolbarState } from './CompareToolbar';
import { ComparePicker, NoSources } from './ComparePicker';
import { CompareStage } from './CompareStage';
import type { PaneContext } from './FramePane';
import { currentFitScale, type ZoomAnchor } from './PanScroller';
import { paneColor } from './paneColors';
import { PixelReadout } from './PixelReadout';
import { modePlays, playbackSupport } from './playback';
import { composeView } from './saveImages';
import { downloadBlob } from '../../ui/download';
import { Timeline } from './Timeline';
import { useCompareKeys } from './useCompareKeys';
import { useCompareSelection } from './useCompareSelection';
import { useFrameCache, usePrefetch } from './useFrameCache';
import { useFrameInfo } from './useFrameInfo';
import { shotStartFrom, useShots } from './useShots';
import { usePlayback } from './usePlayback';

/** Worst frames (of the panes' scores, together) the frame server is asked to have ready. */
const WORST_READY = 8;

type ViewOptions = Omit<ToolbarState, 'twoUp' | 'playing' | 'playOff' | 'selectedTitle'>;

const INITIAL: ViewOptions = {
  mode: 'side',
  zoom: 'fit',
  showB: false,
  flickerHz: 0,
  wipeVertical: true,
  gain: 4,
  channel: 'rgb',
};

/**
 * Compare: a source and up to three of its renditions (or library items of the same length) on
 * the same exact frame from the frame server — side by side, wiped, flickered, differenced or as
 * an error heatmap — with synced zoom and pan, a pixel readout, playback, a timeline and saving.
 */
export function CompareView(): ReactNode {
  const client = useClient();
  const items = useLibraryStore((s) => s.data.items);
  const stageRef = useRef<HTMLDivElement>(null);

  const [sourceChoice, setSourceChoice] = useState<string | null>(null);
  const [checked, setChecked] = useState<string[]>([]);
  const [frame, setFrame] = useState(0);
  const [opts, setOpts] = useState<ViewOptions>(INITIAL);
  const [wipeAt, setWipeAt] = useState(50);
  const [selected, setSelected] = useState(1);
  const [hover, setHover] = useState<{ x: number; y: number } | null>(null);
  const [anchor, setAnchor] = useState<ZoomAnchor | null>(null);
  // Another view (the Analysis chart) asked to show renditions of a source: take it once.
  const request = useCompareRequestStore((s) => s.request);
  const [takenRequest, setTakenRequest] = useState<number | null>(null);
  if (request && request.id !== takenRequest) {
    setTakenRequest(request.id);
    setSourceChoice(request.sourceId);
    setChecked(request.renditionIds.slice(0, MAX_COMPARED));
    setFrame(request.frame);
  }
  useEffect(() => {
    // Cleared once applied, so showing Compare again later keeps the person's own choice.
    if (request) takeCompareRequest();
  }, [request]);
  const set = (change: Partial<ViewOptions>): void => setOpts((o) => ({ ...o, ...change }));
  const flip = (): void => setOpts((o) => ({ ...o, showB: !o.showB }));

  const { source, candidates, compared, chosen, scores, chartPanes } = useCompareSelection(
    sourceChoice,
    checked,
  );
  const { info, error: infoError } = useFrameInfo(source?.id ?? null);
  const { shots, error: shotsError } = useShots(source?.id ?? null);
  const canPlayType = useMemo(() => {
    const probe = document.createElement('video');
    return (mime: string) => probe.canPlayType(mime);
  }, []);

  // The frame server autorotates: a phone clip tagged rotate=90 comes out portrait.
  const size = source ? displaySize(source.media.video) : { width: 0, height: 0 };
  const cache = useFrameCache(size.width * size.height);
  const frameCount = info?.count ?? source?.media.video.frameCount ?? 1;
  const fps = source?.media.video.frameRate ?? null;
  const shownFrame = clampFrame(frame, frameCount);
  // What is shown, for the page's address (a reload comes back to it).
  const comparedKey = compared.map((c) => c.id).join(',');
  useEffect(() => {
    compareShown({
      sourceId: source?.id ?? null,
      renditionIds: comparedKey ? comparedKey.split(',') : [],
      frame: shownFrame,
    });
  }, [source?.id, comparedKey, shownFrame]);
  const twoUp = compared.length > 0;
  const mode: CompareMode = twoUp ? opts.mode : 'side';
  const matrix = matrixFor(source?.media.video.colorMatrix);

  // A video matched to the source by its pictures shows the frame the match pairs with the
  // viewer's (a late start, dropped frames, another rate); any other shows the same number.
  const matchOf = (c: CompareCandidate): FrameMatch | null => scores.get(c.id)?.frameMatch ?? null;
  const frameOf = (c: CompareCandidate, index: number): number => {
    const match = matchOf(c);
    if (!match) return index;
    const own = distFrameAt(match.mapping, index);
    const count = c.media.video.frameCount;
    return count ? Math.min(own, count - 1) : own;
  };
  const urlOf = (c: CompareCandidate, index: number): string =>
    c.kind === 'source'
      ? client.frameUrl(c.id, index)
      : client.frameUrl(c.id, frameOf(c, index), size);
  // Zoomed in past 100 %, a rendition of another size shows its own pixels (nearest-neighbour).
  const nativeSizeOf = (c: CompareCandidate): { width: number; height: number } | undefined => {
    if (opts.zoom === 'fit' || opts.zoom <= 1 || c.kind === 'source') return undefined;
    const own = displaySize(c.media.video);
    return own.width === size.width && own.height === size.height ? undefined : own;
  };
  const drawUrlOf = (c: CompareCandidate, index: number): string =>
    nativeSizeOf(c) ? client.frameUrl(c.id, frameOf(c, index)) : urlOf(c, index);
  const panes: ComparePane[] = chosen.map((c, index) => {
    const s = scores.get(c.id);
    return {
      candidate: c,
      index,
      color: paneColor(index),
      url: urlOf(c, shownFrame),
      drawUrl: drawUrlOf(c, shownFrame),
      drawSize: nativeSizeOf(c),
      fileUrl: client.mediaUrl('file', c.id),
      // A matched video's frames do not follow the source's clock: stepped, never played.
      support: matchOf(c)
        ? { playable: false, reason: 'its frames are matched to the source by their pictures' }
        : playbackSupport(c.media, canPlayType),
      scores: s ? scoreAt(s, shownFrame) : null,
      stale: s?.stale ?? null,
      matchedFrame: matchOf(c) ? frameOf(c, shownFrame) : null,
    };
  });
  const selectedIndex = Math.min(selected, Math.max(0, panes.length - 1));
  const a = panes[0] ?? null;
  const b = panes[selectedIndex > 0 ? selectedIndex : 1] ?? null;
  const layout = mode === 'side' ? panes : mode === 'wipe' || mode === 'flicker' ? [a, b] : [];
  const playableIds = layout
    .filter((p): p is ComparePane => p !== null && p.support.playable)
    .map((p) => p.candidate.id);
  const playback = usePlayback({
    playableIds,
    frame: shownFrame,
    setFrame,
    times: info?.times ?? null,
    fps,
    mode,
    size,
  });

  const playOff = !modePlays(mode)
    ? 'Difference and heatmap need exact frames: switch to side by side, wipe or flicker to play'
    : playableIds.length === 0
      ? 'None of these panes can play in Chromium; step through exact frames instead'
      : null;
  const onPlay = (): void => playback.toggle();
  const seek = (to: number): void => {
    playback.pause();
    setFrame(clampFrame(to, frameCount));
  };

  // Only the panes the mode draws: wipe, flicker, difference and heatmap show A and B, and on two
  // cores every needless decode slows the ones on screen. While playing, only the panes that
  // cannot play fetch frames (the others draw what their video presents), and no neighbours.
  const shown = (mode === 'side' ? panes : [a, b]).filter((p): p is ComparePane => p !== null);
  const fetched = playback.playing ? shown.filter((p) => !p.support.playable) : shown;
  const computed = mode === 'diff' || mode === 'heatmap';
  const selectedPane = panes[selectedIndex] ?? null;
  const readoutPixel = playback.playing ? null : hover;
  // The readout reads the frames as scored (`url`); zoomed in, the panes draw others (`drawUrl`).
  const readoutUrls = readoutPixel && a ? [...new Set([a.url, selectedPane?.url ?? a.url])] : [];
  // The chart's worst frames are where a person clicks: the frame server gets them ready ahead.
  const worstKey = [
    ...new Set(
      chosen.flatMap((c) => {
        const s = scores.get(c.id);
        return s ? worstEntries(s, WORST_READY).map((w) => w.frame) : [];
      }),
    ),
  ]
    .slice(0, WORST_READY)
    .join(',');
  const readyKey = `${worstKey}|${shown.map((p) => p.candidate.id).join(',')}|${size.width}x${size.height}`;
  useEffect(() => {
    if (!worstKey) return;
    const frames = worstKey.split(',').map(Number);
    for (const p of shown) {
      const c = p.candidate;
      const own = frames.map((f) => frameOf(c, f));
      const args =
        c.kind === 'source' ? { id: c.id, frames: own } : { id: c.id, frames: own, size };
      client.call('frames.prefetch', args).catch(() => undefined);
    }
    // readyKey stands for the panes and frames.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [client, readyKey]);
  usePrefetch(
    cache,
    shownFrame,
    frameCount,
    (index) => [
      ...fetched.flatMap((p) =>
        computed ? [urlOf(p.candidate, index)] : [drawUrlOf(p.candidate, index)],
      ),
      ...(index === shownFrame ? readoutUrls : []),
    ],
    [
      ...fetched.map((p) => (computed ? p.url : p.drawUrl)),
      ...readoutUrls,
      playback.playing,
    ].join(),
    playback.playing ? 0 : 1,
  );

  // Automatic flicker at the chosen rate.
  useEffect(() => {
    if (mode !== 'flicker' || opts.flickerHz <= 0) return;
    const timer = setInterval(flip, 1000 / opts.flickerHz);
    return () => clearInterval(timer);
  }, [mode, opts.flickerHz]);

  useCompareKeys(mode, (action: CompareKeyAction) => {
    switch (action.kind) {
      case 'step':
        return seek(shownFrame + action.delta);
      case 'first':
        return seek(0);
      case 'last':
        return seek(frameCount - 1);
      case 'shot': {
        const to = shots ? shotStartFrom(shots, shownFrame, action.direction) : null;
        return to === null ? undefined : seek(to);
      }
      case 'mode':
        if (twoUp || action.mode === 'side') set({ mode: action.mode });
        return;
      case 'toggleFlicker':
        return flip();
      case 'zoom':
        setAnchor(null);
        return set({
          zoom: nextZoom(opts.zoom, action.direction, currentFitScale(size.width, size.height)),
        });
      case 'fit':
        return set({ zoom: 'fit' });
      case 'playPause':
        return playOff === null || playback.playing ? onPlay() : undefined;
      case 'selectPane':
        if (action.pane < panes.length) setSelected(action.pane);
        return;
    }
  });

  const chooseSource = (id: string): void => {
    playback.pause();
    setSourceChoice(id);
    setChecked([]);
    setFrame(0);
  };
  const toggle = (id: string): void => {
    setChecked((list) => toggleChecked(list, id, candidates, MAX_COMPARED));
  };
  const saveView = (): void => {
    const root = stageRef.current;
    if (!root) return;
    const how = {
      mode,
      frame: shownFrame,
      wipeAt,
      wipeVertical: opts.wipeVertical,
      showB: opts.showB,
    };
    composeView(root, how)
      .then((blob) => downloadBlob(`compare-${mode}-frame${shownFrame}.png`, blob))
      .catch((err: unknown) =>
        pushToast({ kind: 'error', title: 'The view could not be saved', message: messageOf(err) }),
      );
  };

  if (!source || !a) return <NoSources />;

  const ctx: PaneContext = {
    frame: shownFrame,
    size,
    zoom: opts.zoom,
    anchor,
    cache,
    onHover: setHover,
    pictureOf: playback.pictureOf,
    onWheelZoom: (direction, pixel, cursor) => {
      const zoom = nextZoom(opts.zoom, direction, currentFitScale(size.width, size.height));
      setAnchor({ zoom, pixel, cursor });
      set({ zoom });
    },
  };

  return (
    <div className="view compare-view" data-testid="compare-view">
      <header className="compare-head">
        <h1>Compare</h1>
        <CompareHelp />
        <ComparePicker
          items={items}
          sourceId={source.id}
          candidates={candidates}
          checked={liveChecked(checked, candidates)}
          onSource={chooseSource}
          onToggle={toggle}
        />
      </header>

      <CompareToolbar
        s={{
          ...opts,
          mode,
          twoUp,
          playing: playback.playing,
          playOff,
          selectedTitle: b?.candidate.title ?? null,
        }}
        set={set}
        onPlay={onPlay}
        onSaveView={saveView}
      />

      <CompareStage
        ref={stageRef}
        mode={mode}
        panes={panes}
        a={a}
        b={b}
        ctx={ctx}
        playback={playback}
        selectedIndex={selectedIndex}
        onSelect={setSelected}
        opts={opts}
        wipeAt={wipeAt}
        onWipe={setWipeAt}
        matrix={matrix}
      />

      <Timeline
        frame={shownFrame}
        frameCount={frameCount}
        info={info}
        infoError={infoError}
        fps={fps}
        playing={playback.playing}
        onSeek={seek}
        shots={shots}
        shotsError={shotsError}
        matches={panes.flatMap((p) => {
          const match = matchOf(p.candidate);
          return match
            ? [{ id: p.candidate.id, title: p.candidate.title, color: p.color, match }]
            : [];
        })}
      />
      <div className="compare-bottom">
        <PixelReadout
          pixel={readoutPixel}
          frame={shownFrame}
          size={size}
          source={a}
          selected={selectedPane}
          cache={cache}
        />
        <CompareChart
          sourceId={source.id}
          panes={chartPanes}
          frame={shownFrame}
          frameCount={frameCount}
          onSeek={seek}
          scores={scores}
        />
      </div>
    </div>
  );
}
