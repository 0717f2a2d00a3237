/**
 * The app's CRF searches (`target.start`, `target.cancel`, `target.list`) and per-shot encodes
 * (`shotencode.start`, `shotencode.cancel`, `shotencode.list`): each runs the same work as
 * `vq crf-search` (crfSearch.ts) or `vq shot-encode` (shotEncode.ts) on a library source, outside
 * the job queue, and every change reaches the clients as a `target.updated` or `shotencode.updated`
 * event, so the Target quality panel draws them as they go. One runs at a time; the runs live as
 * long as the process (a search's answer worth keeping is queued as an encode; a per-shot encode's
 * file stays in the data folder's `shot-encodes/`).
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { CrfSearchRequest, TargetSearch } from '../../../shared/crfSearch';
import type { ShotEncodeRequest, ShotEncodeRun, ShotTarget } from '../../../shared/shotEncode';
import { VqError, toApiError } from '../../../shared/errors';
import { refuseUnreadable } from '../encode/deriveJob';
import type { EventHub } from '../events';
import type { LibraryRepo } from '../store/libraryRepo';
import type { Toolchain } from '../toolchain';
import { runCrfSearch, type CrfSearchEvent } from './crfSearch';
import { checkTargetRun } from './encodeTools';
import type { QueueEncodes } from './queueEncodes';
import { runShotEncode, shotHeights } from './shotEncode';

/** What the service needs. */
export interface TargetServiceDeps {
  library: Pick<LibraryRepo, 'get'>;
  toolchain: Pick<Toolchain, 'binaryFor' | 'report'>;
  events: Pick<EventHub, 'emit'>;
  cacheDir: string | null;
  /** Where per-shot encodes are written (the data folder's `shot-encodes/`). */
  outDir: string;
  tmpDir?: string;
  /**
   * The shared queue's workers, when the app sends encodes there on a shared disk: a per-shot
   * encode's streams are encoded by them (queueEncodes.ts) into `outDir/<source id>/streams-<run>/`.
   */
  workers?: QueueEncodes | null;
}

/** Runs and keeps the app's CRF searches. */
export class TargetService {
  private readonly searches = new Map<string, TargetSearch>();
  private readonly shotRuns = new Map<string, ShotEncodeRun>();
  private running: { id: string; abort: AbortController; done: Promise<void> } | null = null;
  private closed = false;

  constructor(private readonly deps: TargetServiceDeps) {}

  /** Starts a search; refused while another runs. */
  start(request: CrfSearchRequest): TargetSearch {
    const source = this.sourceOf(request.sourceId);
    // Everything a person can fix is said now, not as a failed search.
    checkTargetRun({
      encoder: request.encoder,
      preset: request.preset ?? null,
      media: source.item.media,
      raw: source.raw,
      source: source.item.path,
    });
    this.checkFree();
    const search: TargetSearch = {
      id: randomBytes(8).toString('hex'),
      sourceId: request.sourceId,
      request,
      status: 'running',
      phase: 'shots',
      shots: null,
      samples: [],
      coverage: null,
      steps: [],
      trying: null,
      verifyFraction: null,
      result: null,
      error: null,
      startedAt: new Date().toISOString(),
      endedAt: null,
    };
    this.searches.set(search.id, search);
    const abort = new AbortController();
    const done = runCrfSearch(
      {
        source: { path: source.item.path, raw: source.raw, media: source.item.media },
        encoder: request.encoder,
        preset: request.preset ?? null,
        metric: request.metric,
        target: request.target,
        samples: request.samples,
        sampleSeconds: request.sampleSeconds,
        verify: request.verify,
        signal: abort.signal,
        onEvent: (e) => this.update(search.id, (s) => applyEvent(s, e)),
      },
      { toolchain: this.deps.toolchain, cacheDir: this.deps.cacheDir, tmpDir: this.deps.tmpDir },
    ).then(
      (result) => this.end(search.id, { status: 'done', result }),
      (err: unknown) =>
        this.end(search.id, {
          status: abort.signal.aborted ? 'canceled' : 'failed',
          error: abort.signal.aborted ? 'Canceled.' : toApiError(err).message,
        }),
    );
    this.running = { id: search.id, abort, done };
    this.emit(search);
    return search;
  }

