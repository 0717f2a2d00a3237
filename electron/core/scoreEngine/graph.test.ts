import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { requiredTool } from '../../testing/tools';
import type { ModelUsed } from '../../../shared/score';
import { seededRandom } from '../../../shared/seededRandom';
import {
  escapeGraphLevel,
  escapeOptionLevel,
  filterValue,
  libvmafDictValue,
} from '../ffmpeg/escape';
import {
  buildScoreArgs,
  buildScoreGraph,
  libvmafFilter,
  selectFrames,
  type BuiltGraph,
  type PairGraphSpec,
  type ScoreGraphSpec,
} from './graph';

const pkl: ModelUsed = {
  name: 'vmaf_v0.6.1',
  path: '/m/vmaf_v0.6.1.pkl',
  format: 'pkl',
  transform: false,
  reason: 'auto: default model',
};
const builtin: ModelUsed = { ...pkl, path: null, format: 'builtin' };

function pair(i: number, p: Partial<PairGraphSpec> = {}): PairGraphSpec {
  return {
    streamIndex: 0,
    timing: 'index',
    trimFrames: null,
    rangeConversion: null,
    forceRange: null,
    matrixConversion: null,
    logs: {
      vmaf: `/t/vmaf-${i}.json`,
      psnr: `/t/psnr-${i}.log`,
      ssim: `/t/ssim-${i}.log`,
      xpsnr: null,
    },
    ...p,
  };
}

function spec(s: Partial<ScoreGraphSpec> = {}): ScoreGraphSpec {
  return {
    width: 1920,
    height: 1080,
    pixFmt: 'yuv420p',
    vmafPixFmt: null,
    frameRate: '24/1',
    reference: { streamIndex: 0, timing: 'index' },
    startFrame: 0,
    frames: null,
    subsample: 1,
    vmaf: { api: 1, model: pkl, threads: 2, msSsim: true },
    pairs: [pair(0)],
    ...s,
  };
}

/** The graph of a one-video spec: exactly one. */
function oneGraph(s: ScoreGraphSpec): BuiltGraph {
  const graphs = buildScoreGraph(s);
  expect(graphs).toHaveLength(1);
  return graphs[0]!;
}

describe('escaping for filtergraphs', () => {
  it('escapes each level with backslashes, innermost first', () => {
    expect(escapeOptionLevel("a:b\\c'd")).toBe("a\\:b\\\\c\\'d");
    expect(escapeGraphLevel('a[b],c;d')).toBe('a\\[b\\]\\,c\\;d');
    // ffmpeg-filters(1) example: a value with a colon and commas.
    // Level 1: C\:\\logs\\vmaf,\ 1.json — level 2 then doubles each backslash and escapes ",".
    expect(filterValue('C:\\logs\\vmaf, 1.json')).toBe(
      'C\\\\:\\\\\\\\logs\\\\\\\\vmaf\\,\\\\\\ 1.json',
    );
    expect(filterValue('/tmp/vq-score-ab12/vmaf-0.json')).toBe('/tmp/vq-score-ab12/vmaf-0.json');
  });

  it('libvmaf 2 model values: the dict level escapes the colon again', () => {
    expect(libvmafDictValue('C:/m/x.json')).toBe('C\\:/m/x.json');
    // The documented shape: model=version=vmaf_v0.6.1\\:name=vmaf (as argv text, no shell).
    expect(filterValue('version=vmaf_v0.6.1:name=vmaf')).toBe('version=vmaf_v0.6.1\\\\:name=vmaf');
  });
});

