import { describe, expect, it } from 'vitest';
import {
  buildEncodeCommand,
  containerExtension,
  displaySize,
  groupForDecodeOnce,
  planLadder,
  rungOutputArgs,
  type PlannedRung,
  type SourceGeometry,
} from './encodePlan';
import type { Ladder, Rung } from './ladder';
import { PRESET_LADDERS } from './presets';

const src1080: SourceGeometry = {
  width: 1920,
  height: 1080,
  sar: '1:1',
  rotation: 0,
  frameRate: '30/1',
  hasAudio: true,
};

function rung(p: Partial<Rung> = {}): Rung {
  return {
    id: 'r',
    width: null,
    height: 360,
    encoder: 'libx264',
    rateControl: { mode: 'crf', crf: 23 },
    preset: 'fast',
    gopSeconds: 2,
    fixedGop: true,
    pixFmt: 'yuv420p',
    fpsCap: null,
    audio: { mode: 'none' },
    container: 'mp4',
    ...p,
  };
}

function ladder(...rungs: Rung[]): Ladder {
  return { id: 't', name: 't', rungs };
}

function planned(r: Rung, src: SourceGeometry = src1080): PlannedRung {
  const p = planLadder(ladder(r), src);
  expect(p.skipped).toEqual([]);
  return p.rungs[0]!;
}

/** The value after a flag, e.g. after('-crf') → '23'. */
function after(args: string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
}

