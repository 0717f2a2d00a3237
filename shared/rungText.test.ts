import { describe, expect, it } from 'vitest';
import {
  audioText,
  fpsCapText,
  gopText,
  ladderSummary,
  pixFmtText,
  presetText,
  rateControlText,
  RUNG_FIELD_HEADERS,
  rungFieldTexts,
  rungSizeText,
} from './rungText';
import type { Rung } from './ladder';

describe('rung texts', () => {
  it('describes size, rate and the rest', () => {
    expect(rungSizeText({ width: null, height: 360 })).toBe('auto×360');
    expect(rungSizeText({ width: 1280, height: null })).toBe('1280×auto');
    expect(rungSizeText({ width: 1280, height: 720 })).toBe('1280×720');
    expect(rateControlText({ mode: 'crf', crf: 23 })).toBe('CRF 23');
    expect(rateControlText({ mode: 'crf', crf: 23, maxrateKbps: 3000 })).toBe('CRF 23 ≤ 3000 kb/s');
    expect(rateControlText({ mode: 'crf', crf: 23, maxrateKbps: 3000, bufsizeKbps: 6000 })).toBe(
      'CRF 23 ≤ 3000 kb/s (buf 6000)',
    );
    expect(rateControlText({ mode: 'abr', bitrateKbps: 2000, twoPass: true })).toBe(
      'ABR 2000 kb/s · 2-pass',
    );
    expect(
      rateControlText({ mode: 'abr', bitrateKbps: 2000, maxrateKbps: 3000, bufsizeKbps: 4000 }),
    ).toBe('ABR 2000 kb/s ≤ 3000 kb/s (buf 4000)');
    expect(rateControlText({ mode: 'cbr', bitrateKbps: 1000 })).toBe('CBR 1000 kb/s');
    expect(rateControlText({ mode: 'cbr', bitrateKbps: 1000, bufsizeKbps: 2000 })).toBe(
      'CBR 1000 kb/s (buf 2000)',
    );
    expect(presetText({ encoder: 'libsvtav1', preset: null })).toBe('default (8)');
    expect(presetText({ encoder: 'h264_nvenc', preset: null })).toBe('default');
    expect(presetText({ encoder: 'libx264', preset: 'slow' })).toBe('slow');
    // A rendition's encoder is any string (shared/analysis.ts); unknown ones have no default to name.
    expect(presetText({ encoder: 'libx264', preset: null })).toBe('default (medium)');
    expect(presetText({ encoder: 'some-future-encoder', preset: null })).toBe('default');
    expect(gopText({ gopSeconds: 2, fixedGop: true })).toBe('2 s fixed');
    expect(gopText({ gopSeconds: null, fixedGop: false })).toBe('auto');
    expect(pixFmtText('yuv420p10le')).toBe('10-bit');
    expect(fpsCapText(30)).toBe('≤ 30');
    expect(fpsCapText(null)).toBe('source');
    expect(audioText({ mode: 'aac', bitrateKbps: 96 })).toBe('AAC 96');
    expect(audioText({ mode: 'none' })).toBe('none');
  });
});

describe('rungFieldTexts', () => {
  it('lists every field of a rung under its header, as the Ladders table shows them', () => {
    const rung: Rung = {
      id: '720p-crf23',
      width: null,
      height: 720,
      encoder: 'libx264',
      rateControl: { mode: 'crf', crf: 23, maxrateKbps: 3000 },
      preset: null,
      gopSeconds: null,
      fixedGop: false,
      pixFmt: 'yuv420p',
      fpsCap: 30,
      audio: { mode: 'aac', bitrateKbps: 128 },
      container: 'mp4',
    };
    const row = rungFieldTexts(rung);
    expect(row).toHaveLength(RUNG_FIELD_HEADERS.length);
    expect(Object.fromEntries(RUNG_FIELD_HEADERS.map((h, i) => [h, row[i]]))).toEqual({
      rung: '720p-crf23',
      size: 'auto×720',
      encoder: 'libx264',
      'rate control': 'CRF 23 ≤ 3000 kb/s',
      preset: 'default (medium)',
      GOP: 'auto',
      pixels: '8-bit',
      'fps cap': '≤ 30',
      audio: 'AAC 128',
      container: 'mp4',
    });
  });
});

describe('ladderSummary', () => {
  it('counts rungs and names the encoders once each', () => {
    expect(
      ladderSummary({
        rungs: [{ encoder: 'libx264' }, { encoder: 'libx264' }, { encoder: 'libx265' }],
      }),
    ).toBe('3 rungs · libx264, libx265');
    expect(ladderSummary({ rungs: [{ encoder: 'libx264' }] })).toBe('1 rung · libx264');
  });
});
