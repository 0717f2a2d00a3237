import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { BUILT_IN_PROFILES } from '../../shared/playback';
import { requestSchemas, type VqMethod } from '../../shared/api';
import { PRESET_LADDERS } from '../../shared/presets';
import { encodeRequest } from '../../shared/wire/ws';
import { createCore, type Core } from '../core/core';
import { testMedia } from '../testing/tempDir';
import { startServer, type RunningServer } from './server';

// Issue 10's proof: `vq serve` is total. A real core on a temp data dir and a real server on a free
// loopback port get more than 10,000 generated requests — malformed HTTP on raw sockets (so headers
// can be anything), WebSocket upgrades, and every API method with nonsense and near-valid
// arguments — and must answer each one and stay up. Seeded and bounded: a failure prints the seed
// (VQ_FUZZ_SEED=<seed> reruns it), and the run takes about a minute on 2 cores.

const SEED = Number(process.env.VQ_FUZZ_SEED ?? 20_261_010);
/** Requests sent concurrently per generated batch: keeps the run short without flooding 2 cores. */
const BATCH = 16;
const HTTP_BATCHES = 500; // 8,000 raw HTTP requests
const UPGRADE_BATCHES = 150; // 2,400 raw upgrade requests
const API_BATCHES = 500; // 8,000 API calls
const RAW_WS_MESSAGES = 1500; // one at a time: a nonsense text has no id to wait for
const ANSWER_TIMEOUT_MS = 15_000;

/**
 * Methods that legitimately start slow or machine-changing work (encodes, scoring, a native dialog)
 * get only malformed arguments, which must be refused.
 */
const NEUTERED = new Set<VqMethod>([
  'encode.start',
  'score.start',
  'pertitle.start',
  'library.importWithDialog',
]);

const counts: Record<string, number> = {};
function count(kind: string): void {
  counts[kind] = (counts[kind] ?? 0) + 1;
}

// Private TMPDIR and HOME, so the "nothing written outside" check is exact even while other test
// processes use the real /tmp; the real home is checked too.
const realTmp = os.tmpdir();
const realHome = os.homedir();
const saved = { TMPDIR: process.env.TMPDIR, HOME: process.env.HOME };
let root: string; // holds every folder this test makes
let fakeTmp: string;
let fakeHome: string;
let dataDir: string;
let fuzzDir: string; // the only place generated paths point into
let core: Core;
let server: RunningServer;
let clipId: string;
const before: { tmp: string[]; home: string[]; fakeTmp: string[]; fakeHome: string[] } = {
  tmp: [],
  home: [],
  fakeTmp: [],
  fakeHome: [],
};
const uncaught: unknown[] = [];
const onUncaught = (err: unknown): void => {
  uncaught.push(err);
};

const names = (dir: string): string[] => fs.readdirSync(dir).sort();

beforeAll(async () => {
  before.tmp = names(realTmp);
  before.home = names(realHome);
  root = fs.mkdtempSync(path.join(realTmp, 'vq-fuzz-'));
  fakeTmp = path.join(root, 'tmp');
  fakeHome = path.join(root, 'home');
  dataDir = path.join(root, 'data');
  fuzzDir = path.join(root, 'fuzz');
  const rendererDir = path.join(root, 'renderer');
  for (const d of [
    fakeTmp,
    fakeHome,
    dataDir,
    fuzzDir,
    rendererDir,
    path.join(fuzzDir, 'folder'),
  ]) {
    fs.mkdirSync(d, { recursive: true });
  }
  process.env.TMPDIR = fakeTmp;
  process.env.HOME = fakeHome;
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>VQ Studio</title>');
  fs.copyFileSync(testMedia('androidx-media/bear-vp9.webm'), path.join(fuzzDir, 'clip.webm'));
  fs.writeFileSync(path.join(fuzzDir, 'notes.txt'), 'not media');
  fs.writeFileSync(path.join(fuzzDir, 'empty.mp4'), '');
  before.fakeTmp = names(fakeTmp);
  before.fakeHome = names(fakeHome);
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', onUncaught);
  // queue 'off': nothing generated can start an encode even if it got through.
  core = createCore({ dataDir, host: { mode: 'web' }, queue: 'off' });
  server = await startServer({ core, rendererDir, port: 0 });
  const { imported } = await core.api['library.import']({
    paths: [path.join(fuzzDir, 'clip.webm')],
  });
  clipId = imported[0]!.id;
});

