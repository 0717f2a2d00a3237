import { describe, expect, it } from 'vitest';
import { RungSchema, type Rung } from '../../../../shared/ladder';
import { PRESET_LADDERS } from '../../../../shared/presets';
import {
  changeAudioMode,
  changeEncoder,
  changeRateMode,
  copyOfLadder,
  copyOfRung,
  followDerivedId,
  hasDerivedId,
  newLadder,
  newRung,
  suggestedRungId,
  uniqueId,
  withRateField,
  withTwoPass,
} from './rungEdits';

const hls = PRESET_LADDERS[0]!.ladder;
const sweep = PRESET_LADDERS.find((p) => p.ladder.id === 'crf-sweep')!.ladder;
const crfRung: Rung = sweep.rungs[0]!;
const abrRung: Rung = hls.rungs[0]!;

describe('uniqueId', () => {
  it('numbers the base until it is free', () => {
    expect(uniqueId('a', [])).toBe('a');
    expect(uniqueId('a', ['a'])).toBe('a-2');
    expect(uniqueId('a', ['a', 'a-2'])).toBe('a-3');
  });
});

describe('newRung', () => {
  it('makes a valid 720p x264 CRF rung with a descriptive id', () => {
    const r = newRung(undefined, []);
    expect(RungSchema.safeParse(r).success).toBe(true);
    expect(r).toMatchObject({ id: '720p-crf23', height: 720, width: null, encoder: 'libx264' });
  });

  it('keeps the ladder-wide choices of the template and a fresh id', () => {
    const r = newRung(
      abrRung,
      hls.rungs.map((x) => x.id),
    );
    expect(r.encoder).toBe('libx264');
    expect(r.rateControl).toEqual(abrRung.rateControl);
    expect(r.gopSeconds).toBe(2);
    expect(r.audio).toEqual({ mode: 'aac', bitrateKbps: 128 });
    expect(r.id).toBe('720p-145k');
    expect(RungSchema.safeParse(r).success).toBe(true);
  });

  it('gives a CRF template encoder its default CRF', () => {
    const x265 = {
      ...crfRung,
      encoder: 'libx265' as const,
      rateControl: { mode: 'crf' as const, crf: 40 },
    };
    expect(newRung(x265, []).rateControl).toEqual({ mode: 'crf', crf: 28 });
  });
});

describe('suggestedRungId', () => {
  it('names size and rate', () => {
    expect(
      suggestedRungId({ width: null, height: 360, rateControl: { mode: 'crf', crf: 33 } }),
    ).toBe('360p-crf33');
    expect(
      suggestedRungId({ width: 640, height: null, rateControl: { mode: 'abr', bitrateKbps: 900 } }),
    ).toBe('640w-900k');
  });
});

describe('copyOfRung', () => {
  it('copies deeply under a free id', () => {
    const c = copyOfRung(abrRung, [abrRung.id, `${abrRung.id}-copy`]);
    expect(c.id).toBe(`${abrRung.id}-copy-2`);
    expect(c.rateControl).toEqual(abrRung.rateControl);
    expect(c.rateControl).not.toBe(abrRung.rateControl);
  });
});

describe('changeEncoder', () => {
  it('moves a CRF at the old default to the new encoder default, and fixes preset and container', () => {
    const r = changeEncoder({ ...crfRung, rateControl: { mode: 'crf', crf: 23 } }, 'libvpx-vp9');
    expect(r.rateControl).toEqual({ mode: 'crf', crf: 32 });
    expect(r.preset).toBe('4');
    expect(r.container).toBe('mp4'); // VP9 can go in mp4
    expect(RungSchema.safeParse(r).success).toBe(true);
  });

  it('keeps a chosen CRF that is in range and a preset the new encoder has', () => {
    const r = changeEncoder(
      { ...crfRung, rateControl: { mode: 'crf', crf: 30 }, preset: 'slow' },
      'libx265',
    );
    expect(r.rateControl).toEqual({ mode: 'crf', crf: 30 });
    expect(r.preset).toBe('slow');
  });

  it('replaces a container the encoder cannot use', () => {
    const webm = {
      ...crfRung,
      encoder: 'libvpx-vp9' as const,
      container: 'webm' as const,
      preset: '4',
    };
    expect(changeEncoder(webm, 'libx264').container).toBe('mp4');
  });

  it('turns CBR into capped ABR where there is no CBR, and drops unsupported two-pass', () => {
    const cbr: Rung = { ...abrRung, rateControl: { mode: 'cbr', bitrateKbps: 1000 } };
    expect(changeEncoder(cbr, 'libx265').rateControl).toEqual({
      mode: 'abr',
      bitrateKbps: 1000,
      maxrateKbps: 1000,
      bufsizeKbps: 1000,
    });
    const twoPass: Rung = {
      ...abrRung,
      rateControl: { mode: 'abr', bitrateKbps: 900, twoPass: true },
    };
    expect(changeEncoder(twoPass, 'libsvtav1').rateControl).toEqual({
      mode: 'abr',
      bitrateKbps: 900,
    });
  });

  it('gives hardware encoders a bitrate mode and no preset', () => {
    const r = changeEncoder(crfRung, 'h264_nvenc');
    expect(r.rateControl.mode).toBe('abr');
    expect(r.preset).toBeNull();
    expect(RungSchema.safeParse(r).success).toBe(true);
  });
});

