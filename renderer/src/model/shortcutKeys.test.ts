import { describe, expect, it } from 'vitest';
import { shortcutFor, type KeyPress } from './shortcutKeys';
import { windowTitle } from './viewList';

const press = (p: Partial<KeyPress>): KeyPress => ({
  key: '',
  code: '',
  altKey: false,
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  inTextField: false,
  ...p,
});

describe('shortcutFor', () => {
  it('maps Alt+1…9, then Alt+0, to the views by physical key (macOS Alt+digit types a symbol)', () => {
    expect(shortcutFor(press({ altKey: true, code: 'Digit1', key: '¡' }))).toEqual({
      kind: 'view',
      view: 'library',
    });
    expect(shortcutFor(press({ altKey: true, code: 'Digit6', key: '6' }))).toEqual({
      kind: 'view',
      view: 'toolchain',
    });
    expect(
      shortcutFor(press({ altKey: true, code: 'Digit7', key: '7', inTextField: true })),
    ).toEqual({
      kind: 'view',
      view: 'settings',
    });
    expect(shortcutFor(press({ altKey: true, code: 'Digit8', key: '8' }))).toEqual({
      kind: 'view',
      view: 'activity',
    });
    expect(shortcutFor(press({ altKey: true, code: 'Digit9', key: '9' }))).toEqual({
      kind: 'view',
      view: 'workers',
    });
    expect(shortcutFor(press({ altKey: true, code: 'Digit0', key: 'º' }))).toEqual({
      kind: 'view',
      view: 'play',
    });
    expect(shortcutFor(press({ altKey: true, code: 'Minus', key: '-' }))).toBeNull();
  });

  it('focuses the import field with / (not while typing) and Ctrl+L (always)', () => {
    expect(shortcutFor(press({ key: '/' }))).toEqual({ kind: 'focusImport' });
    expect(shortcutFor(press({ key: '/', inTextField: true }))).toBeNull();
    expect(shortcutFor(press({ key: 'l', ctrlKey: true, inTextField: true }))).toEqual({
      kind: 'focusImport',
    });
    expect(shortcutFor(press({ key: 'L', metaKey: true }))).toEqual({ kind: 'focusImport' });
  });

  it('opens the sheet with ? only outside text fields', () => {
    expect(shortcutFor(press({ key: '?', shiftKey: true }))).toEqual({ kind: 'showShortcuts' });
    expect(shortcutFor(press({ key: '?', shiftKey: true, inTextField: true }))).toBeNull();
    expect(shortcutFor(press({ key: 'a' }))).toBeNull();
  });
});

describe('windowTitle', () => {
  it('names the view', () => {
    expect(windowTitle('library')).toBe('VQ Studio — Library');
    expect(windowTitle('toolchain')).toBe('VQ Studio — Toolchain');
  });
});
