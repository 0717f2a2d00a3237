import { describe, expect, it } from 'vitest';
import {
  filtersOfInterest,
  libvmafApiFromOptions,
  majorFromLibavutil,
  parseEncoders,
  parseFilterOptions,
  parseFilters,
  parseVersion,
} from './parse';

// Excerpts captured on the dev machine from Debian's /usr/bin/ffmpeg 5.1 and from the static build
// in npm @ffmpeg-installer/linux-x64 (a git snapshot between ffmpeg 4.1 and 4.2, libvmaf 1.3.7).

const DEBIAN_VERSION = `ffmpeg version 5.1.9-0+deb12u1 Copyright (c) 2000-2026 the FFmpeg developers
built with gcc 12 (Debian 12.2.0-14+deb12u1)
configuration: --prefix=/usr --extra-version=0+deb12u1 --toolchain=hardened --enable-libsvtav1
libavutil      57. 28.100 / 57. 28.100
libavcodec     59. 37.100 / 59. 37.100
libavformat    59. 27.100 / 59. 27.100
`;

const INSTALLER_VERSION = `ffmpeg version N-47683-g0e8eb07980-static https://johnvansickle.com/ffmpeg/  Copyright (c) 2000-2018 the FFmpeg developers
built with gcc 6.3.0 (Debian 6.3.0-18+deb9u1) 20170516
configuration: --enable-gpl --enable-version3 --enable-static --enable-libvmaf --enable-libx264
libavutil      56. 24.101 / 56. 24.101
libavcodec     58. 42.100 / 58. 42.100
`;

const FFPROBE_INSTALLER_VERSION = `ffprobe version N-66595-gc2b38619c0-static https://johnvansickle.com/ffmpeg/  Copyright (c) 2007-2023 the FFmpeg developers
built with gcc 8 (Debian 8.3.0-6)
libavutil      58. 14.100 / 58. 14.100
`;

const DEBIAN_ENCODERS = `Encoders:
 V..... = Video
 A..... = Audio
 S..... = Subtitle
 .F.... = Frame-level multithreading
 ..S... = Slice-level multithreading
 ...X.. = Codec is experimental
 ....B. = Supports draw_horiz_band
 .....D = Supports direct rendering method 1
 ------
 V....D a64multi             Multicolor charset for Commodore 64 (codec a64_multi)
 V..... alias_pix            Alias/Wavefront PIX image
 V....D libaom-av1           libaom AV1 (codec av1)
 V..... libsvtav1            SVT-AV1(Scalable Video Technology for AV1) encoder (codec av1)
 V....D libx264              libx264 H.264 / AVC / MPEG-4 AVC / MPEG-4 part 10 (codec h264)
 V....D h264_nvenc           NVIDIA NVENC H.264 encoder (codec h264)
 V..... h264_qsv             H.264 / AVC / MPEG-4 AVC / MPEG-4 part 10 (Intel Quick Sync Video acceleration) (codec h264)
 V....D libx265              libx265 H.265 / HEVC (codec hevc)
 V....D libvpx-vp9           libvpx VP9 (codec vp9)
 A..... aac                  AAC (Advanced Audio Coding)
 S..... ssa                  ASS (Advanced SubStation Alpha) subtitle (codec ass)
`;

const INSTALLER_ENCODERS = `Encoders:
 V..... = Video
 A..... = Audio
 S..... = Subtitle
 .F.... = Frame-level multithreading
 ..S... = Slice-level multithreading
 ...X.. = Codec is experimental
 ....B. = Supports draw_horiz_band
 .....D = Supports direct rendering method 1
 ------
 V..... a64multi             Multicolor charset for Commodore 64 (codec a64_multi)
 V..X.. libaom-av1           libaom AV1 (codec av1)
 V..X.. avui                 Avid Meridien Uncompressed
 V..... libx264              libx264 H.264 / AVC / MPEG-4 AVC / MPEG-4 part 10 (codec h264)
 V..... libvpx-vp9           libvpx VP9 (codec vp9)
 A..... aac                  AAC (Advanced Audio Coding)
`;