describe('changeRateMode', () => {
  it('CRF → ABR starts from a typical bitrate for the height, and back to the encoder CRF', () => {
    const r = changeRateMode({ ...crfRung, height: 360 }, 'abr');
    expect(r.rung.rateControl).toEqual({ mode: 'abr', bitrateKbps: 700 });
    expect(r.note).toBeNull();
    expect(changeRateMode(r.rung, 'crf')).toEqual({
      rung: { ...r.rung, rateControl: { mode: 'crf', crf: 23 } },
      note: null,
    });
  });

  it('carries a cap from capped CRF to ABR, and from ABR to CRF with a note that it is capped CRF', () => {
    const capped: Rung = {
      ...crfRung,
      rateControl: { mode: 'crf', crf: 23, maxrateKbps: 3000, bufsizeKbps: 6000 },
    };
    expect(changeRateMode(capped, 'abr').rung.rateControl).toEqual({
      mode: 'abr',
      bitrateKbps: 3000,
      maxrateKbps: 3000,
      bufsizeKbps: 6000,
    });
    const toCrf = changeRateMode(abrRung, 'crf');
    expect(toCrf.rung.rateControl).toEqual({
      mode: 'crf',
      crf: 23,
      maxrateKbps: 218,
      bufsizeKbps: 290,
    });
    expect(toCrf.note).toBe(
      'Maxrate 218 kb/s and bufsize 290 kb/s kept: this rung is now capped CRF. Clear maxrate for plain CRF.',
    );
  });

  it('names what the new mode drops: two-pass, a maxrate under CBR, a bufsize without a cap', () => {
    const twoPass: Rung = {
      ...abrRung,
      rateControl: { mode: 'abr', bitrateKbps: 900, twoPass: true },
    };
    const crf = changeRateMode(twoPass, 'crf');
    expect(crf.rung.rateControl).toEqual({ mode: 'crf', crf: 23 });
    expect(crf.note).toBe('Dropped: two-pass (ABR only).');
    const cbr = changeRateMode(abrRung, 'cbr');
    expect(cbr.rung.rateControl).toEqual({ mode: 'cbr', bitrateKbps: 145, bufsizeKbps: 290 });
    expect(cbr.note).toBe('Dropped: maxrate 218 kb/s (CBR holds the bitrate).');
    const fromCbr = changeRateMode(cbr.rung, 'crf');
    expect(fromCbr.rung.rateControl).toEqual({ mode: 'crf', crf: 23 });
    expect(fromCbr.note).toBe('Dropped: bufsize 290 kb/s (no maxrate to buffer).');
  });

  it('the same mode changes nothing', () => {
    expect(changeRateMode(abrRung, 'abr')).toEqual({ rung: abrRung, note: null });
  });
});

describe('rung ids that follow edits', () => {
  it('tells a derived id (numbered or not) from a typed one', () => {
    expect(hasDerivedId(abrRung)).toBe(true); // 234p-145k
    expect(hasDerivedId({ ...abrRung, id: '234p-145k-2' })).toBe(true);
    expect(hasDerivedId({ ...abrRung, id: '234p-145k-copy' })).toBe(false);
    expect(hasDerivedId({ ...abrRung, id: 'mobile' })).toBe(false);
  });

  it('renames a derived id when the bitrate or the height changes', () => {
    const edited = withRateField(abrRung, 'bitrateKbps', 300);
    expect(followDerivedId(abrRung, edited, ['360p-365k']).id).toBe('234p-300k');
    expect(followDerivedId(abrRung, { ...abrRung, height: 270 }, []).id).toBe('270p-145k');
    expect(followDerivedId(abrRung, edited, ['234p-300k']).id).toBe('234p-300k-2');
  });

  it('keeps a typed id, an id changed in the same edit, and the id when nothing it names changed', () => {
    const typed = { ...abrRung, id: 'mobile' };
    expect(followDerivedId(typed, withRateField(typed, 'bitrateKbps', 300), []).id).toBe('mobile');
    const renamed = { ...withRateField(abrRung, 'bitrateKbps', 300), id: 'my-id' };
    expect(followDerivedId(abrRung, renamed, []).id).toBe('my-id');
    expect(followDerivedId(abrRung, { ...abrRung, preset: 'slow' }, []).id).toBe('234p-145k');
  });
});

describe('ladders', () => {
  it('copyOfLadder renames and leaves the preset untouched', () => {
    const c = copyOfLadder(sweep, ['crf-sweep']);
    expect(c.id).toBe('crf-sweep-copy');
    expect(c.name).toBe('CRF sweep (x264) (copy)');
    c.rungs.pop();
    expect(sweep.rungs).toHaveLength(20);
  });

  it('newLadder is valid and takes a free id', () => {
    const l = newLadder(['my-ladder']);
    expect(l.id).toBe('my-ladder-2');
    expect(l.rungs).toHaveLength(1);
  });
});

describe('field setters', () => {
  it('sets and removes rate-control numbers', () => {
    const capped = withRateField(crfRung, 'maxrateKbps', 3000);
    expect(capped.rateControl).toEqual({ mode: 'crf', crf: 18, maxrateKbps: 3000 });
    expect(withRateField(capped, 'maxrateKbps', undefined).rateControl).toEqual({
      mode: 'crf',
      crf: 18,
    });
  });

  it('switches two-pass only for ABR', () => {
    const abr: Rung = { ...abrRung, rateControl: { mode: 'abr', bitrateKbps: 500 } };
    expect(withTwoPass(abr, true).rateControl).toEqual({
      mode: 'abr',
      bitrateKbps: 500,
      twoPass: true,
    });
    expect(withTwoPass(withTwoPass(abr, true), false).rateControl).toEqual({
      mode: 'abr',
      bitrateKbps: 500,
    });
    expect(withTwoPass(crfRung, true)).toBe(crfRung);
  });

  it('changes the audio mode', () => {
    expect(changeAudioMode(crfRung, 'aac').audio).toEqual({ mode: 'aac', bitrateKbps: 128 });
    expect(changeAudioMode(abrRung, 'copy').audio).toEqual({ mode: 'copy' });
  });
});