describe('libvmaf filter options', () => {
  it('libvmaf 1.x: model_path, json log, ms_ssim, threads, shortest', () => {
    expect(libvmafFilter({ api: 1, model: pkl, threads: 2, msSsim: true }, '/t/v.json', 1)).toBe(
      'libvmaf=model_path=/m/vmaf_v0.6.1.pkl:log_fmt=json:log_path=/t/v.json:ms_ssim=1:n_threads=2:shortest=1',
    );
  });

  it('n_threads: 0 (synchronous) and up; anything else is refused', () => {
    const f = (threads: number) =>
      libvmafFilter({ api: 2, model: builtin, threads, msSsim: false }, '/t/v.json', 1);
    expect(f(0)).toContain(':n_threads=0:');
    expect(f(3)).toContain(':n_threads=3:');
    for (const bad of [-1, 1.5, Number.NaN]) expect(() => f(bad)).toThrow(/whole number ≥ 0/);
  });

  it('libvmaf 1.x phone model and subsample', () => {
    const f = libvmafFilter(
      { api: 1, model: { ...pkl, transform: true }, threads: 1, msSsim: false },
      '/t/v.json',
      5,
    );
    expect(f).toBe(
      'libvmaf=model_path=/m/vmaf_v0.6.1.pkl:log_fmt=json:log_path=/t/v.json:phone_model=1:n_threads=1:n_subsample=5:shortest=1',
    );
  });

  it('libvmaf 2.x: model=version…\\\\:name=vmaf, feature=name=float_ms_ssim', () => {
    expect(
      libvmafFilter({ api: 2, model: builtin, threads: 8, msSsim: true }, '/t/v.json', 1),
    ).toBe(
      'libvmaf=model=version=vmaf_v0.6.1\\\\:name=vmaf:feature=name=float_ms_ssim:log_fmt=json:log_path=/t/v.json:n_threads=8:shortest=1',
    );
  });

  it('libvmaf 2.x: CAMBI as a feature, joined with MS-SSIM by "|"', () => {
    const both = libvmafFilter(
      { api: 2, model: builtin, threads: 2, msSsim: true, cambi: true },
      '/t/v.json',
      1,
    );
    expect(both).toContain(':feature=name=float_ms_ssim|name=cambi:log_fmt=json:');
    const alone = libvmafFilter(
      { api: 2, model: builtin, threads: 2, msSsim: false, cambi: true },
      '/t/v.json',
      1,
    );
    expect(alone).toContain('\\:name=vmaf:feature=name=cambi:log_fmt=json:');
    expect(() =>
      libvmafFilter({ api: 1, model: pkl, threads: 2, msSsim: false, cambi: true }, '/t/v.json', 1),
    ).toThrow(/no CAMBI/);
  });

  it('libvmaf 2.x: a model file path and the phone transform', () => {
    const json: ModelUsed = {
      ...pkl,
      path: '/m/vmaf_v0.6.1.json',
      format: 'json',
      transform: true,
    };
    expect(libvmafFilter({ api: 2, model: json, threads: 1, msSsim: false }, '/t/v.json', 1)).toBe(
      'libvmaf=model=path=/m/vmaf_v0.6.1.json\\\\:name=vmaf\\\\:enable_transform=true:log_fmt=json:log_path=/t/v.json:n_threads=1:shortest=1',
    );
  });
});