describe('planLadder sizes', () => {
  it('derives the missing side from the display aspect, as an even number', () => {
    expect(planned(rung({ height: 360 }))).toMatchObject({ width: 640, height: 360 });
    expect(planned(rung({ width: 854, height: null }))).toMatchObject({ width: 854, height: 480 });
    // 4:3 source, 16:9 numbers would distort: derived from 4:3 instead
    const p = planned(rung({ height: 480 }), { ...src1080, width: 1440, height: 1080 });
    expect(p).toMatchObject({ width: 640, height: 480 });
  });

  it('never upscales: rungs larger than the source are skipped with a reason', () => {
    const p = planLadder(PRESET_LADDERS[0]!.ladder, { ...src1080, width: 1280, height: 720 });
    expect(p.skipped.map((s) => s.rungId)).toEqual(['1080p-6000k', '1080p-7800k']);
    expect(p.skipped[0]!.reason).toMatch(/larger than the source \(1280x720\).*never upscales/);
    expect(p.rungs.every((r) => r.width <= 1280 && r.height <= 720)).toBe(true);
  });

  it('applies SAR to the display width (anamorphic DVD)', () => {
    const dvd: SourceGeometry = { ...src1080, width: 720, height: 480, sar: '32:27' };
    expect(displaySize(dvd)).toEqual({ width: 853, height: 480 });
    // 480 × 853/480 rounds up to 854, past the source: rounded down, not skipped as an upscale
    expect(planned(rung({ height: 480 }), dvd)).toMatchObject({ width: 852, height: 480 });
    expect(planned(rung({ height: 360 }), dvd)).toMatchObject({ width: 640, height: 360 });
    // 720 wide stored but 853 wide displayed: an 800-wide rung is not an upscale
    expect(planLadder(ladder(rung({ width: 800, height: null })), dvd).skipped).toEqual([]);
  });

  it('swaps the sides of a source rotated by 90° (portrait phone video)', () => {
    const portrait: SourceGeometry = { ...src1080, width: 3840, height: 2160, rotation: 90 };
    expect(displaySize(portrait)).toEqual({ width: 2160, height: 3840 });
    // "640p" is a size class: on a portrait source it is the short side (issue 11).
    expect(planned(rung({ height: 640 }), portrait)).toMatchObject({ width: 640, height: 1138 });
    // A 16:9 box turns with the source: a 4K rung on a 4K portrait clip is 2160×3840, not skipped.
    expect(planned(rung({ width: 3840, height: 2160 }), portrait)).toMatchObject({
      width: 2160,
      height: 3840,
    });
  });

  it('fits preset boxes to the source aspect: 3:2 and 4:3 keep the height, scope keeps the width (issue 11)', () => {
    const hls = (id: string): Rung => PRESET_LADDERS[0]!.ladder.rungs.find((r) => r.id === id)!;
    const threeTwo: SourceGeometry = { ...src1080, width: 720, height: 480 };
    // 416×234 was `scale=416:234` (squashed); the picture keeps 3:2.
    expect(planned(hls('234p-145k'), threeTwo)).toMatchObject({ width: 352, height: 234 });
    expect(planned(hls('360p-365k'), threeTwo)).toMatchObject({ width: 540, height: 360 });
    const fourThree: SourceGeometry = { ...src1080, width: 1440, height: 1080 };
    expect(planned(rung({ width: 1280, height: 720 }), fourThree)).toMatchObject({
      width: 960,
      height: 720,
    });
    const scope: SourceGeometry = { ...src1080, width: 1920, height: 800 };
    expect(planned(rung({ width: 1280, height: 720 }), scope)).toMatchObject({
      width: 1280,
      height: 534,
    });
    // Within 1 % of 16:9 the box is kept as it is.
    expect(
      planned(rung({ width: 1920, height: 1080 }), { ...src1080, height: 1088 }),
    ).toMatchObject({ width: 1920, height: 1080 });
    for (const src of [threeTwo, fourThree, scope]) {
      for (const p of planLadder(PRESET_LADDERS[0]!.ladder, src).rungs) {
        // Each rendition keeps the source's display aspect within the rounding to even sizes.
        expect(Math.abs(p.width / p.height - src.width / src.height)).toBeLessThan(2.5 / p.height);
      }
    }
  });

  it('reads a one-sided rung as a size class: the short side (height) or long side (width) of a portrait source', () => {
    const phone: SourceGeometry = { ...src1080, width: 720, height: 1280 };
    // 720p on a 720×1280 phone clip is the clip's own size, not 406×720.
    expect(planned(rung({ height: 720 }), phone)).toMatchObject({ width: 720, height: 1280 });
    expect(planned(rung({ height: 360 }), phone)).toMatchObject({ width: 360, height: 640 });
    // A width-only rung names the long side: 640 wide on landscape is 640 tall on portrait.
    expect(planned(rung({ width: 640, height: null }), phone)).toMatchObject({
      width: 360,
      height: 640,
    });
    // 1080p needs 1080 pixels across the short side: an upscale of a 720-wide clip, skipped.
    const skipped = planLadder(ladder(rung({ height: 1080 })), phone).skipped;
    expect(skipped[0]!.reason).toMatch(/1080x1920 is larger than the source \(720x1280\)/);
    // Landscape sources read one-sided rungs as before.
    expect(planned(rung({ height: 720 }), src1080)).toMatchObject({ width: 1280, height: 720 });
    expect(planned(rung({ width: 640, height: null }), src1080)).toMatchObject({
      width: 640,
      height: 360,
    });
    // A square source is not portrait.
    const square: SourceGeometry = { ...src1080, width: 720, height: 720 };
    expect(planned(rung({ height: 360 }), square)).toMatchObject({ width: 360, height: 360 });
  });

  it('turns a box only when its orientation differs from the source', () => {
    const phone: SourceGeometry = { ...src1080, width: 1080, height: 1920 };
    // A portrait box (a per-title grid made for this source) stays as it is.
    expect(planned(rung({ width: 720, height: 1280 }), phone)).toMatchObject({
      width: 720,
      height: 1280,
    });
    // ... and is turned for a landscape source.
    expect(planned(rung({ width: 720, height: 1280 }), src1080)).toMatchObject({
      width: 1280,
      height: 720,
    });
  });

  it('gives a portrait source portrait rungs, and never upscales on either side', () => {
    const phone: SourceGeometry = { ...src1080, width: 720, height: 1280 };
    const p = planLadder(PRESET_LADDERS[0]!.ladder, phone);
    expect(p.rungs.map((r) => `${r.width}x${r.height}`)).toEqual([
      '234x416',
      '360x640',
      '432x768',
      '432x768',
      '540x960',
      '720x1280',
      '720x1280',
    ]);
    // 1080×1920 is wider than the 720-wide source: skipped, although it is not taller than 1920.
    expect(p.skipped).toHaveLength(2);
    expect(p.skipped[0]!.reason).toMatch(/1080x1920 is larger than the source \(720x1280\)/);
    expect(p.rungs.every((r) => r.width <= 720 && r.height <= 1280)).toBe(true);
  });

  it('sets square pixels and scales to the exact size in the filter chain', () => {
    const args = buildEncodeCommand({ path: '/a.mp4', raw: null }, [planned(rung())], ['/o.mp4']);
    expect(after(args, '-filter_complex')).toBe('[0:v:0]scale=640:360:flags=bicubic,setsar=1[v0]');
  });
});

