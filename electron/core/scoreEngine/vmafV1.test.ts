// The VMAF v1 facts as pure functions. The sizes are the ones measured on FFmpeg 7.1.5 + libvmaf
// 3.2.0 by bisection (score.v1.test.ts checks the edges with real runs).
import { describe, expect, it } from 'vitest';
import { VMAF_V1_MODELS } from '../../../shared/score';
import {
  fitsV1MinimumSize,
  hfrTwin,
  v1FrameRateNote,
  v1MinimumSize,
  v1PairSetup,
  v1RecipeNote,
  v1SizeThatFits,
  vmafV1Facts,
} from './vmafV1';

describe('VMAF v1 model facts', () => {
  it('display, viewing distance, hfr and top score from the model files', () => {
    expect(vmafV1Facts('vmaf_v1.0.16_3d0h')).toEqual({
      displayHeight: 1080,
      viewingDistance: 3,
      hfr: false,
      maxScore: 100,
      chromaPrescale: 1,
    });
    expect(vmafV1Facts('vmaf_v1.0.16_hfr_3d0h_2160')).toMatchObject({
      displayHeight: 2160,
      hfr: true,
      maxScore: 110,
      chromaPrescale: 0.5,
    });
    expect(vmafV1Facts('vmaf_v1.0.16_1d5h_2160')).toMatchObject({ viewingDistance: 1.5 });
    expect(vmafV1Facts('vmaf_v0.6.1')).toBeNull();
    for (const name of VMAF_V1_MODELS) {
      expect(vmafV1Facts(name), name).not.toBeNull();
      expect(hfrTwin(hfrTwin(name))).toBe(name);
    }
    expect(hfrTwin('vmaf_v1.0.16_5d0h')).toBe('vmaf_v1.0.16_hfr_5d0h');
  });
});

describe('the smallest picture each v1 model runs on (libvmaf 3.2.0)', () => {
  /** [model, 4:2:0, 4:2:2 (width, height), 4:4:4] as measured. */
  const measured: [string, number, [number, number], number][] = [
    ['vmaf_v1.0.16_3d0h', 160, [160, 80], 80],
    ['vmaf_v1.0.16_5d0h', 266, [266, 133], 133],
    ['vmaf_v1.0.16_3d0h_2160', 318, [318, 159], 159],
    ['vmaf_v1.0.16_1d5h_2160', 160, [160, 80], 80],
  ];
  for (const [name, s420, [w422, h422], s444] of measured) {
    it(`${name} and its hfr twin`, () => {
      for (const n of [name, hfrTwin(name as (typeof VMAF_V1_MODELS)[number])]) {
        expect(v1MinimumSize(n, 'yuv420p')).toEqual({ width: s420, height: s420, longerSide: 216 });
        // Bit depth does not matter, only the chroma layout.
        expect(v1MinimumSize(n, 'yuv420p10le')).toEqual(v1MinimumSize(n, 'yuv420p'));
        expect(v1MinimumSize(n, 'yuv422p')).toMatchObject({ width: w422, height: h422 });
        expect(v1MinimumSize(n, 'yuv444p10le')).toMatchObject({ width: s444, height: s444 });
      }
    });
  }

  it('fits only when both sides reach the minimum and one side reaches 216 (CAMBI)', () => {
    const min = v1MinimumSize('vmaf_v1.0.16_3d0h', 'yuv420p')!;
    expect(fitsV1MinimumSize({ width: 216, height: 160 }, min)).toBe(true);
    expect(fitsV1MinimumSize({ width: 160, height: 216 }, min)).toBe(true);
    expect(fitsV1MinimumSize({ width: 215, height: 215 }, min)).toBe(false);
    expect(fitsV1MinimumSize({ width: 640, height: 159 }, min)).toBe(false);
    expect(v1MinimumSize('vmaf_v0.6.1', 'yuv420p')).toBeNull();
  });

  it('suggests the smallest even size of the same shape that fits', () => {
    const min = v1MinimumSize('vmaf_v1.0.16_3d0h_2160', 'yuv420p')!;
    expect(v1SizeThatFits({ width: 320, height: 180 }, min)).toEqual({ width: 566, height: 318 });
    expect(v1SizeThatFits({ width: 1920, height: 1080 }, min)).toEqual({
      width: 1920,
      height: 1080,
    });
    const small = v1MinimumSize('vmaf_v1.0.16_3d0h', 'yuv420p')!;
    expect(v1SizeThatFits({ width: 176, height: 144 }, small)).toEqual({ width: 216, height: 178 });
    for (const size of [
      { width: 100, height: 57 },
      { width: 33, height: 400 },
    ]) {
      expect(fitsV1MinimumSize(v1SizeThatFits(size, min), min)).toBe(true);
    }
  });
});