  /** Starts a per-shot encode of a source; refused while a search or another encode runs. */
  startShotEncode(request: ShotEncodeRequest): ShotEncodeRun {
    const source = this.sourceOf(request.sourceId);
    const target: ShotTarget = request.target;
    const heights = shotHeights(request.heights, source.item.media, source.raw);
    // Runs that differ in their heights do not overwrite each other.
    const tried = request.heights ? `-${heights.join('-')}p` : '';
    const name = `${path.parse(source.item.fileName).name}.shots-${'kbps' in target ? `${target.kbps}kbps` : `vmaf${target.quality}`}-${request.encoder}${tried}.mp4`;
    const output = path.join(this.deps.outDir, source.item.id, name);
    checkTargetRun({
      encoder: request.encoder,
      preset: request.preset ?? null,
      media: source.item.media,
      raw: source.raw,
      source: source.item.path,
      outputs: [output],
      overwrite: true,
    });
    this.checkFree();
    const run: ShotEncodeRun = {
      id: randomBytes(8).toString('hex'),
      sourceId: request.sourceId,
      request,
      status: 'running',
      phase: 'shots',
      done: 0,
      total: 0,
      shots: [],
      frames: null,
      result: null,
      error: null,
      startedAt: new Date().toISOString(),
      endedAt: null,
    };
    this.shotRuns.set(run.id, run);
    const abort = new AbortController();
    const set = (change: (r: ShotEncodeRun) => ShotEncodeRun): void => {
      const before = this.shotRuns.get(run.id);
      if (!before) return;
      const after = change(before);
      if (after === before) return;
      this.shotRuns.set(run.id, after);
      this.deps.events.emit({ type: 'shotencode.updated', run: after });
    };
    const done = runShotEncode(
      {
        source: {
          path: source.item.path,
          raw: source.raw,
          media: source.item.media,
          id: source.item.id,
        },
        encoder: request.encoder,
        preset: request.preset ?? null,
        heights: request.heights,
        targets: [target],
        outputs: [output],
        overwrite: true,
        signal: abort.signal,
        onEvent: (e) =>
          set((r) => {
            switch (e.type) {
              case 'shots':
                return {
                  ...r,
                  phase: 'encoding',
                  shots: e.shots,
                  frames: e.shots.at(-1)?.end ?? null,
                };
              case 'encoded':
              case 'workers':
                // A redraw per shot encode (or per job on the workers) is plenty.
                return { ...r, done: e.done, total: e.total, onWorkers: e.type === 'workers' };
              case 'scoring':
                return { ...r, phase: 'scoring' };
              case 'joining':
                return { ...r, phase: 'joining' };
              default:
                return r;
            }
          }),
      },
      {
        toolchain: this.deps.toolchain,
        cacheDir: this.deps.cacheDir,
        tmpDir: this.deps.tmpDir,
        workers: this.deps.workers,
        streamsDir: path.join(this.deps.outDir, source.item.id, `streams-${run.id}`),
      },
    )
      .then(
        (result) => {
          const out = result.outputs[0]!;
          set((r) => ({
            ...r,
            status: 'done',
            result: {
              crfs: result.crfs,
              heights: result.heights,
              height: out.height,
              choices: out.shots,
              met: out.met,
              why: out.why,
              predicted: out.predicted,
              measured: out.result,
            },
          }));
        },
        (err: unknown) =>
          set((r) => ({
            ...r,
            status: abort.signal.aborted ? 'canceled' : 'failed',
            error: abort.signal.aborted ? 'Canceled.' : toApiError(err).message,
          })),
      )
      .finally(() => {
        if (this.running?.id === run.id) this.running = null;
        set((r) => ({ ...r, phase: null, endedAt: new Date().toISOString() }));
      });
    this.running = { id: run.id, abort, done };
    this.deps.events.emit({ type: 'shotencode.updated', run });
    return run;
  }