describe('frame-rate cap and GOP', () => {
  it('halves 60 fps under a 30 fps cap and counts keyint in output frames', () => {
    const p = planned(rung({ fpsCap: 30, gopSeconds: 2 }), { ...src1080, frameRate: '60/1' });
    expect(p).toMatchObject({ fps: '60/2', fpsValue: 30, keyint: 60 });
    const args = buildEncodeCommand({ path: '/a.mp4', raw: null }, [p], ['/o.mp4']);
    expect(after(args, '-filter_complex')).toMatch(/^\[0:v:0\]fps=60\/2,scale=/);
    expect(after(args, '-g')).toBe('60');
  });

  it('keeps NTSC rates exact (59.94 → 29.97) and leaves a rate under the cap alone', () => {
    expect(planned(rung({ fpsCap: 30 }), { ...src1080, frameRate: '60000/1001' })).toMatchObject({
      fps: '60000/2002',
    });
    expect(planned(rung({ fpsCap: 30 }), { ...src1080, frameRate: '30000/1001' })).toMatchObject({
      fps: null,
      keyint: 60,
    });
    expect(planned(rung({ fpsCap: 30 }), { ...src1080, frameRate: 29.97 }).keyint).toBe(60);
  });

  it('halves a phone’s "60 fps" that averages 60.06 instead of dividing it by 3', () => {
    // avg_frame_rate of ../shared/testmedia/androidx-media/portrait_4k60.mp4
    const p = planned(rung({ fpsCap: 30 }), { ...src1080, frameRate: '810000/13487' });
    expect(p.fps).toBe('810000/26974');
    expect(p.fpsValue).toBeCloseTo(30.03, 2);
    expect(planned(rung({ fpsCap: 30 }), { ...src1080, frameRate: 30.5 }).fps).toBeNull();
    expect(planned(rung({ fpsCap: 30 }), { ...src1080, frameRate: '120/1' }).fps).toBe('120/4');
    expect(planned(rung({ fpsCap: 30 }), { ...src1080, frameRate: '50/1' }).fps).toBe('50/2');
  });

  it('fixed GOP turns scene-cut keyframes off per encoder', () => {
    const x264 = rungOutputArgs(planned(rung({ fixedGop: true })));
    expect(after(x264, '-g')).toBe('60');
    expect(after(x264, '-keyint_min')).toBe('60');
    expect(after(x264, '-sc_threshold')).toBe('0');
    const x265 = rungOutputArgs(planned(rung({ encoder: 'libx265', fixedGop: true })));
    expect(after(x265, '-x265-params')).toBe(
      'log-level=error:keyint=60:min-keyint=60:scenecut=0:open-gop=0',
    );
    const free = rungOutputArgs(planned(rung({ fixedGop: false, gopSeconds: null })));
    expect(free).not.toContain('-g');
    expect(free).not.toContain('-sc_threshold');
  });
});