afterAll(async () => {
  process.off('uncaughtException', onUncaught);
  process.off('unhandledRejection', onUncaught);
  await server?.close();
  core?.close();
  process.env.TMPDIR = saved.TMPDIR;
  process.env.HOME = saved.HOME;
  if (saved.TMPDIR === undefined) delete process.env.TMPDIR;
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

// ---------------------------------------------------------------- generators of values

const HUGE = 'x'.repeat(70_000);
const deep = (depth: number): unknown => {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = [v];
  // fast-check prints a counterexample recursively; this keeps a deep value printable.
  Object.defineProperty(v, fc.toStringMethod, { value: () => `deep(${depth})` });
  return v;
};

/** Values at the edges of what the schemas take. */
const edgeValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    -0,
    0,
    -1,
    1,
    0.5,
    1e308,
    -1e308,
    2 ** 53,
    2 ** 53 + 2,
    -(2 ** 31),
    2 ** 32,
    'NaN',
    '-0',
    'Infinity',
    '1e308',
    '',
    ' ',
    '\u0000',
    '\ud800',
    '../../../../etc/passwd',
    '/etc/passwd',
    '%00',
    HUGE,
    true,
    false,
    null,
    [],
    {},
    [null],
    { __proto__: null },
    { constructor: { prototype: 1 } },
    'a'.repeat(64),
    'a'.repeat(65),
    'csv',
    'json',
    'source',
    'rendition',
    'requeue',
  ),
  fc.string({ maxLength: 40 }),
  fc.integer(),
  fc.double(),
  fc.integer({ min: 1, max: 4000 }).map(deep),
  fc.array(fc.oneof(fc.integer(), fc.string({ maxLength: 8 }), fc.constant(null)), {
    maxLength: 6,
  }),
  fc.dictionary(fc.string({ maxLength: 6 }), fc.oneof(fc.integer(), fc.string({ maxLength: 6 })), {
    maxKeys: 4,
  }),
);

/** A path inside the fuzz folder, or nonsense that names nothing outside it. */
const fuzzPath: fc.Arbitrary<string> = fc.oneof(
  fc
    .constantFrom('clip.webm', 'notes.txt', 'empty.mp4', 'folder', 'missing.mp4', '.', '')
    .map((n) => path.join(fuzzDir, n)),
  fc.string({ maxLength: 30 }).map((s) => {
    const p = path.resolve(fuzzDir, s);
    // Anything that escaped the fuzz folder is brought back: only nonsense may point elsewhere.
    return p === fuzzDir || p.startsWith(fuzzDir + path.sep) ? p : path.join(fuzzDir, 'escaped');
  }),
  fc.constantFrom('', '\u0000', 'x\u0000y', HUGE, 'relative/none/such'),
);

const idValue = (): fc.Arbitrary<string> =>
  fc.oneof(
    fc.constant(clipId),
    fc.constantFrom('nope', 'a'.repeat(64), 'a'.repeat(65), '../x', '', 'a b'),
  );