const DEBIAN_FILTERS = `Filters:
  T.. = Timeline support
  .S. = Slice threading
  ..C = Command support
  A = Audio input/output
  V = Video input/output
  N = Dynamic number and/or type of input/output
  | = Source or sink filter
 ... abench            A->A       Benchmark part of a filtergraph.
 ... asplit            A->N       Pass on the audio input to N audio outputs.
 TS. psnr              VV->V      Calculate the PSNR between two video streams.
 ..C scale             V->V       Scale the input video size and/or convert the image format.
 ... split             V->N       Pass on the input to N video outputs.
 TS. ssim              VV->V      Calculate the SSIM between two video streams.
 ... vmafmotion        V->V       Calculate the VMAF Motion score.
 .SC zscale            V->V       Apply resizing, colorspace and bit depth conversion.
 ..C movie             |->N       Read from a movie source.
 ... buffer            |->V       Buffer video frames, and make them accessible to the filterchain.
`;

const INSTALLER_FILTERS = `Filters:
  T.. = Timeline support
  .S. = Slice threading
  ..C = Command support
  A = Audio input/output
  V = Video input/output
  N = Dynamic number and/or type of input/output
  | = Source or sink filter
 ... abench            A->A       Benchmark part of a filtergraph.
 ... libvmaf           VV->V      Calculate the VMAF between two video streams.
 ... psnr              VV->V      Calculate the PSNR between two video streams.
 ..C scale             V->V       Scale the input video size and/or convert the image format.
 ... ssim              VV->V      Calculate the SSIM between two video streams.
`;

const INSTALLER_LIBVMAF_HELP = `Filter libvmaf
  Calculate the VMAF between two video streams.
    Inputs:
       #0: main (video)
       #1: reference (video)
    Outputs:
       #0: default (video)
libvmaf AVOptions:
  model_path        <string>     ..FV..... Set the model to be used for computing vmaf. (default "/usr/local/share/model/vmaf_v0.6.1.pkl")
  log_path          <string>     ..FV..... Set the file path to be used to store logs.
  log_fmt           <string>     ..FV..... Set the format of the log (xml or json).
  enable_transform  <boolean>    ..FV..... Enables transform for computing vmaf. (default false)
  phone_model       <boolean>    ..FV..... Invokes the phone model that will generate higher VMAF scores. (default false)
  psnr              <boolean>    ..FV..... Enables computing psnr along with vmaf. (default false)
  ssim              <boolean>    ..FV..... Enables computing ssim along with vmaf. (default false)
  ms_ssim           <boolean>    ..FV..... Enables computing ms-ssim along with vmaf. (default false)
  pool              <string>     ..FV..... Set the pool method to be used for computing vmaf.
  n_threads         <int>        ..FV..... Set number of threads to be used when computing vmaf. (from 0 to UINT32_MAX) (default 0)
  n_subsample       <int>        ..FV..... Set interval for frame subsampling used when computing vmaf. (from 1 to UINT32_MAX) (default 1)
  enable_conf_interval <boolean>    ..FV..... Enables confidence interval. (default false)

framesync AVOptions:
  eof_action        <int>        ..FV..... Action to take when encountering EOF from secondary input  (from 0 to 2) (default repeat)
     repeat                       ..FV..... Repeat the previous frame.
     endall                       ..FV..... End both streams.
     pass                         ..FV..... Pass through the main input.
  shortest          <boolean>    ..FV..... force termination when the shortest input terminates (default false)
`;

// Not captured (no libvmaf-2 build on the dev machine): the shape ffmpeg prints, with the option
// names of ffmpeg 5.1's vf_libvmaf.c, where `model` arrived and `model_path` became deprecated.
const LIBVMAF2_HELP = `Filter libvmaf
  Calculate the VMAF between two video streams.
libvmaf AVOptions:
   model_path        <string>     ..FV.....P Set the model to be used for computing vmaf.
   log_path          <string>     ..FV....... Set the file path to be used to write log.
   log_fmt           <string>     ..FV....... Set the format of the log (csv, json, xml, or sub). (default "xml")
   pool              <string>     ..FV....... Set the pool method to be used for computing vmaf.
   n_threads         <int>        ..FV....... Set number of threads to be used when computing vmaf. (from 0 to UINT32_MAX) (default 0)
   model             <string>     ..FV....... Set the model to be used for computing vmaf. (default "version=vmaf_v0.6.1")
   feature           <string>     ..FV....... Set the feature to be used for computing vmaf.

framesync AVOptions:
`;

