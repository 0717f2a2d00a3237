import { describe, expect, it } from 'vitest';
import type { ModelUsed } from '../../../shared/score';
import { escapeGraphLevel, escapeOptionLevel, filterValue, libvmafDictValue } from './escape';
import {
  buildScoreArgs,
  buildScoreGraph,
  libvmafFilter,
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
    logs: { vmaf: `/t/vmaf-${i}.json`, psnr: `/t/psnr-${i}.log`, ssim: `/t/ssim-${i}.log` },
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
    const g = buildScoreGraph(spec());
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

  it('several distorted videos share one decoded reference (split once per pair)', () => {
    const g = buildScoreGraph(spec({ pairs: [pair(0), pair(1), pair(2, { streamIndex: 1 })] }));
    const parts = g.graph.split(';');
    expect(parts[0]).toBe(
      '[3:0]settb=AVTB,setpts=PTS-STARTPTS,scale=1920:1080:flags=bicubic,format=yuv420p,split=3[r0][r1][r2]',
    );
    expect(parts.filter((p) => p.startsWith('[3:'))).toHaveLength(1);
    expect(g.graph).toContain('[2:1]settb=AVTB');
    expect(g.outputs).toHaveLength(9);
  });

  it('only PSNR: no split, no libvmaf', () => {
    const g = buildScoreGraph(
      spec({
        vmaf: null,
        pairs: [pair(0, { logs: { vmaf: null, psnr: '/t/p.log', ssim: null } })],
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
    const g = buildScoreGraph(spec({ pixFmt: 'yuv420p10le', vmafPixFmt: 'yuv420p' }));
    expect(g.graph).toContain('format=yuv420p10le,split=3[d0v][d0p][d0s]');
    expect(g.graph).toContain(
      '[d0v]format=yuv420p[d0v8];[r0v]format=yuv420p[r0v8];[d0v8][r0v8]libvmaf=',
    );
    expect(g.graph).toContain('[d0p][r0p]psnr=');
  });

  it('subsample: libvmaf n_subsample, the same frames selected for psnr/ssim', () => {
    const g = buildScoreGraph(spec({ subsample: 4 }));
    expect(g.graph).toContain(':n_subsample=4:');
    expect(g.graph).toContain(
      '[d0p]select=not(mod(n\\,4))[d0pn];[r0p]select=not(mod(n\\,4))[r0pn]',
    );
    expect(g.graph).toContain('[d0s]select=not(mod(n\\,4))[d0sn]');
    expect(g.graph).not.toContain('[d0v]select');
  });

  it('frame range on every leg; the overlap trims the pair further', () => {
    const g = buildScoreGraph(
      spec({ startFrame: 48, frames: 100, pairs: [pair(0, { trimFrames: 60 })] }),
    );
    expect(g.graph).toContain(
      'setpts=PTS-STARTPTS,trim=start_frame=48:end_frame=148,setpts=PTS-STARTPTS,scale',
    );
    expect(g.graph).toContain('[r0]trim=end_frame=60,split=3');
    expect(g.graph).toContain(
      '[0:0]settb=AVTB,setpts=PTS-STARTPTS,trim=start_frame=48:end_frame=108,',
    );
  });

  it('chosen fixes: fps conversion, range and matrix conversion on the distorted leg', () => {
    const g = buildScoreGraph(
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
    const forced = buildScoreGraph(spec({ pairs: [pair(0, { forceRange: 'tv' })] }));
    expect(forced.graph).toContain('flags=bicubic:in_range=tv:out_range=tv');
  });

  it('log paths are escaped for the filtergraph', () => {
    const g = buildScoreGraph(
      spec({
        pairs: [pair(0, { logs: { vmaf: null, psnr: "/t/a b:c,d'e/p.log", ssim: null } })],
        vmaf: null,
      }),
    );
    // Level 1: /t/a\ b\:c,d\'e/p.log; level 2 doubles the backslashes, escapes space , and '.
    expect(g.graph).toContain("psnr=stats_file=/t/a\\\\\\ b\\\\:c\\,d\\\\\\'e/p.log:shortest=1");
  });
});

describe('score command', () => {
  it('forces the reference rate before each -i, maps every output to null, progress on stdout', () => {
    const g = buildScoreGraph(spec());
    const args = buildScoreArgs(
      [
        { url: 'file:/d.mp4', raw: null, rate: '24/1' },
        {
          url: 'file:/r.yuv',
          raw: { width: 576, height: 324, pixFmt: 'yuv420p', fps: 24 },
          rate: '24/1',
        },
      ],
      g,
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
