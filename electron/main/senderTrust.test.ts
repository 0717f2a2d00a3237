import { describe, expect, it } from 'vitest';
import { isTrustedSender, type SenderFacts, type TrustPolicy } from './senderTrust';

const policy: TrustPolicy = {
  origins: ['app://vq', 'http://localhost:5173'],
  windowIds: new Set([3]),
};
const ours: SenderFacts = {
  hasFrame: true,
  isMainFrame: true,
  frameUrl: 'app://vq/index.html',
  webContentsId: 3,
};

describe('isTrustedSender', () => {
  it('accepts the main frame of our window on our origin', () => {
    expect(isTrustedSender(ours, policy)).toBe(true);
    expect(isTrustedSender({ ...ours, frameUrl: 'http://localhost:5173/' }, policy)).toBe(true);
  });
  it('rejects a destroyed frame, an iframe, another origin and another webContents', () => {
    expect(isTrustedSender({ ...ours, hasFrame: false }, policy)).toBe(false);
    expect(isTrustedSender({ ...ours, isMainFrame: false }, policy)).toBe(false);
    expect(isTrustedSender({ ...ours, frameUrl: 'https://evil.example/' }, policy)).toBe(false);
    expect(isTrustedSender({ ...ours, frameUrl: 'app://other/index.html' }, policy)).toBe(false);
    expect(isTrustedSender({ ...ours, webContentsId: 4 }, policy)).toBe(false);
  });
  it('accepts an empty frame URL (Playwright, vscode#147301) only from one of our windows', () => {
    expect(isTrustedSender({ ...ours, frameUrl: '' }, policy)).toBe(true);
    expect(isTrustedSender({ ...ours, frameUrl: '', webContentsId: 9 }, policy)).toBe(false);
    expect(isTrustedSender({ ...ours, frameUrl: '', isMainFrame: false }, policy)).toBe(false);
  });
});