describe('parseVersion', () => {
  it('reads a Debian release version and its major', () => {
    expect(parseVersion(DEBIAN_VERSION)).toEqual({
      program: 'ffmpeg',
      version: '5.1.9-0+deb12u1',
      major: 5,
    });
  });

  it('reads short and tagged release versions', () => {
    expect(parseVersion('ffmpeg version 4.1 Copyright (c) 2000-2018')).toEqual({
      program: 'ffmpeg',
      version: '4.1',
      major: 4,
    });
    expect(parseVersion('ffmpeg version 5.1.8-0+deb12u1 Copyright').version).toBe(
      '5.1.8-0+deb12u1',
    );
    expect(parseVersion('ffmpeg version n6.1.1 Copyright').major).toBe(6);
    expect(parseVersion('ffmpeg version 7.0-static https://johnvansickle.com/').major).toBe(7);
  });

  it('gives no major for git and dated builds', () => {
    expect(parseVersion(INSTALLER_VERSION)).toEqual({
      program: 'ffmpeg',
      version: 'N-47683-g0e8eb07980-static',
      major: null,
    });
    expect(
      parseVersion('ffmpeg version 2023-03-05-git-912ac82a3c-full_build Copyright').major,
    ).toBe(null);
  });

  it('tells ffprobe from ffmpeg and rejects other programs', () => {
    expect(parseVersion(FFPROBE_INSTALLER_VERSION).program).toBe('ffprobe');
    expect(parseVersion('ls (GNU coreutils) 9.1')).toEqual({
      program: null,
      version: null,
      major: null,
    });
  });
});

describe('majorFromLibavutil', () => {
  it('maps the libavutil series to the ffmpeg series', () => {
    expect(majorFromLibavutil(DEBIAN_VERSION)).toBe(5);
    expect(majorFromLibavutil(INSTALLER_VERSION)).toBe(4);
    expect(majorFromLibavutil(FFPROBE_INSTALLER_VERSION)).toBe(6);
    expect(majorFromLibavutil('ffmpeg version x')).toBe(null);
  });
});

describe('parseEncoders', () => {
  it('keeps every video encoder, below the legend only', () => {
    expect(parseEncoders(DEBIAN_ENCODERS)).toEqual([
      'a64multi',
      'alias_pix',
      'libaom-av1',
      'libsvtav1',
      'libx264',
      'h264_nvenc',
      'h264_qsv',
      'libx265',
      'libvpx-vp9',
    ]);
  });

  it('reads experimental flags of older builds', () => {
    expect(parseEncoders(INSTALLER_ENCODERS)).toEqual([
      'a64multi',
      'libaom-av1',
      'avui',
      'libx264',
      'libvpx-vp9',
    ]);
  });
});

describe('parseFilters', () => {
  it('reads every filter row and none of the legend', () => {
    const all = parseFilters(DEBIAN_FILTERS);
    expect(all).toEqual([
      'abench',
      'asplit',
      'psnr',
      'scale',
      'split',
      'ssim',
      'vmafmotion',
      'zscale',
      'movie',
      'buffer',
    ]);
  });

  it('keeps the filters of interest in their listed order', () => {
    expect(filtersOfInterest(parseFilters(DEBIAN_FILTERS))).toEqual([
      'psnr',
      'ssim',
      'vmafmotion',
      'scale',
      'zscale',
      'split',
    ]);
    expect(filtersOfInterest(parseFilters(INSTALLER_FILTERS))).toEqual([
      'libvmaf',
      'psnr',
      'ssim',
      'scale',
    ]);
  });
});

describe('libvmaf options and API generation', () => {
  it('reads only the libvmaf section (not framesync, not enum values)', () => {
    const opts = parseFilterOptions(INSTALLER_LIBVMAF_HELP, 'libvmaf');
    expect(opts).toContain('model_path');
    expect(opts).toContain('enable_conf_interval');
    expect(opts).not.toContain('eof_action');
    expect(opts).not.toContain('repeat');
    expect(opts).toHaveLength(12);
  });

  it('says api 1 for the libvmaf 1.x filter and api 2 when `model` exists', () => {
    expect(libvmafApiFromOptions(parseFilterOptions(INSTALLER_LIBVMAF_HELP, 'libvmaf'))).toBe(1);
    expect(libvmafApiFromOptions(parseFilterOptions(LIBVMAF2_HELP, 'libvmaf'))).toBe(2);
    expect(libvmafApiFromOptions(parseFilterOptions("Unknown filter 'libvmaf'.", 'libvmaf'))).toBe(
      null,
    );
  });
});