/** A valid (or nearly valid) argument object per method; mutations below push it off the edge. */
function template(method: VqMethod): fc.Arbitrary<unknown> {
  const preset = PRESET_LADDERS[0]!.ladder;
  switch (method) {
    case 'toolchain.get':
      // refresh: true re-probes every binary (seconds each); the schema is still fuzzed by mutation.
      return fc.constant({ refresh: false });
    case 'library.get':
    case 'frames.info':
      return idValue().map((id) => ({ id }));
    case 'frames.samples':
      // The clip is 320x240 with 82 frames: inside, at the edges and past them.
      return fc.record({
        id: idValue(),
        index: fc.oneof(fc.integer({ min: 0, max: 90 }), fc.constantFrom(81, 82, 100_000_000)),
        x: fc.oneof(fc.integer({ min: 0, max: 330 }), fc.constantFrom(319, 320, 16383)),
        y: fc.oneof(fc.integer({ min: 0, max: 250 }), fc.constantFrom(239, 240, 16383)),
      });
    case 'frames.prefetch':
      // In range, past the end, and sizes at and past the limits.
      return fc.record({
        id: idValue(),
        frames: fc.array(
          fc.oneof(fc.integer({ min: 0, max: 90 }), fc.constantFrom(82, 100_000_000)),
          {
            minLength: 1,
            maxLength: 17,
          },
        ),
        size: fc.option(
          fc.record({
            width: fc.constantFrom(160, 320, 16384, 16385, 0),
            height: fc.constantFrom(120, 240, 16384, 0),
          }),
          { nil: undefined },
        ),
      });
    case 'library.check':
    case 'queue.clearFinished':
      return fc.constant({});
    case 'queue.pause':
      return fc.boolean().map((paused) => ({ paused }));
    case 'queue.move':
      return fc.record({ jobId: idValue(), to: fc.constantFrom('up', 'down', 'first', 'last') });
    case 'queue.runBatchNext':
      return idValue().map((batchId) => ({ batchId }));
    case 'library.remove':
      // Not the clip: the media and frame routes need it for the whole run.
      return fc.constantFrom('nope', 'a'.repeat(64), '').map((id) => ({ id }));
    case 'library.import':
      return fc.array(fuzzPath, { minLength: 1, maxLength: 3 }).map((paths) => ({ paths }));
    case 'fs.list':
      return fc.record({ dir: fuzzPath, showHidden: fc.boolean() });
    case 'settings.set':
      // Binary paths would re-probe the toolchain with whatever they name; the rest is fair game.
      return fc.record({
        concurrency: fc.integer({ min: 0, max: 17 }),
        onRestart: fc.constantFrom('requeue', 'mark-interrupted'),
      });
    case 'ladders.save':
      return fc
        .string({ minLength: 1, maxLength: 12 })
        .map((id) => ({ ladder: { ...preset, id: `fuzz-${id}` } }));
    case 'ladders.delete':
      return fc.string({ maxLength: 70 }).map((id) => ({ id }));
    case 'encode.plan':
    case 'encode.start':
      return fc.record(
        {
          sourceId: idValue(),
          ladderId: fc.constant(preset.id),
          hdr: fc.constantFrom('keep', 'tonemap'),
          overwrite: fc.boolean(),
        },
        { requiredKeys: ['sourceId', 'ladderId'] },
      );
    case 'queue.cancel':
    case 'queue.retry':
      return idValue().map((jobId) => ({ jobId }));
    case 'queue.cancelAll':
      return idValue().map((batchId) => ({ batchId }));
    case 'queue.rerunRung':
      return idValue().map((batchId) => ({ batchId, rungId: 'r1' }));
    case 'renditions.list':
    case 'scores.list':
    case 'report.html':
    case 'analysis.get':
    case 'pertitle.list':
      return idValue().map((sourceId) => ({ sourceId }));
    case 'pertitle.start':
      return fc.record({
        sourceId: idValue(),
        options: fc.record(
          {
            encoder: fc.constantFrom('libx264', 'libx265'),
            hdr: fc.constantFrom('keep', 'tonemap'),
            outDir: fuzzPath,
          },
          { requiredKeys: [] },
        ),
      });
    case 'analysis.export':
      return idValue().map((sourceId) => ({ sourceId, format: 'csv' }));
    case 'score.plan':
    case 'score.start':
      return idValue().map((id) => ({ referenceId: id, distorted: [{ kind: 'source', id }] }));
    case 'scores.get':
    case 'scores.delete':
      return idValue().map((resultId) => ({ resultId }));
    case 'scores.export':
      return idValue().map((id) => ({ resultIds: [id], format: 'json' }));
    case 'project.export':
      return idValue().map((id) => ({ sourceIds: [id] }));
    case 'project.import':
      return fc
        .oneof(
          fc.string({ maxLength: 200 }),
          fc.json({ maxDepth: 3 }),
          fc.constant('{"format":"vq-project","version":1}'),
        )
        .map((text) => ({ text }));
    case 'packages.create':
      return fc.record({
        batchId: idValue(),
        segmentSeconds: fc.constantFrom(0.5, 2, 4, 60, 0, 61),
        hls: fc.boolean(),
        dash: fc.boolean(),
      });
    case 'playback.start':
      return fc.record({
        packageId: idValue(),
        profile: fc.constantFrom(...BUILT_IN_PROFILES),
      });
    case 'playback.save':
      return fc.record({
        packageId: idValue(),
        profile: fc.constantFrom(...BUILT_IN_PROFILES),
        forcedVariant: fc.constantFrom(null, 0, 99),
        shown: fc.array(
          fc.record({
            from: fc.double({ min: 0, max: 20, noNaN: true }),
            to: fc.double({ min: 0, max: 20, noNaN: true }),
            variant: fc.nat(3),
          }),
          { maxLength: 4 },
        ),
        switches: fc.constant([]),
        stalls: fc.constant([]),
        buffer: fc.constant([]),
        startupSeconds: fc.constantFrom(null, 0.5),
        wallSeconds: fc.constantFrom(0, 10),
      });
    default:
      return fc.constant({});
  }
}