describe('frame-rate regime notes (models_v1.md: hfr is about 50/60 fps)', () => {
  it('a note only when model and content are in different regimes', () => {
    expect(v1FrameRateNote('vmaf_v1.0.16_3d0h', 30)).toBeNull();
    expect(v1FrameRateNote('vmaf_v1.0.16_3d0h', 60)!.message).toBe(
      'The reference is 60 fps, high-frame-rate content; vmaf_v1.0.16_hfr_3d0h is the VMAF v1 ' +
        'model calibrated for it (about 50/60 fps), vmaf_v1.0.16_3d0h for 24/30 fps.',
    );
    expect(v1FrameRateNote('vmaf_v1.0.16_hfr_1d5h_2160', 23.976)!.message).toContain(
      'vmaf_v1.0.16_1d5h_2160 is the model for 24/30 fps content',
    );
    expect(v1FrameRateNote('vmaf_v1.0.16_hfr_1d5h_2160', 48)).toBeNull();
    expect(v1FrameRateNote('vmaf_v1.0.16_hfr_3d0h', Number.NaN)).toBeNull();
    expect(v1FrameRateNote('vmaf_v0.6.1', 60)).toBeNull();
  });
});

describe("Netflix's v1 recipe for one pair: 10 bits, CAMBI told the encode", () => {
  it('an 8-bit pair at its own size: 10 bits, CAMBI told the 8-bit encode', () => {
    expect(
      v1PairSetup(
        'vmaf_v1.0.16_3d0h',
        { width: 640, height: 360, pixFmt: 'yuv420p' },
        { width: 640, height: 360, bitDepth: 8 },
      ),
    ).toEqual({
      vmafPixFmt: 'yuv420p10le',
      modelOptions: ['cambi.enc_bitdepth=8'],
      // The CAMBI metric beside the model keeps measuring at the compared 8 bits.
      cambiOptions: ['enc_bitdepth=8'],
    });
  });

  it('an upscaled rendition: its encode size too; a 10-bit one needs no bit depth', () => {
    expect(
      v1PairSetup(
        'vmaf_v1.0.16_hfr_5d0h',
        { width: 1920, height: 1080, pixFmt: 'yuv444p' },
        { width: 1280, height: 720, bitDepth: 10 },
      ),
    ).toEqual({
      vmafPixFmt: 'yuv444p10le',
      modelOptions: ['cambi.enc_width=1280', 'cambi.enc_height=720'],
      cambiOptions: ['enc_bitdepth=8'],
    });
  });

  it('leaves out encode sides CAMBI would refuse, and is null for other models', () => {
    const compared = { width: 640, height: 360, pixFmt: 'yuv420p10le' };
    // Both sides below 216: CAMBI fails the run; larger than compared: CAMBI ignores it.
    for (const encoded of [
      { width: 192, height: 108, bitDepth: 10 },
      { width: 1280, height: 720, bitDepth: 10 },
    ]) {
      expect(v1PairSetup('vmaf_v1.0.16_3d0h', compared, encoded)).toEqual({
        vmafPixFmt: 'yuv420p10le',
        modelOptions: [],
        cambiOptions: [],
      });
    }
    // CAMBI sizes its window from the encode: at 1920x160 it would not fit (libvmaf crashes).
    const wide = { width: 3840, height: 400, pixFmt: 'yuv420p10le' };
    expect(
      v1PairSetup('vmaf_v1.0.16_3d0h', wide, { width: 1920, height: 160, bitDepth: 10 })!
        .modelOptions,
    ).toEqual([]);
    expect(
      v1PairSetup('vmaf_v1.0.16_3d0h', wide, { width: 1920, height: 200, bitDepth: 10 })!
        .modelOptions,
    ).toEqual(['cambi.enc_width=1920', 'cambi.enc_height=200']);
    expect(v1PairSetup('vmaf_v0.6.1', compared, { width: 1, height: 1, bitDepth: 8 })).toBeNull();
  });
});

describe('the note a pair scored with the v1 recipe carries', () => {
  const compared = { width: 640, height: 360, pixFmt: 'yuv420p' };
  const encoded = { width: 320, height: 180, bitDepth: 8 };
  const setup = v1PairSetup('vmaf_v1.0.16_3d0h', compared, encoded)!;

  it('says it was measured at 10 bits and what CAMBI was told', () => {
    const note = v1RecipeNote('vmaf_v1.0.16_3d0h', setup, encoded, { msSsim: false, cambi: false });
    expect(note.id).toBe('vmaf-v1-recipe');
    expect(note.message).toBe(
      'VMAF v1 (vmaf_v1.0.16_3d0h) was measured at 10 bits (yuv420p10le, each video scaled ' +
        'straight into it) as Netflix recommends; its CAMBI was told the encode size 320x180 and ' +
        'its bit depth (8).',
    );
    expect(note.reference).toContain('models_v1.md');
  });

  it('names the other libvmaf metrics that saw the 10-bit frames', () => {
    const note = v1RecipeNote('vmaf_v1.0.16_3d0h', setup, encoded, { msSsim: true, cambi: true });
    expect(note.message).toMatch(
      /MS-SSIM and CAMBI came from the same 10-bit frames \(CAMBI told they hold 8-bit video\)\.$/,
    );
    // A 10-bit encode compared at 10 bits: nothing to say about the bit depth.
    const encoded10 = { ...encoded, bitDepth: 10 };
    const ten = v1PairSetup(
      'vmaf_v1.0.16_3d0h',
      { ...compared, pixFmt: 'yuv420p10le' },
      encoded10,
    )!;
    expect(
      v1RecipeNote('vmaf_v1.0.16_3d0h', ten, encoded10, { msSsim: false, cambi: true }).message,
    ).toMatch(
      /as Netflix recommends; its CAMBI was told the encode size 320x180\. CAMBI came from the same 10-bit frames\.$/,
    );
  });
});