describe('encoder and rate-control arguments', () => {
  it('x264 CRF, capped CRF, ABR with VBV and CBR with HRD', () => {
    expect(rungOutputArgs(planned(rung()))).toEqual(
      expect.arrayContaining([
        '-c:v',
        'libx264',
        '-preset',
        'fast',
        '-crf',
        '23',
        '-pix_fmt',
        'yuv420p',
      ]),
    );
    const capped = rungOutputArgs(
      planned(rung({ rateControl: { mode: 'crf', crf: 23, maxrateKbps: 3000 } })),
    );
    expect([after(capped, '-maxrate'), after(capped, '-bufsize')]).toEqual(['3000k', '6000k']);
    const abr = rungOutputArgs(
      planned(
        rung({
          rateControl: { mode: 'abr', bitrateKbps: 2000, maxrateKbps: 3000, bufsizeKbps: 4000 },
        }),
      ),
    );
    expect([after(abr, '-b:v'), after(abr, '-maxrate'), after(abr, '-bufsize')]).toEqual([
      '2000k',
      '3000k',
      '4000k',
    ]);
    expect(abr).not.toContain('-crf');
    const cbr = rungOutputArgs(planned(rung({ rateControl: { mode: 'cbr', bitrateKbps: 1500 } })));
    expect([
      after(cbr, '-b:v'),
      after(cbr, '-minrate'),
      after(cbr, '-maxrate'),
      after(cbr, '-bufsize'),
      after(cbr, '-x264-params'),
    ]).toEqual(['1500k', '1500k', '1500k', '1500k', 'nal-hrd=cbr']);
  });

  it('x265 takes its GOP and log level in -x265-params and is tagged hvc1 in MP4', () => {
    const args = rungOutputArgs(
      planned(rung({ encoder: 'libx265', rateControl: { mode: 'crf', crf: 28 } })),
    );
    expect(after(args, '-c:v')).toBe('libx265');
    expect(after(args, '-crf')).toBe('28');
    expect(after(args, '-tag:v')).toBe('hvc1');
    expect(rungOutputArgs(planned(rung({ encoder: 'libx265', container: 'mkv' })))).not.toContain(
      '-tag:v',
    );
  });

  it('SVT-AV1 uses -preset and -g; libaom and VP9 use -cpu-used, row-mt and -b:v 0 for pure CRF', () => {
    const svt = rungOutputArgs(
      planned(rung({ encoder: 'libsvtav1', preset: '10', rateControl: { mode: 'crf', crf: 35 } })),
    );
    expect([after(svt, '-preset'), after(svt, '-crf'), after(svt, '-g')]).toEqual([
      '10',
      '35',
      '60',
    ]);
    const aom = rungOutputArgs(
      planned(rung({ encoder: 'libaom-av1', preset: '8', rateControl: { mode: 'crf', crf: 40 } })),
    );
    expect([
      after(aom, '-cpu-used'),
      after(aom, '-row-mt'),
      after(aom, '-crf'),
      after(aom, '-b:v'),
    ]).toEqual(['8', '1', '40', '0']);
    const vp9 = rungOutputArgs(
      planned(
        rung({
          encoder: 'libvpx-vp9',
          preset: '5',
          container: 'webm',
          rateControl: { mode: 'crf', crf: 32, maxrateKbps: 800 },
        }),
      ),
    );
    expect([
      after(vp9, '-deadline'),
      after(vp9, '-cpu-used'),
      after(vp9, '-crf'),
      after(vp9, '-b:v'),
      after(vp9, '-f'),
    ]).toEqual([
      'good',
      '5',
      '32',
      '800k', // constrained quality: the cap goes in -b:v
      'webm',
    ]);
  });

  it('uses the encoder default preset when the rung has none, and 10-bit pixel formats as given', () => {
    const args = rungOutputArgs(planned(rung({ preset: null, pixFmt: 'yuv420p10le' })));
    expect(after(args, '-preset')).toBe('medium');
    expect(after(args, '-pix_fmt')).toBe('yuv420p10le');
  });

  it('hardware encoders get bitrate modes and -g only', () => {
    const nv = rungOutputArgs(
      planned(
        rung({
          encoder: 'h264_nvenc',
          preset: null,
          rateControl: { mode: 'abr', bitrateKbps: 3000 },
        }),
      ),
    );
    expect(nv.slice(0, 4)).toEqual(['-c:v', 'h264_nvenc', '-b:v', '3000k']);
    expect(nv).not.toContain('-preset');
  });

  it('audio: none, copy or AAC; containers with faststart for MP4', () => {
    expect(rungOutputArgs(planned(rung()))).toContain('-an');
    expect(after(rungOutputArgs(planned(rung({ audio: { mode: 'copy' } }))), '-c:a')).toBe('copy');
    const aac = rungOutputArgs(planned(rung({ audio: { mode: 'aac', bitrateKbps: 128 } })));
    expect([
      after(aac, '-c:a'),
      after(aac, '-b:a'),
      after(aac, '-movflags'),
      after(aac, '-f'),
    ]).toEqual(['aac', '128k', '+faststart', 'mp4']);
    expect(after(rungOutputArgs(planned(rung({ container: 'mkv' }))), '-f')).toBe('matroska');
    expect(containerExtension('mkv')).toBe('mkv');
  });
});