describe('score graph', () => {
  it('one pair: aligned legs, distorted first into every metric', () => {
    const g = oneGraph(spec());
    expect(g.graph.split(';')).toEqual([
      '[1:0]settb=AVTB,setpts=PTS-STARTPTS,scale=1920:1080:flags=bicubic,format=yuv420p[r0]',
      '[r0]split=3[r0v][r0p][r0s]',
      '[0:0]settb=AVTB,setpts=PTS-STARTPTS,scale=1920:1080:flags=bicubic,format=yuv420p,split=3[d0v][d0p][d0s]',
      '[d0v][r0v]libvmaf=model_path=/m/vmaf_v0.6.1.pkl:log_fmt=json:log_path=/t/vmaf-0.json:ms_ssim=1:n_threads=2:shortest=1[o0v]',
      '[d0p][r0p]psnr=stats_file=/t/psnr-0.log:shortest=1[o0p]',
      '[d0s][r0s]ssim=stats_file=/t/ssim-0.log:shortest=1[o0s]',
    ]);
    expect(g.outputs).toEqual(['o0v', 'o0p', 'o0s']);
  });

  it('several distorted videos: a graph each, every one reading and aligning the reference', () => {
    const graphs = buildScoreGraph(
      spec({ pairs: [pair(0), pair(1), pair(2, { streamIndex: 1 })] }),
    );
    expect(graphs).toHaveLength(3);
    // Each is the one-video graph of its pair: reference input 3, its own input and labels.
    const single = oneGraph(spec()).graph;
    const alone = (i: number, input: string): string =>
      single
        .replaceAll('[1:0]', '[3:0]')
        .replaceAll('[0:0]', `[${input}]`)
        .replace(/\[([rdo])0/g, `[$1${i}`)
        .replaceAll('-0.', `-${i}.`);
    expect(graphs.map((g) => g.graph)).toEqual([alone(0, '0:0'), alone(1, '1:0'), alone(2, '2:1')]);
    expect(graphs[1]!.graph.split(';').slice(0, 2)).toEqual([
      '[3:0]settb=AVTB,setpts=PTS-STARTPTS,scale=1920:1080:flags=bicubic,format=yuv420p[r1]',
      '[r1]split=3[r1v][r1p][r1s]',
    ]);
    expect(graphs.map((g) => g.outputs)).toEqual([
      ['o0v', 'o0p', 'o0s'],
      ['o1v', 'o1p', 'o1s'],
      ['o2v', 'o2p', 'o2s'],
    ]);
  });

  it('only PSNR: no split, no libvmaf', () => {
    const g = oneGraph(
      spec({
        vmaf: null,
        pairs: [pair(0, { logs: { vmaf: null, psnr: '/t/p.log', ssim: null, xpsnr: null } })],
      }),
    );
    expect(g.graph).toBe(
      '[1:0]settb=AVTB,setpts=PTS-STARTPTS,scale=1920:1080:flags=bicubic,format=yuv420p[r0];' +
        '[r0]null[r0p];' +
        '[0:0]settb=AVTB,setpts=PTS-STARTPTS,scale=1920:1080:flags=bicubic,format=yuv420p[d0p];' +
        '[d0p][r0p]psnr=stats_file=/t/p.log:shortest=1[o0p]',
    );
  });

  it('10-bit workaround: only the libvmaf legs are converted to 8 bits', () => {
    const g = oneGraph(spec({ pixFmt: 'yuv420p10le', vmafPixFmt: 'yuv420p' }));
    expect(g.graph).toContain('format=yuv420p10le,split=3[d0v][d0p][d0s]');
    expect(g.graph).toContain(
      '[d0v]format=yuv420p[d0vc];[r0v]format=yuv420p[r0vc];[d0vc][r0vc]libvmaf=',
    );
    expect(g.graph).toContain('[d0p][r0p]psnr=');
  });

  it('subsample: libvmaf n_subsample, the same frames selected for psnr/ssim', () => {
    const g = oneGraph(spec({ subsample: 4 }));
    expect(g.graph).toContain(':n_subsample=4:');
    expect(g.graph).toContain(
      '[d0p]select=not(mod(n\\,4))[d0pn];[r0p]select=not(mod(n\\,4))[r0pn]',
    );
    expect(g.graph).toContain('[d0s]select=not(mod(n\\,4))[d0sn]');
    expect(g.graph).not.toContain('[d0v]select');
  });

  it('frame range on every leg; the overlap trims the pair further', () => {
    const g = oneGraph(spec({ startFrame: 48, frames: 100, pairs: [pair(0, { trimFrames: 60 })] }));
    expect(g.graph).toContain(
      'setpts=PTS-STARTPTS,trim=start_frame=48:end_frame=148,setpts=PTS-STARTPTS,scale',
    );
    expect(g.graph).toContain('[r0]trim=end_frame=60,split=3');
    expect(g.graph).toContain(
      '[0:0]settb=AVTB,setpts=PTS-STARTPTS,trim=start_frame=48:end_frame=108,',
    );
  });

  it('chosen fixes: fps conversion, range and matrix conversion on the distorted leg', () => {
    const g = oneGraph(
      spec({
        frameRate: '30000/1001',
        pairs: [
          pair(0, {
            timing: 'convert',
            rangeConversion: { from: 'pc', to: 'tv' },
            matrixConversion: { from: 'smpte170m', to: 'bt709' },
          }),
        ],
      }),
    );
    expect(g.graph).toContain(
      '[0:0]settb=AVTB,setpts=PTS-STARTPTS,fps=30000/1001,scale=1920:1080:flags=bicubic:in_range=pc:out_range=tv,format=yuv420p,colorspace=iall=smpte170m:all=bt709:fast=1,split=3',
    );
    const forced = oneGraph(spec({ pairs: [pair(0, { forceRange: 'tv' })] }));
    expect(forced.graph).toContain('flags=bicubic:in_range=tv:out_range=tv');
  });

  it('log paths are escaped for the filtergraph', () => {
    const g = oneGraph(
      spec({
        pairs: [
          pair(0, { logs: { vmaf: null, psnr: "/t/a b:c,d'e/p.log", ssim: null, xpsnr: null } }),
        ],
        vmaf: null,
      }),
    );
    // Level 1: /t/a\ b\:c,d\'e/p.log; level 2 doubles the backslashes, escapes space , and '.
    expect(g.graph).toContain("psnr=stats_file=/t/a\\\\\\ b\\\\:c\\,d\\\\\\'e/p.log:shortest=1");
  });
});

describe('VMAF v1 legs: each video scaled straight into 10 bits, the other legs untouched', () => {
  const v1: ModelUsed = { ...builtin, name: 'vmaf_v1.0.16_3d0h', reason: 'requested' };
  const v1Spec = (s: Partial<ScoreGraphSpec> = {}): ScoreGraphSpec =>
    spec({
      width: 640,
      height: 360,
      vmafPixFmt: 'yuv420p10le',
      vmafLegs: 'scale',
      vmaf: { api: 2, model: v1, threads: 2, msSsim: false },
      reference: {
        streamIndex: 0,
        timing: 'index',
        decoded: { width: 640, height: 360, pixFmt: 'yuv420p' },
      },
      ...s,
    });
  const upscaled = (p: Partial<PairGraphSpec> = {}): PairGraphSpec =>
    pair(0, {
      decoded: { width: 320, height: 180, pixFmt: 'yuv420p' },
      modelOptions: ['cambi.enc_width=320', 'cambi.enc_height=180', 'cambi.enc_bitdepth=8'],
      ...p,
    });
  const plainLegs = [
    '[d0p][r0p]psnr=stats_file=/t/psnr-0.log:shortest=1[o0p]',
    '[d0s][r0s]ssim=stats_file=/t/ssim-0.log:shortest=1[o0s]',
  ];

  it('an upscaled rendition: its VMAF leg split off before the scale; the reference converted', () => {
    const g = oneGraph(v1Spec({ pairs: [upscaled()] }));
    expect(g.graph.split(';')).toEqual([
      '[1:0]settb=AVTB,setpts=PTS-STARTPTS,scale=640:360:flags=bicubic,format=yuv420p[r0]',
      '[r0]split=3[r0v][r0p][r0s]',
      '[0:0]settb=AVTB,setpts=PTS-STARTPTS,split=2[d0a][d0b]',
      '[d0a]scale=640:360:flags=bicubic,format=yuv420p,split=2[d0p][d0s]',
      '[d0b]scale=640:360:flags=bicubic,format=yuv420p10le[d0v]',
      '[r0v]format=yuv420p10le[r0vc]',
      '[d0v][r0vc]libvmaf=model=version=vmaf_v1.0.16_3d0h\\\\:name=vmaf\\\\:cambi.enc_width=320' +
        '\\\\:cambi.enc_height=180\\\\:cambi.enc_bitdepth=8:log_fmt=json:log_path=/t/vmaf-0.json' +
        ':n_threads=2:shortest=1[o0v]',
      ...plainLegs,
    ]);
  });

  it('nothing differs (both decode at the compared size in pixFmt): one scale, legs converted', () => {
    const same = { width: 640, height: 360, pixFmt: 'yuv420p' };
    const g = oneGraph(v1Spec({ pairs: [pair(0, { decoded: same })] }));
    expect(g.graph.split(';')).toEqual([
      '[1:0]settb=AVTB,setpts=PTS-STARTPTS,scale=640:360:flags=bicubic,format=yuv420p[r0]',
      '[r0]split=3[r0v][r0p][r0s]',
      '[0:0]settb=AVTB,setpts=PTS-STARTPTS,scale=640:360:flags=bicubic,format=yuv420p,split=3[d0v][d0p][d0s]',
      '[d0v]format=yuv420p10le[d0vc]',
      '[r0v]format=yuv420p10le[r0vc]',
      '[d0vc][r0vc]libvmaf=model=version=vmaf_v1.0.16_3d0h\\\\:name=vmaf:log_fmt=json:log_path=/t/vmaf-0.json:n_threads=2:shortest=1[o0v]',
      ...plainLegs,
    ]);
  });

  it('a reference scaled too (--scale, another format, unknown): its VMAF leg split off', () => {
    for (const decoded of [
      { width: 1280, height: 720, pixFmt: 'yuv420p' },
      { width: 640, height: 360, pixFmt: 'yuv444p' },
      undefined,
    ]) {
      const [g0, g1] = buildScoreGraph(
        v1Spec({
          reference: { streamIndex: 0, timing: 'index', decoded },
          pairs: [upscaled(), upscaled({ trimFrames: 5 })],
        }),
      );
      expect(g0!.graph.split(';').slice(0, 4)).toEqual([
        '[2:0]settb=AVTB,setpts=PTS-STARTPTS,split=2[ra][rb]',
        '[ra]scale=640:360:flags=bicubic,format=yuv420p[r0]',
        '[rb]scale=640:360:flags=bicubic,format=yuv420p10le[r0v]',
        '[r0]split=2[r0p][r0s]',
      ]);
      // The trimmed pair trims its own VMAF leg of the reference too.
      expect(g1!.graph.split(';').slice(0, 5)).toEqual([
        '[2:0]settb=AVTB,setpts=PTS-STARTPTS,split=2[ra][rb]',
        '[ra]scale=640:360:flags=bicubic,format=yuv420p[r1]',
        '[rb]scale=640:360:flags=bicubic,format=yuv420p10le[rv1]',
        '[r1]trim=end_frame=5,split=2[r1p][r1s]',
        '[rv1]trim=end_frame=5[r1v]',
      ]);
      expect(g0!.graph).not.toContain('format=yuv420p10le[r0vc]');
      expect(g0!.graph).toContain('[d0v][r0v]libvmaf=');
      expect(g1!.graph).toContain('[d1v][r1v]libvmaf=');
    }
  });

  it('VMAF alone: each video scaled straight into 10 bits, no 8-bit leg at all', () => {
    const vmafOnly = { vmaf: '/t/vmaf-0.json', psnr: null, ssim: null, xpsnr: null };
    const g = oneGraph(
      v1Spec({
        reference: { streamIndex: 0, timing: 'index' },
        pairs: [upscaled({ logs: vmafOnly })],
      }),
    );
    expect(g.graph.split(';').slice(0, 2)).toEqual([
      '[1:0]settb=AVTB,setpts=PTS-STARTPTS,scale=640:360:flags=bicubic,format=yuv420p10le[r0v]',
      '[0:0]settb=AVTB,setpts=PTS-STARTPTS,scale=640:360:flags=bicubic,format=yuv420p10le[d0v]',
    ]);
    expect(g.graph).not.toMatch(/format=yuv420p[,[]/);
  });

  it('a range or matrix change at the compared size is made in 10 bits, on a leg of its own', () => {
    const same = { width: 640, height: 360, pixFmt: 'yuv420p' };
    const g = oneGraph(
      v1Spec({
        pairs: [
          pair(0, {
            decoded: same,
            rangeConversion: { from: 'pc', to: 'tv' },
            matrixConversion: { from: 'smpte170m', to: 'bt709' },
          }),
        ],
      }),
    );
    expect(g.graph).toContain(
      '[d0b]scale=640:360:flags=bicubic:in_range=pc:out_range=tv,format=yuv420p10le,' +
        'colorspace=iall=smpte170m:all=bt709:fast=1[d0v]',
    );
    expect(g.graph).toContain(
      '[d0a]scale=640:360:flags=bicubic:in_range=pc:out_range=tv,format=yuv420p,',
    );
  });

  it('the pair options go into the model dict and the CAMBI feature, escaped', () => {
    const f = libvmafFilter(
      { api: 2, model: v1, threads: 2, msSsim: true, cambi: true },
      '/t/v.json',
      1,
      { modelOptions: ['cambi.enc_width=320'], cambiOptions: ['enc_bitdepth=8'] },
    );
    expect(f).toContain(
      'model=version=vmaf_v1.0.16_3d0h\\\\:name=vmaf\\\\:cambi.enc_width=320:' +
        'feature=name=float_ms_ssim|name=cambi\\\\:enc_bitdepth=8:log_fmt=json',
    );
    // A value with dictionary specials stays one value; a key or a "|" that is not an option fails.
    const dict = `version=vmaf_v1.0.16_3d0h:name=vmaf:x.path=${libvmafDictValue('C:/a b')}`;
    expect(
      libvmafFilter({ api: 2, model: v1, threads: 1, msSsim: false }, '/t/v.json', 1, {
        modelOptions: ['x.path=C:/a b'],
      }),
    ).toContain(`model=${filterValue(dict)}:log_fmt=json`);
    expect(libvmafDictValue('C:/a b')).toBe('C\\:/a\\ b');
    for (const bad of ['=1', 'a:b=1', 'cambi.enc_width=1|name=x', 'no_value']) {
      expect(() =>
        libvmafFilter({ api: 2, model: v1, threads: 1, msSsim: false }, '/t/v.json', 1, {
          modelOptions: [bad],
        }),
      ).toThrow(/not a libvmaf option/);
    }
    expect(() =>
      libvmafFilter({ api: 1, model: pkl, threads: 1, msSsim: false }, '/t/v.json', 1, {
        modelOptions: ['cambi.enc_bitdepth=8'],
      }),
    ).toThrow(/1\.x/);
  });
});

describe('XPSNR legs', () => {
  const xpsnrOnly = (p: Partial<PairGraphSpec> = {}): PairGraphSpec =>
    pair(0, { logs: { vmaf: null, psnr: null, ssim: null, xpsnr: '/t/x-0.log' }, ...p });

  it('reference first into xpsnr, each leg given the rate back with fps after its setpts', () => {
    const g = oneGraph(spec({ vmaf: null, pairs: [xpsnrOnly()] }));
    expect(g.graph.split(';')).toEqual([
      '[1:0]settb=AVTB,setpts=PTS-STARTPTS,scale=1920:1080:flags=bicubic,format=yuv420p[r0]',
      '[r0]null[r0x]',
      '[0:0]settb=AVTB,setpts=PTS-STARTPTS,scale=1920:1080:flags=bicubic,format=yuv420p[d0x]',
      '[r0x]fps=24/1[r0xf]',
      '[d0x]fps=24/1[d0xf]',
      '[r0xf][d0xf]xpsnr=stats_file=/t/x-0.log:shortest=1[o0x]',
    ]);
    expect(g.outputs).toEqual(['o0x']);
  });

  it('beside the other metrics: its own leg "x", distinct from v, p and s', () => {
    const g = oneGraph(
      spec({ pairs: [pair(0, { logs: { ...pair(0).logs, xpsnr: '/t/x-0.log' } })] }),
    );
    expect(g.graph).toContain('split=4[r0v][r0p][r0s][r0x]');
    expect(g.graph).toContain('split=4[d0v][d0p][d0s][d0x]');
    expect(g.outputs).toEqual(['o0v', 'o0p', 'o0s', 'o0x']);
  });

  it('subsample: no select before xpsnr (the run keeps every n-th line instead)', () => {
    const g = oneGraph(
      spec({ subsample: 3, pairs: [pair(0, { logs: { ...pair(0).logs, xpsnr: '/t/x.log' } })] }),
    );
    expect(g.graph).toContain('[d0p]select=');
    expect(g.graph).not.toMatch(/\[[rd]0x\]select/);
    expect(g.graph).toContain('[r0x]fps=24/1[r0xf];[d0x]fps=24/1[d0xf];[r0xf][d0xf]xpsnr=');
  });

  it('a converted leg keeps its rate unless a trim (with setpts) follows its fps filter', () => {
    const converted = oneGraph(
      spec({ vmaf: null, frameRate: '30000/1001', pairs: [xpsnrOnly({ timing: 'convert' })] }),
    );
    expect(converted.graph).toContain('fps=30000/1001,scale=');
    expect(converted.graph).not.toContain('[d0x]fps');
    expect(converted.graph).toContain('[r0x]fps=30000/1001[r0xf];[r0xf][d0x]xpsnr=');

    const trimmed = oneGraph(
      spec({ vmaf: null, startFrame: 10, frames: 20, pairs: [xpsnrOnly({ timing: 'convert' })] }),
    );
    expect(trimmed.graph).toContain('[d0x]fps=24/1[d0xf]');
    expect(trimmed.graph).toContain('[r0x]fps=24/1[r0xf]');

    const refConverted = oneGraph(
      spec({ vmaf: null, reference: { streamIndex: 0, timing: 'convert' }, pairs: [xpsnrOnly()] }),
    );
    expect(refConverted.graph).toContain('[r0x][d0xf]xpsnr=');
  });

  it('refuses to build XPSNR without a frame rate (the plan never asks for it)', () => {
    expect(() => oneGraph(spec({ vmaf: null, frameRate: null, pairs: [xpsnrOnly()] }))).toThrow(
      /frame rate/,
    );
  });

  it('writes only numbers where numbers go: a rate or stream index that is not one is refused', () => {
    const rate = '25:round=up';
    expect(() => oneGraph(spec({ vmaf: null, frameRate: rate, pairs: [xpsnrOnly()] }))).toThrow(
      /not a frame rate/,
    );
    expect(() => oneGraph(spec({ pairs: [pair(0, { streamIndex: 1.5 })] }))).toThrow(/streamIndex/);
    expect(() => oneGraph(spec({ reference: { ...spec().reference, streamIndex: -1 } }))).toThrow(
      /referenceStream/,
    );
  });
});

describe('score command', () => {
  it('several distorted videos: one -filter_complex each, then every output mapped', () => {
    const graphs = buildScoreGraph(spec({ pairs: [pair(0), pair(1)] }));
    const input = { path: '/x.mp4', raw: null, rate: '24/1' };
    const args = buildScoreArgs([input, input, input], graphs);
    const at = args.indexOf('-filter_complex');
    expect(args.slice(at)).toEqual([
      '-filter_complex',
      graphs[0]!.graph,
      '-filter_complex',
      graphs[1]!.graph,
      ...['o0v', 'o0p', 'o0s', 'o1v', 'o1p', 'o1s'].flatMap((o) => ['-map', `[${o}]`]),
      '-f',
      'null',
      '-',
    ]);
  });

  it('forces the reference rate before each -i, maps every output to null, progress on stdout', () => {
    const g = oneGraph(spec());
    const args = buildScoreArgs(
      [
        { path: '/d.mp4', raw: null, rate: '24/1' },
        {
          path: '/r.yuv',
          raw: { width: 576, height: 324, pixFmt: 'yuv420p', fps: 24 },
          rate: '24/1',
        },
      ],
      [g],
    );
    expect(args.slice(0, 7)).toEqual([
      '-hide_banner',
      '-nostdin',
      '-nostats',
      '-loglevel',
      'error',
      '-progress',
      'pipe:1',
    ]);
    expect(args.join(' ')).toContain(
      '-r 24/1 -i file:/d.mp4 -f rawvideo -video_size 576x324 -pixel_format yuv420p -framerate 24 -r 24/1 -i file:/r.yuv',
    );
    expect(args[args.indexOf('-filter_complex') + 1]).toBe(g.graph);
    expect(args.slice(-9)).toEqual([
      '-map',
      '[o0v]',
      '-map',
      '[o0p]',
      '-map',
      '[o0s]',
      '-f',
      'null',
      '-',
    ]);
  });
});

describe('matched legs (frames paired by their pictures)', () => {
  it('picks each leg’s frames by number and stamps them by position', () => {
    const g = oneGraph(
      spec({
        pairs: [pair(0, { matched: { ref: [7, 8, 9, 10], dist: [0, 1, 2, 3] }, trimFrames: 3 })],
        startFrame: 5,
        frames: 2,
      }),
    ).graph;
    // The range and the trims do not apply: the pairs are already cut to it.
    expect(g).not.toContain('trim=');
    expect(g).toContain('[1:0]select=between(n\\,7\\,10),settb=AVTB,setpts=(N)/(24/1)/TB,');
    expect(g).toContain('[0:0]select=between(n\\,0\\,3),settb=AVTB,setpts=(N)/(24/1)/TB,');
    expect(g).not.toContain('fps=');
  });

  it('repeats a held frame with fps (its later positions), and clones trailing ones with tpad', () => {
    const held = oneGraph(
      spec({ pairs: [pair(0, { matched: { ref: [0, 1, 2, 3, 4], dist: [0, 1, 1, 1, 2] } })] }),
    ).graph;
    expect(held).toContain('setpts=(N+gte(N\\,2)*2)/(24/1)/TB,fps=24/1');
    expect(held).not.toContain('tpad');
    const trailing = oneGraph(
      spec({ pairs: [pair(0, { matched: { ref: [0, 1, 2, 3], dist: [0, 1, 1, 1] } })] }),
    ).graph;
    expect(trailing).toContain('fps=24/1,tpad=stop_mode=clone:stop=2');
  });

  it('writes a rate conversion’s frames as one pattern, and refuses pairs that go back', () => {
    const shown = [...Array(500).keys()].map((j) => Math.floor(j * 1.2 + 0.5));
    const sel = selectFrames(shown);
    expect(sel.length).toBeLessThan(80);
    expect(sel).toMatch(/^select=between\(n\\,0\\,599\)\*/);
    expect(() =>
      buildScoreGraph(spec({ pairs: [pair(0, { matched: { ref: [3, 2], dist: [0, 1] } })] })),
    ).toThrow(/goes back/);
    expect(() =>
      buildScoreGraph(spec({ pairs: [pair(0, { matched: { ref: [1, 2], dist: [0] } })] })),
    ).toThrow(/one length/);
  });

  it('keeps exactly the frames asked for in a real ffmpeg, however irregular', () => {
    // Frames at random steps of 1 to 3 of a 300-frame clip: patterns down a tree of ifs.
    const rnd = seededRandom(3);
    const frames: number[] = [];
    for (let f = 0; f < 300; f += 1 + Math.floor(rnd() * 3)) frames.push(f);
    const select = selectFrames(frames);
    expect(select).toContain('if(lt(n');
    const r = spawnSync(
      requiredTool('ffmpeg'),
      [
        ...['-hide_banner', '-nostats', '-loglevel', 'info'],
        ...['-f', 'lavfi', '-i', 'testsrc2=s=64x36:r=25:d=12'],
        // The select as the graph writes it (escaped for the graph level).
        ...['-filter_complex', `[0:v]${select},showinfo[o]`, '-map', '[o]', '-f', 'null', '-'],
      ],
      { encoding: 'utf8' },
    );
    expect(r.status, r.stderr).toBe(0);
    // showinfo prints each frame that passed with its timestamp: the frame number at 1/25 s.
    const passed = [...r.stderr.matchAll(/\] n:\s*\d+ pts:\s*(\d+)/g)].map((m) => Number(m[1]));
    expect(passed).toEqual(frames);
  });

  it('refuses a match too irregular for one graph, saying what to do', () => {
    // A frame held at every other position: thousands of holds.
    const ref = [...Array(6000).keys()];
    const dist = ref.map((r) => r - (r % 2));
    expect(() => buildScoreGraph(spec({ pairs: [pair(0, { matched: { ref, dist } })] }))).toThrow(
      /too irregular to score in one ffmpeg graph/,
    );
  });

  it('crops each picture to its box before the scale, at the pair’s own size', () => {
    const g = oneGraph(
      spec({
        pairs: [
          pair(0, {
            crop: {
              distorted: { x: 0, y: 22, width: 320, height: 136 },
              reference: null,
              width: 320,
              height: 180,
            },
          }),
        ],
      }),
    ).graph;
    expect(g).toContain('crop=320:136:0:22,scale=320:180:flags=bicubic');
    expect(() =>
      buildScoreGraph(
        spec({
          pairs: [
            pair(0, {
              crop: {
                distorted: { x: 0.5, y: 0, width: 10, height: 10 },
                reference: null,
                width: 10,
                height: 10,
              },
            }),
          ],
        }),
      ),
    ).toThrow(/whole number/);
  });
});

describe('graphs read from files', () => {
  it('passes a graph in its file with the option the build reads, the others inline', () => {
    const graphs = [
      { graph: '[0:0]null[o0]', outputs: ['o0'] },
      { graph: '[1:0]null[o1]', outputs: ['o1'] },
    ];
    const inputs = [{ path: '/a.mp4', raw: null, rate: null }];
    const args = buildScoreArgs(inputs, graphs, [
      null,
      { path: '/w/graph-1.txt', option: '-filter_complex_script' },
    ]);
    expect(args.join(' ')).toContain(
      '-filter_complex [0:0]null[o0] -filter_complex_script /w/graph-1.txt -map [o0] -map [o1]',
    );
  });
});
