import { describe, expect, it } from 'vitest';
import {
  ANALYSIS_CSV_COLUMNS,
  analysisCsv,
  analysisJson,
  rdQualityOf,
  type RdRendition,
} from './analysis';
import {
  ladderQualityProblem,
  rdQualityDirection,
  rdQualityTitle,
  RD_QUALITIES,
  RD_QUALITY_LABELS,
} from './rd/quality';
import { parseRdCsv } from './rd';

function point(p: Partial<RdRendition> & { renditionId: string; bitrate: number }): RdRendition {
  return {
    scoreResultId: `s-${p.renditionId}`,
    batchId: 'b1',
    jobId: 'j1',
    ladderId: 'l1',
    ladderName: 'My ladder',
    rungId: 'r',
    label: 'r',
    encoder: 'libx264',
    width: 640,
    height: 360,
    rateControl: 'CRF 23',
    preset: 'medium',
    rateMode: 'crf',
    sizeBytes: 1000,
    metrics: {
      vmafMean: 80,
      vmafHmean: 79.5,
      vmafP5: 70,
      psnr: 38,
      psnrY: 37,
      ssim: 0.97,
      msSsim: 0.98,
      xpsnr: 39.5,
      cambi: 1.25,
    },
    createdAt: '2026-01-01T00:00:00.000Z',
    stale: null,
    ...p,
  };
}

describe('analysisCsv', () => {
  it('writes a header and one row per rendition, quality = VMAF mean, bitrate in bits/s', () => {
    const csv = analysisCsv([
      point({ renditionId: 'a', bitrate: 500_000 }),
      point({
        renditionId: 'b',
        bitrate: 1_200_000,
        metrics: {
          vmafMean: 90.25,
          vmafHmean: 90,
          vmafP5: 85,
          psnr: 40,
          psnrY: 39,
          ssim: 0.98,
          msSsim: 0.99,
          xpsnr: 41,
          cambi: 0.5,
        },
      }),
    ]);
    const lines = csv.split('\n');
    expect(lines[0]).toBe(ANALYSIS_CSV_COLUMNS.join(','));
    // The series columns are named as in the per-frame CSV and the database (SERIES_COLUMNS).
    expect(lines[0]).toBe(
      'rendition_id,label,ladder,encoder,width,height,rate_control,bitrate,size_bytes,quality,' +
        'vmaf_mean,vmaf_hmean,vmaf_p5,psnr,psnr_y,ssim,ms_ssim,xpsnr_y,cambi,' +
        'score_result_id,batch_id,created_at',
    );
    expect(lines[1]).toBe(
      'a,r,My ladder,libx264,640,360,CRF 23,500000,1000,80,80,79.5,70,38,37,0.97,0.98,39.5,1.25,s-a,b1,2026-01-01T00:00:00.000Z',
    );
    expect(csv.endsWith('\n')).toBe(true);
    expect(parseRdCsv(csv)).toEqual([
      { bitrate: 500_000, quality: 80 },
      { bitrate: 1_200_000, quality: 90.25 },
    ]);
  });

  it('quotes text with commas or quotes, and leaves missing figures empty', () => {
    const csv = analysisCsv([
      point({
        renditionId: 'a',
        bitrate: 300_000,
        ladderName: 'HLS, "tall"',
        rateControl: 'ABR 2000k (max 3000k, buf 4000k)',
        metrics: {
          vmafMean: null,
          vmafHmean: null,
          vmafP5: null,
          psnr: 35,
          psnrY: 34,
          ssim: null,
          msSsim: null,
          xpsnr: null,
          cambi: null,
        },
      }),
      point({ renditionId: 'b', bitrate: 400_000, ladderName: null }),
    ]);
    const [, a, b] = csv.split('\n');
    expect(a).toBe(
      'a,r,"HLS, ""tall""",libx264,640,360,"ABR 2000k (max 3000k, buf 4000k)",300000,1000,,,,,35,34,,,,,s-a,b1,2026-01-01T00:00:00.000Z',
    );
    expect(b!.split(',')[2]).toBe('');
  });
});

describe('analysisJson and quality figures', () => {
  it('carries the points as they are, with the unit of bitrate', () => {
    const data = { sourceId: 'src', points: [point({ renditionId: 'a', bitrate: 1 })] };
    expect(JSON.parse(analysisJson(data, { fileName: 'clip.mp4' }))).toEqual({
      sourceId: 'src',
      source: 'clip.mp4',
      bitrateUnit: 'bit/s',
      renditions: data.points,
    });
  });

  it('reads each quality figure from the matching metric, labelled', () => {
    const p = point({ renditionId: 'a', bitrate: 1 });
    expect(RD_QUALITIES.map((q) => rdQualityOf(p, q))).toEqual([
      80, 79.5, 70, 37, 38, 0.97, 0.98, 39.5, 1.25,
    ]);
    for (const q of RD_QUALITIES) expect(RD_QUALITY_LABELS[q]).toBeTruthy();
  });

  it('says CAMBI is lower-is-better and no ladder target; every other figure is higher-is-better', () => {
    expect(RD_QUALITIES.filter((q) => rdQualityDirection(q) === 'lower')).toEqual(['cambi']);
    // The plain name in text ("CAMBI cannot pick a ladder"); axis titles and pickers say which way.
    expect(RD_QUALITY_LABELS.cambi).toBe('CAMBI');
    expect(rdQualityTitle('cambi')).toBe('CAMBI (lower is better)');
    expect(rdQualityTitle('vmafMean')).toBe(RD_QUALITY_LABELS.vmafMean);
    expect(ladderQualityProblem('cambi')).toMatch(/^CAMBI cannot pick a ladder: .*a blurred rung/);
    expect(ladderQualityProblem('cambi')).not.toMatch(/blocky/);
    for (const q of RD_QUALITIES.filter((x) => x !== 'cambi')) {
      expect(ladderQualityProblem(q)).toBeNull();
    }
  });
});
