import { describe, expect, it } from 'vitest';
import { RefusalLog } from './refusalLog';
import { senderRefusal, type SenderFacts, type TrustPolicy } from './senderTrust';

const policy: TrustPolicy = { origins: ['app://vq'], windowIds: new Set([3]) };
const ours: SenderFacts = { hasFrame: true, isMainFrame: true, frameUrl: 'app://vq/index.html', webContentsId: 3 };

describe('senderRefusal', () => {
  it('is null for our own main frame', () => {
    expect(senderRefusal(ours, policy)).toBeNull();
    expect(senderRefusal({ ...ours, frameUrl: '' }, policy)).toBeNull();
  });

  it('says why every other sender is refused', () => {
    expect(senderRefusal({ ...ours, hasFrame: false }, policy)).toMatch(/no sender frame/);
    expect(senderRefusal({ ...ours, isMainFrame: false, frameUrl: 'https://ads.example/x?token=secret' }, policy)).toBe(
      'a subframe (https://ads.example/x) in webContents 3',
    );
    expect(senderRefusal({ ...ours, webContentsId: 9 }, policy)).toMatch(/webContents 9 is not a window of this app/);
    expect(senderRefusal({ ...ours, frameUrl: 'https://evil.example/p?q=1' }, policy)).toBe(
      'untrusted origin https://evil.example/p in webContents 3',
    );
  });
});

describe('RefusalLog', () => {
  function setup(): { log: RefusalLog; lines: string[]; advance: (ms: number) => void } {
    const lines: string[] = [];
    let t = 1_000;
    const log = new RefusalLog({ burst: 3, windowMs: 60_000, write: (l) => lines.push(l), now: () => t });
    return { log, lines, advance: (ms) => (t += ms) };
  }

  it('logs each refusal with its channel and reason', () => {
    const { log, lines } = setup();
    expect(log.refused('vq:invoke', 'untrusted origin https://evil.example/ in webContents 3')).toBe(true);
    expect(lines).toEqual(['IPC vq:invoke refused: untrusted origin https://evil.example/ in webContents 3']);
  });

  it('keeps a flood to `burst` lines a window and reports how many it dropped', () => {
    const { log, lines, advance } = setup();
    for (let i = 0; i < 10_000; i++) log.refused('vq:invoke', `reason ${i}`);
    expect(lines).toHaveLength(3);
    advance(60_000);
    log.refused('vq:drop', 'later');
    expect(lines).toHaveLength(4);
    expect(lines[3]).toBe('IPC vq:drop refused: later (9997 more refused messages not logged before this one)');
    log.refused('vq:drop', 'again');
    expect(lines[4]).toBe('IPC vq:drop refused: again');
  });
});