/** Pushes a template off the edge: a leaf set to an edge value, a key added or removed, or worse. */
function mutated(method: VqMethod): fc.Arbitrary<unknown> {
  return fc
    .tuple(
      template(method),
      fc.constantFrom('none', 'none', 'set', 'add', 'delete', 'wrap', 'whole'),
      fc.nat(),
      edgeValue,
    )
    .map(([base, how, pick, value]) => {
      if (how === 'none') return base;
      if (how === 'whole') return value;
      if (how === 'wrap') return [base];
      const obj = { ...(base as Record<string, unknown>) };
      const keys = Object.keys(obj);
      if (how === 'add' || keys.length === 0) return { ...obj, [`k${pick % 5}`]: value };
      const key = keys[pick % keys.length]!;
      if (how === 'delete') delete obj[key];
      else obj[key] = value;
      return obj;
    });
}

const METHODS = Object.keys(requestSchemas) as VqMethod[];

/** One API call: a method of the contract (or a name that is not one) and its arguments. */
const apiCall: fc.Arbitrary<{ method: string; args: unknown; neutered: boolean }> = fc
  .oneof(
    {
      weight: 9,
      arbitrary: fc
        .constantFrom(...METHODS)
        .chain((m) => mutated(m).map((args) => ({ method: m as string, args }))),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        method: fc.oneof(
          fc.string({ maxLength: 70 }),
          fc.constantFrom('__proto__', 'constructor', 'toString', 'app.info ', 'APP.INFO'),
        ),
        args: edgeValue,
      }),
    },
  )
  .map(({ method, args }) => {
    const neutered = NEUTERED.has(method as VqMethod);
    // A neutered method never gets arguments its schema would accept: an array is never an object.
    if (neutered && requestSchemas[method as VqMethod].safeParse(args ?? {}).success)
      return { method, args: [args], neutered };
    return { method, args, neutered };
  });

// ------------------------------------------------------------ HTTP and upgrade requests

const okHost = (): string => `127.0.0.1:${server.port}`;

/**
 * Header values: mostly the one that passes (so requests reach the routes behind the checks),
 * else near misses, garbage, or no header at all.
 */
const headerValue = (good: string | null, near: string[]): fc.Arbitrary<string | null> =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constant(good) },
    { weight: 1, arbitrary: fc.constant(null) },
    { weight: 2, arbitrary: fc.constantFrom(...near) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '',
        'null',
        '%',
        '%E0%A4%A',
        '\u00ff\u00fe',
        'a'.repeat(9000),
        ' ',
        ',,,',
        '"x"',
        'undefined',
      ),
    },
    { weight: 1, arbitrary: fc.string({ maxLength: 40 }).map((s) => s.replace(/[\r\n]/g, ' ')) },
  );

const rangeValue: fc.Arbitrary<string | null> = fc.oneof(
  fc.constant(null),
  fc.constantFrom(
    'bytes=0-',
    'bytes=-0',
    'bytes=0-0',
    'bytes=-1',
    'bytes=1-0',
    'bytes=--',
    'bytes=-',
    'bytes=0-1,2-3',
    'bytes=99999999999999999999-',
    'bytes=0-99999999999999999999',
    'bytes=9007199254740993-',
    'bytes=-9007199254740993',
    'bytes=1e3-',
    'bytes=0x10-',
    'items=0-1',
    'bytes=\u00e9-',
    'bytes= 5 - 10 ',
  ),
  fc
    .tuple(fc.integer({ min: -2, max: 40_000 }), fc.integer({ min: -2, max: 40_000 }))
    .map(([a, b]) => `bytes=${a}-${b}`),
);