describe('two-pass', () => {
  const twoPass = rung({
    rateControl: { mode: 'abr', bitrateKbps: 1000, twoPass: true },
    audio: { mode: 'aac', bitrateKbps: 96 },
  });

  it('pass 1 writes analysis only (null muxer, no audio); pass 2 writes the file', () => {
    const p = planned(twoPass);
    expect(p.twoPass).toBe(true);
    const input = { path: '/a.mp4', raw: null };
    const one = buildEncodeCommand(input, [p], ['-'], { pass: 1, passLogFiles: ['/tmp/log/r'] });
    const two = buildEncodeCommand(input, [p], ['/o.mp4'], {
      pass: 2,
      passLogFiles: ['/tmp/log/r'],
    });
    expect([after(one, '-pass'), after(one, '-passlogfile'), after(one, '-f'), one.at(-1)]).toEqual(
      ['1', '/tmp/log/r', 'null', '-'],
    );
    expect(one).toContain('-an');
    expect(one).not.toContain('0:a:0?');
    expect([after(two, '-pass'), after(two, '-c:a'), two.at(-1)]).toEqual(['2', 'aac', '/o.mp4']);
    // Everything before the pass flags is the same in both passes, so pass 1 analyses what pass 2 encodes.
    expect(after(one, '-filter_complex')).toBe(after(two, '-filter_complex'));
  });

  it('x265 gets its passes through -x265-params', () => {
    const p = planned({ ...twoPass, encoder: 'libx265' });
    const args = rungOutputArgs(p, { pass: 2, passLogFile: '/tmp/log/r' });
    expect(after(args, '-x265-params')).toContain('pass=2:stats=/tmp/log/r');
    expect(args).not.toContain('-pass');
  });
});

describe('decode once, encode many', () => {
  const a = rung({ id: 'a', height: 360 });
  const b = rung({ id: 'b', height: 540, encoder: 'libx265' });
  const c = rung({
    id: 'c',
    height: 720,
    rateControl: { mode: 'abr', bitrateKbps: 2000, twoPass: true },
  });
  const plan = planLadder(ladder(a, b, c), src1080);

  it('groups every single-pass rung in one process and keeps two-pass rungs alone', () => {
    expect(groupForDecodeOnce(plan.rungs, true).map((g) => g.map((p) => p.rung.id))).toEqual([
      ['a', 'b'],
      ['c'],
    ]);
    expect(groupForDecodeOnce(plan.rungs, false).map((g) => g.map((p) => p.rung.id))).toEqual([
      ['a'],
      ['b'],
      ['c'],
    ]);
  });

  it('splits the decoded video once and gives each output the same chain and arguments as alone', () => {
    const input = { path: '/a.mp4', raw: null };
    const shared = buildEncodeCommand(
      input,
      [plan.rungs[0]!, plan.rungs[1]!],
      ['/a.mp4', '/b.mp4'],
    );
    expect(after(shared, '-filter_complex')).toBe(
      '[0:v:0]split=2[sv0][sv1];[sv0]scale=640:360:flags=bicubic,setsar=1[v0];[sv1]scale=960:540:flags=bicubic,setsar=1[v1]',
    );
    const alone = buildEncodeCommand(input, [plan.rungs[1]!], ['/b.mp4']);
    const outputArgs = (args: string[], file: string): string[] =>
      args.slice(args.lastIndexOf('-map', args.indexOf(file)) + 2, args.indexOf(file));
    expect(outputArgs(shared, '/b.mp4')).toEqual(outputArgs(alone, '/b.mp4'));
  });

  it('puts raw-video geometry before -i', () => {
    const args = buildEncodeCommand(
      { path: '/a.yuv', raw: { width: 320, height: 192, pixFmt: 'yuv420p', fps: 25 } },
      [plan.rungs[0]!],
      ['/o.mp4'],
    );
    expect(args.indexOf('-video_size')).toBeLessThan(args.indexOf('-i'));
  });
});