  /** The per-shot encodes of a source, newest first. */
  listShotEncodes(sourceId: string): ShotEncodeRun[] {
    return [...this.shotRuns.values()]
      .filter((r) => r.sourceId === sourceId)
      .sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  }

  /** Cancels a running per-shot encode (ffmpeg is stopped, its files removed). */
  async cancelShotEncode(id: string): Promise<ShotEncodeRun> {
    if (!this.shotRuns.has(id)) throw new VqError('NOT_FOUND', `No per-shot encode with id ${id}.`);
    await this.stop(id);
    return this.shotRuns.get(id)!;
  }

  /** Stops `id` when it is the one running, and waits for it to end. */
  private async stop(id: string): Promise<void> {
    if (this.running?.id !== id) return;
    this.running.abort.abort();
    await this.running.done;
  }

  /** The library source to work on; NOT_FOUND or INVALID_ARGS saying why not. */
  private sourceOf(id: string): NonNullable<ReturnType<TargetServiceDeps['library']['get']>> {
    const source = this.deps.library.get(id);
    if (!source) {
      throw new VqError(
        'NOT_FOUND',
        `No library item with id ${id}.`,
        'It may have been removed; refresh the library.',
      );
    }
    refuseUnreadable(source);
    return source;
  }

  /** Refuses a start while the app closes or something runs. */
  private checkFree(): void {
    if (this.closed) throw new VqError('CANCELED', 'The app is closing.');
    if (this.running) {
      throw new VqError(
        'BUSY',
        this.searches.has(this.running.id)
          ? 'A CRF search is running already.'
          : 'A per-shot encode is running already.',
        'Wait for it to end, or cancel it, then start this one.',
      );
    }
  }

  /** Cancels a running search (ffmpeg is stopped, its files removed). */
  async cancel(id: string): Promise<TargetSearch> {
    if (!this.searches.has(id)) throw new VqError('NOT_FOUND', `No CRF search with id ${id}.`);
    await this.stop(id);
    return this.searches.get(id)!;
  }

  /** The searches of a source, newest first. */
  list(sourceId: string): TargetSearch[] {
    return [...this.searches.values()]
      .filter((s) => s.sourceId === sourceId)
      .sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  }

  /** Stops a running search (the core is closing). */
  async close(): Promise<void> {
    this.closed = true;
    if (!this.running) return;
    this.running.abort.abort();
    await this.running.done;
  }

  private end(id: string, patch: Partial<TargetSearch>): void {
    if (this.running?.id === id) this.running = null;
    this.update(id, (s) => ({
      ...s,
      ...patch,
      phase: null,
      trying: null,
      verifyFraction: null,
      endedAt: new Date().toISOString(),
    }));
  }

  private update(id: string, change: (s: TargetSearch) => TargetSearch): void {
    const before = this.searches.get(id);
    if (!before) return;
    const after = change(before);
    if (after === before) return;
    this.searches.set(id, after);
    this.emit(after);
  }

  private emit(search: TargetSearch): void {
    this.deps.events.emit({ type: 'target.updated', search });
  }
}

/** A search with one event of its run applied (the same object when nothing shown changes). */
function applyEvent(s: TargetSearch, e: CrfSearchEvent): TargetSearch {
  switch (e.type) {
    case 'shots':
      return { ...s, phase: 'samples', shots: e.shots };
    case 'samples':
      return { ...s, phase: 'steps', samples: e.samples, coverage: e.coverage };
    case 'step-start':
      return { ...s, trying: e.crf };
    case 'step':
      return { ...s, trying: null, steps: [...s.steps, e.step] };
    case 'verify-start':
      return { ...s, phase: 'verify', verifyFraction: 0 };
    case 'verify-progress': {
      // A redraw for each whole percent, not each progress line.
      const f = e.fraction === null ? null : Math.floor(e.fraction * 100) / 100;
      return f === s.verifyFraction ? s : { ...s, verifyFraction: f };
    }
  }
}