const httpPath = (): fc.Arbitrary<string> =>
  fc.oneof(
    fc.constantFrom(
      '/',
      '/index.html',
      '/api',
      '/media/file/',
      '/media/thumb/nope',
      '/media/frame/nope?index=0',
      '/api/project-import',
      '/api/project-import',
      '/api/nope',
      '*',
      'http://[/',
      '//evil/x',
      '/%',
      '/%E0%A4%A',
      '/..%2f..%2fetc%2fpasswd',
      '/%00',
      '/assets/../../x',
      '/' + 'a'.repeat(9000),
    ),
    fc.constantFrom('file', 'thumb').map((k) => `/media/${k}/${clipId}`),
    fc
      .tuple(
        fc.constantFrom('-1', '0', '1e308', 'NaN', '-0', '81', '82', '9007199254740993', ''),
        fc.constantFrom(
          '',
          '&width=0&height=0',
          '&width=16385&height=2',
          '&width=3&height=3',
          '&width=-0',
        ),
      )
      .map(([i, size]) => `/media/frame/${clipId}?index=${i}${size}`),
    fc.string({ maxLength: 30 }).map((s) => '/' + encodeURIComponent(s)),
    fc.webPath().map((p) => p || '/'),
  );

interface RawRequest {
  text: string;
  describe: string;
}

function rawHttp(upgrade: boolean): fc.Arbitrary<RawRequest> {
  const tokenQuery = fc.constantFrom(
    '',
    '',
    `?token=${'0'.repeat(32)}`,
    '?token=',
    '?token=%',
    '?token=__TOKEN__',
  );
  return fc
    .record({
      method: upgrade
        ? fc.constantFrom('GET', 'GET', 'POST')
        : fc.constantFrom(
            'GET',
            'HEAD',
            'POST',
            'PUT',
            'DELETE',
            'OPTIONS',
            'PATCH',
            'TRACE',
            'GET',
          ),
      path: upgrade
        ? fc.constantFrom('/api', '/api', '/api/', '/', '/API', '/api?x=%')
        : httpPath(),
      query: tokenQuery,
      version: fc.oneof(
        { weight: 8, arbitrary: fc.constant('HTTP/1.1') },
        { weight: 1, arbitrary: fc.constantFrom('HTTP/1.0', 'HTTP/2.0', 'HTTP/9', 'HTTP/1.1 x') },
      ),
      host: headerValue(okHost(), [
        `localhost:${server.port}`,
        `127.0.0.1:${server.port + 1}`,
        `127.evil.example:${server.port}`,
        '127.0.0.1',
        '[::1]:1',
      ]),
      origin: headerValue(upgrade ? `http://${okHost()}` : null, [
        `http://${okHost()}`,
        `http://127.0.0.1:${server.port + 1}`,
        'null',
        `https://${okHost()}`,
        `http://${okHost()}/`,
      ]),
      // The token travels in the query or the bearer header; most requests carry one. Cookies are
      // never read (there is no token cookie): these check that one changes nothing.
      cookie: headerValue(null, [
        `vq_token_${server.port}=__TOKEN__`,
        `vq_token_${server.port + 1}=__TOKEN__`,
        `vq_token=__TOKEN__`,
        `vq_token_${server.port}=%`,
        `vq_token_${server.port}`,
      ]),
      authorization: headerValue('Bearer __TOKEN__', [
        'Bearer ',
        'Basic __TOKEN__',
        'Bearer __TOKEN__ x',
        `Bearer ${'0'.repeat(32)}`,
      ]),
      range: rangeValue,
      // A body (a project upload, or anything): sent with its Content-Length.
      body: upgrade
        ? fc.constant<string | null>(null)
        : fc.oneof(
            { weight: 6, arbitrary: fc.constant<string | null>(null) },
            {
              weight: 1,
              arbitrary: fc.constantFrom(
                '{"format":"vq-studio-project","version":1}',
                '{"format":"vq-studio-project","version":1,"exportedAt":"x","app":{},"sources":[0,0,0],"ladders":[],"batches":[],"jobs":[],"renditions":[],"scoreRuns":[],"scoreResults":[]}',
                '{"format":',
                '[]',
                '{"__proto__":{"x":1}}',
                '\u00ff\ufffe',
              ),
            },
            { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
          ),
      // Extra headers with any name and value: most requests have none, so the routes are reached.
      extra: fc.oneof(
        { weight: 4, arbitrary: fc.constant<Array<[string, string]>>([]) },
        {
          weight: 1,
          arbitrary: fc.array(
            fc.tuple(fc.string({ minLength: 1, maxLength: 12 }), fc.string({ maxLength: 20 })),
            { minLength: 1, maxLength: 2 },
          ),
        },
      ),
    })
    .map((r) => {
      const lines = [
        `${r.method} ${r.path}${r.path.includes('?') ? r.query.replace('?', '&') : r.query} ${r.version}`,
      ];
      const add = (k: string, v: string | null): void => {
        if (v !== null) lines.push(`${k}: ${v}`);
      };
      add('Host', r.host);
      add('Origin', r.origin);
      add('Cookie', r.cookie);
      add('Authorization', r.authorization);
      add('Range', r.range);
      if (r.body !== null) add('Content-Length', String(Buffer.byteLength(r.body)));
      if (upgrade) {
        lines.push(
          'Connection: Upgrade',
          'Upgrade: websocket',
          'Sec-WebSocket-Version: 13',
          'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
        );
      } else {
        lines.push('Connection: close');
      }
      for (const [k, v] of r.extra)
        lines.push(`${k.replace(/[\r\n:]/g, '')}: ${v.replace(/[\r\n]/g, ' ')}`);
      const text = (lines.join('\r\n') + '\r\n\r\n' + (r.body ?? '')).replaceAll(
        '__TOKEN__',
        server.token,
      );
      return { text, describe: JSON.stringify(text.slice(0, 300)) };
    });
}

/** Sends a raw request; resolves with the status code of the status line the server answers. */
function statusOf(request: RawRequest): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(server.port, '127.0.0.1');
    let text = '';
    const fail = (why: string): void => {
      clearTimeout(timer);
      socket.destroy();
      reject(new Error(`${why} for ${request.describe} (seed ${SEED})`));
    };
    const timer = setTimeout(() => fail('no answer'), ANSWER_TIMEOUT_MS);
    socket.setNoDelay(true);
    socket.on('data', (d) => {
      text += d.toString('latin1');
      const end = text.indexOf('\r\n');
      if (end < 0) return;
      clearTimeout(timer);
      socket.destroy();
      const m = /^HTTP\/1\.[01] (\d{3}) /.exec(text.slice(0, end + 2));
      if (m) resolve(Number(m[1]));
      else
        reject(
          new Error(
            `not a status line: ${JSON.stringify(text.slice(0, 80))} for ${request.describe}`,
          ),
        );
    });
    // The server may close after answering; only a close before any status line is a failure.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      if (!text.includes('\r\n')) fail('closed without a status line');
    });
    socket.write(request.text, 'latin1');
  });
}