describe('HDR sources: kept HDR or tone-mapped, never flattened (issue 11)', () => {
  const pq: SourceGeometry = { ...src1080, hdr: 'pq' };
  const hlg: SourceGeometry = { ...src1080, hdr: 'hlg' };
  const x265 = rung({ id: 'x265', encoder: 'libx265', preset: 'ultrafast' });

  it('keeps an HDR source HDR by default: 10-bit, BT.2020 and its transfer, in the x265 VUI too', () => {
    const p = planned(x265, pq);
    expect(p.colour).toEqual({
      dynamicRange: 'hdr',
      pixFmt: 'yuv420p10le',
      tags: { primaries: 'bt2020', transfer: 'smpte2084', matrix: 'bt2020nc' },
      toneMapFrom: null,
    });
    const args = rungOutputArgs(p);
    expect(after(args, '-pix_fmt')).toBe('yuv420p10le');
    expect(after(args, '-color_primaries')).toBe('bt2020');
    expect(after(args, '-color_trc')).toBe('smpte2084');
    expect(after(args, '-colorspace')).toBe('bt2020nc');
    expect(after(args, '-color_range')).toBe('tv');
    expect(after(args, '-x265-params')).toContain(
      'colorprim=bt2020:transfer=smpte2084:colormatrix=bt2020nc:range=limited',
    );
    expect(after(rungOutputArgs(planned(x265, hlg)), '-color_trc')).toBe('arib-std-b67');
    // VP9 and AV1 carry it too (VP9 picks profile 2 from the 10-bit format).
    for (const encoder of ['libvpx-vp9', 'libsvtav1', 'libaom-av1'] as const) {
      const r = rung({ encoder, preset: null, container: 'webm' });
      expect(after(rungOutputArgs(planned(r, pq)), '-color_trc')).toBe('smpte2084');
    }
  });

  it('refuses to keep HDR in x264 or a hardware encoder, naming the rung, instead of flattening', () => {
    const plan = planLadder(
      ladder(
        x265,
        rung({ id: 'avc' }),
        rung({
          id: 'nv',
          encoder: 'h264_nvenc',
          preset: null,
          rateControl: { mode: 'abr', bitrateKbps: 900 },
        }),
      ),
      pq,
    );
    expect(plan.rungs.map((r) => r.rung.id)).toEqual(['x265']);
    expect(plan.refused).toEqual([
      { rungId: 'avc', reason: 'x264 (H.264/AVC) cannot carry HDR' },
      { rungId: 'nv', reason: 'h264_nvenc cannot carry HDR' },
    ]);
    expect(plan).toMatchObject({ hdr: 'pq', hdrHandling: 'keep' });
  });

  it('tone-maps to SDR BT.709 on request, after the scale, in the rung’s pixel format', () => {
    const l: Ladder = { ...ladder(rung({ id: 'avc' })), hdr: 'tonemap' };
    const p = planLadder(l, pq).rungs[0]!;
    expect(p.colour).toMatchObject({
      dynamicRange: 'tonemapped',
      pixFmt: 'yuv420p',
      toneMapFrom: 'pq',
    });
    const args = buildEncodeCommand({ path: '/a.mp4', raw: null }, [p], ['/o.mp4']);
    expect(after(args, '-filter_complex')).toBe(
      '[0:v:0]scale=640:360:flags=bicubic,setsar=1,' +
        'zscale=tin=smpte2084:pin=bt2020:min=bt2020nc:rin=tv:t=linear:npl=100,format=gbrpf32le,' +
        'zscale=p=bt709,tonemap=tonemap=hable:desat=0,zscale=t=bt709:m=bt709:r=tv,format=yuv420p[v0]',
    );
    expect(after(args, '-color_trc')).toBe('bt709');
    expect(after(args, '-pix_fmt')).toBe('yuv420p');
    expect(
      after(
        buildEncodeCommand({ path: '/f', raw: null }, planLadder(l, hlg).rungs, ['/o']),
        '-filter_complex',
      ),
    ).toContain('tin=arib-std-b67');
  });

  it('leaves an SDR source as it was: the rung’s pixel format, no tags, no tone mapping', () => {
    const p = planned(rung({ id: 'avc' }));
    expect(p.colour).toEqual({
      dynamicRange: 'sdr',
      pixFmt: 'yuv420p',
      tags: null,
      toneMapFrom: null,
    });
    const args = buildEncodeCommand({ path: '/f', raw: null }, [p], ['/o.mp4']);
    expect(args).not.toContain('-color_trc');
    expect(after(args, '-filter_complex')).not.toContain('zscale');
    // The choice means nothing for SDR: a tone-mapping ladder encodes an SDR source as it is.
    expect(
      planLadder({ ...ladder(rung()), hdr: 'tonemap' }, src1080).rungs[0]!.colour.dynamicRange,
    ).toBe('sdr');
  });
});