// ------------------------------------------------------------------- WebSocket helpers

interface Answer {
  id: unknown;
  result: { ok: boolean; error?: { code: string; message: string } };
}

/** A token-holding API client that can wait for the answer to a given id. */
class ApiSocket {
  private waiting = new Map<number | null, Array<(a: Answer | 'closed') => void>>();
  closed = false;
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const msg = JSON.parse(String(data)) as {
        id?: number | null;
        result?: unknown;
        event?: unknown;
      };
      if (!('result' in msg)) return;
      const key = msg.id ?? null;
      const list = this.waiting.get(key);
      const next = list?.shift();
      if (next) next(msg as Answer);
    });
    ws.on('close', () => {
      this.closed = true;
      for (const list of this.waiting.values()) for (const cb of list.splice(0)) cb('closed');
    });
  }
  static open(): Promise<ApiSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api?token=${server.token}`, {
        headers: { Origin: `http://127.0.0.1:${server.port}` },
      });
      ws.once('open', () => resolve(new ApiSocket(ws)));
      ws.once('error', reject);
    });
  }
  /** Sends a message and resolves with the answer for `id` (or 'closed'). */
  send(
    data: string | Buffer,
    id: number | null,
    describe: string,
    binary = false,
  ): Promise<Answer | 'closed'> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no answer to ${describe.slice(0, 300)} (seed ${SEED})`)),
        ANSWER_TIMEOUT_MS,
      );
      const list = this.waiting.get(id) ?? [];
      list.push((a) => {
        clearTimeout(timer);
        resolve(a);
      });
      this.waiting.set(id, list);
      this.ws.send(data, { binary });
    });
  }
}

// ---------------------------------------------------------------------------- the run

describe('vq serve under generated requests', () => {
  it(`answers every request and stays up (seed ${SEED})`, { timeout: 600_000 }, async () => {
    const started = Date.now();
    const params = { seed: SEED, endOnFailure: true, verbose: 1 } as const;
    const catchSeed = (err: unknown): never => {
      console.error(`server fuzz failed; rerun with VQ_FUZZ_SEED=${SEED}`);
      throw err;
    };

    // 1. HTTP: every request gets a status line; no handler error becomes a 500.
    await fc
      .assert(
        fc.asyncProperty(
          fc.array(rawHttp(false), { minLength: BATCH, maxLength: BATCH }),
          async (batch) => {
            const statuses = await Promise.all(batch.map(statusOf));
            statuses.forEach((status, i) => {
              count(`http ${status}`);
              if (status >= 500 && status !== 503)
                throw new Error(`${status} for ${batch[i]!.describe}`);
            });
          },
        ),
        { ...params, numRuns: HTTP_BATCHES },
      )
      .catch(catchSeed);

    // 2. WebSocket upgrades: a refusal or a 101, never a crash; null Origin and bad cookies included.
    await fc
      .assert(
        fc.asyncProperty(
          fc.array(rawHttp(true), { minLength: BATCH, maxLength: BATCH }),
          async (batch) => {
            const statuses = await Promise.all(batch.map(statusOf));
            statuses.forEach((status, i) => {
              count(`upgrade ${status}`);
              if (status >= 500) throw new Error(`${status} for ${batch[i]!.describe}`);
              // An upgrade is only ever granted to no Origin (not a browser) or the server's own.
              const origin = /^Origin: (.*)$/m.exec(batch[i]!.text)?.[1];
              if (
                status === 101 &&
                origin !== undefined &&
                origin !== `http://${okHost()}` &&
                origin !== `http://localhost:${server.port}`
              ) {
                throw new Error(`foreign origin upgraded: ${batch[i]!.describe}`);
              }
            });
          },
        ),
        { ...params, numRuns: UPGRADE_BATCHES },
      )
      .catch(catchSeed);

    // 3. Every API method, with nonsense and near-valid arguments, over one token-holding socket.
    let api = await ApiSocket.open();
    let nextId = 1;
    await fc
      .assert(
        fc.asyncProperty(
          fc.array(apiCall, { minLength: BATCH, maxLength: BATCH }),
          async (batch) => {
            if (api.closed) api = await ApiSocket.open();
            const answers = await Promise.all(
              batch.map((call) => {
                const id = nextId++;
                const text = encodeRequest(id, call.method, call.args);
                return api.send(text, id, text).then((a) => ({ a, call, text }));
              }),
            );
            for (const { a, call, text } of answers) {
              if (a === 'closed') {
                count('api: socket closed');
                continue;
              }
              const known = (METHODS as string[]).includes(call.method)
                ? call.method
                : '(unknown method)';
              count(`api ${known} ${a.result.ok ? 'ok' : a.result.error?.code}`);
              if (call.neutered && (a.result.ok || a.result.error?.code !== 'INVALID_ARGS')) {
                throw new Error(`neutered call not refused: ${text.slice(0, 300)}`);
              }
              if (!a.result.ok && a.result.error?.code === 'INTERNAL') {
                throw new Error(`INTERNAL for ${text.slice(0, 300)}: ${a.result.error.message}`);
              }
            }
          },
        ),
        { ...params, numRuns: API_BATCHES },
      )
      .catch(catchSeed);

    // 4. Raw WebSocket messages: JSON-ish nonsense, wrong key order, binary, invalid UTF-8, and
    //    oversized messages; each gets an error envelope (or the socket is closed by the protocol).
    const rawMessage: fc.Arbitrary<{ data: string | Buffer; binary: boolean; kind: string }> =
      fc.oneof(
        fc.json({ maxDepth: 4 }).map((data) => ({ data, binary: false, kind: 'json' })),
        fc.string({ maxLength: 60 }).map((data) => ({ data, binary: false, kind: 'text' })),
        fc
          .constantFrom(
            'null',
            '[]',
            '{}',
            '-0',
            '1e400',
            '{"id":-0,"method":"app.info"}',
            '{"id":1e400,"method":"app.info","args":{}}',
            '{"method":"app.info","id":7,"args":{}}',
            '{"id":2,"method":"app.info","args":{},"args":[]}',
            '{"id":3,"method":"app.info","__proto__":{"x":1}}',
            '['.repeat(100_000),
            `{"id":4,"method":"app.info","args":{"s":"${'\\u0000'.repeat(1000)}"}}`,
          )
          .map((data) => ({ data, binary: false, kind: 'edge' })),
        fc.constantFrom(2 * 1024 * 1024, 1024 * 1024 + 1).map((n) => ({
          data: `{"id":5,"method":"library.list","args":{"p":"${'a'.repeat(n)}"}}`,
          binary: false,
          kind: 'oversized',
        })),
        fc
          .uint8Array({ maxLength: 40 })
          .map((a) => ({ data: Buffer.from(a), binary: true, kind: 'binary' })),
        fc.constant({
          data: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]),
          binary: false,
          kind: 'bad utf-8',
        }),
      );
    await fc
      .assert(
        fc.asyncProperty(rawMessage, async (m) => {
          if (api.closed) api = await ApiSocket.open();
          // Which id the answer carries depends on what was readable; wait for any answer.
          const answer = await waitAny(api, m.data, m.binary);
          count(
            `ws raw ${m.kind}: ${answer === 'closed' ? 'closed' : answer.result.ok ? 'ok' : answer.result.error?.code}`,
          );
          if (m.kind === 'oversized' && answer !== 'closed') {
            expect(answer.result.error?.message).toMatch(/at most 1 MiB/);
          }
        }),
        { ...params, numRuns: RAW_WS_MESSAGES },
      )
      .catch(catchSeed);
    api.ws.close();

    // 5. Still up: a fresh client gets a valid answer; nothing was thrown unhandled.
    const last = await ApiSocket.open();
    const info = await last.send(encodeRequest(1, 'app.info', {}), 1, 'final app.info');
    expect(info !== 'closed' && info.result.ok).toBe(true);
    last.ws.close();
    const page = await fetch(`http://127.0.0.1:${server.port}/`, {
      headers: { authorization: `Bearer ${server.token}` },
    });
    expect(page.status).toBe(200);
    expect(uncaught).toEqual([]);

    // 6. Nothing appeared outside the data folder and the folders this test made.
    const added = (then: string[], now: string[]): string[] => now.filter((n) => !then.includes(n));
    expect(added(before.fakeTmp, names(fakeTmp)), 'new names in TMPDIR').toEqual([]);
    expect(added(before.fakeHome, names(fakeHome)), 'new names in HOME').toEqual([]);
    expect(added(before.home, names(realHome)), 'new names in the real home').toEqual([]);
    // Other processes share the real temp folder; only this run's own root may be new there by us.
    const newInTmp = added(before.tmp, names(realTmp)).filter((n) => n !== path.basename(root));
    if (newInTmp.length)
      console.log(`new in ${realTmp} during the run (other processes too): ${newInTmp.join(', ')}`);
    expect(fs.readdirSync(fuzzDir).sort()).toEqual([
      'clip.webm',
      'empty.mp4',
      'folder',
      'notes.txt',
    ]);

    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    const rows = Object.entries(counts).sort(([a], [b]) => a.localeCompare(b));
    console.log(
      `server fuzz, seed ${SEED}: ${total} requests in ${((Date.now() - started) / 1000).toFixed(1)} s\n` +
        rows.map(([k, v]) => `${String(v).padStart(6)}  ${k}`).join('\n'),
    );
    expect(total).toBeGreaterThanOrEqual(10_000);
  });
});

/** Sends one message and resolves with the next answer, whatever its id, or 'closed'. */
function waitAny(
  api: ApiSocket,
  data: string | Buffer,
  binary: boolean,
): Promise<Answer | 'closed'> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no answer to a raw message (seed ${SEED})`)),
      ANSWER_TIMEOUT_MS,
    );
    const done = (a: Answer | 'closed'): void => {
      clearTimeout(timer);
      api.ws.off('message', onMessage);
      api.ws.off('close', onClose);
      resolve(a);
    };
    const onMessage = (raw: WebSocket.RawData): void => {
      const msg = JSON.parse(String(raw)) as Answer;
      if ('result' in msg) done(msg);
    };
    const onClose = (): void => done('closed');
    api.ws.on('message', onMessage);
    api.ws.on('close', onClose);
    api.ws.send(data, { binary });
  });
}
