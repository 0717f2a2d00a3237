import { describe, expect, it } from 'vitest';
import { decodeSeriesValue, encodeSeriesValue, projectProblems, type ProjectFile } from './project';

const media = {
  path: '/m/a.mp4',
  fileName: 'a.mp4',
  container: 'mp4',
  sizeBytes: 10,
  video: { codec: 'h264', width: 320, height: 240, pixFmt: 'yuv420p' },
  audio: [],
};

/** A small valid project: one source, one batch, one job, one rendition, one scored result. */
function project(): ProjectFile {
  return {
    format: 'vq-studio-project',
    version: 1,
    exportedAt: '2026-01-01T00:00:00.000Z',
    app: { version: '0.1.0' },
    sources: [
      {
        id: 's1',
        path: '/m/a.mp4',
        fileName: 'a.mp4',
        sizeBytes: 10,
        mtimeMs: 1,
        addedAt: 't',
        media,
        raw: null,
      },
    ],
    ladders: [],
    batches: [
      {
        id: 'b1',
        sourceId: 's1',
        ladder: null,
        outDir: '/out',
        decodeOnce: true,
        skipped: [],
        createdAt: 't',
      },
    ],
    jobs: [
      {
        id: 'j1',
        batchId: 'b1',
        kind: 'encode',
        status: 'done',
        rungIds: ['r'],
        plan: { kind: 'encode' },
        dependsOn: null,
        queueOrder: 1,
        attempts: 1,
        createdAt: 't',
        startedAt: 't',
        finishedAt: 't',
        binary: '/bin/ffmpeg',
        commands: [['ffmpeg']],
        stderrTail: null,
        error: null,
        encodeSeconds: 1,
      },
    ],
    renditions: [
      {
        id: 'r1',
        sourceId: 's1',
        batchId: 'b1',
        jobId: 'j1',
        rungId: 'r',
        rung: { id: 'r', encoder: 'libx264', rateControl: { mode: 'crf', crf: 23 } },
        path: '/out/r.mp4',
        encoder: 'libx264',
        width: 160,
        height: 120,
        bitrateKbps: 100,
        sizeBytes: 5,
        mtimeMs: null,
        encodeSeconds: 1,
        command: [['ffmpeg']],
        media: { ...media, path: '/out/r.mp4', fileName: 'r.mp4' },
        createdAt: 't',
      },
    ],
    scoreRuns: [
      {
        id: 'u1',
        jobId: null,
        referenceId: 's1',
        referencePath: '/m/a.mp4',
        command: ['ffmpeg'],
        ffmpeg: { path: '/bin/ffmpeg', version: '4.1' },
        model: null,
        startedAt: 't',
        durationMs: 5,
      },
    ],
    scoreResults: [
      {
        id: 'x1',
        runId: 'u1',
        referenceId: 's1',
        target: { kind: 'rendition', id: 'r1' },
        path: '/out/r.mp4',
        label: 'r',
        encoder: 'libx264',
        width: 160,
        height: 120,
        bitrateKbps: 100,
        frames: 2,
        frameNumbers: [0, 1],
        series: { psnr: [40.5, 'inf'], vmaf: [null, 90] },
        pooled: {},
        warnings: [],
        unavailable: [],
        preflight: [],
        fixes: [],
        alignment: { width: 320, height: 240 },
        model: null,
        createdAt: 't',
      },
    ],
  };
}

describe('per-frame values in JSON', () => {
  it('keeps NaN and ±Infinity apart from numbers, both ways', () => {
    const values = [0, -1.5, 99.123456789012, Infinity, -Infinity, Number.NaN];
    const encoded = values.map(encodeSeriesValue);
    expect(encoded).toEqual([0, -1.5, 99.123456789012, 'inf', '-inf', null]);
    const back = JSON.parse(JSON.stringify(encoded)).map(decodeSeriesValue);
    expect(back.slice(0, 5)).toEqual(values.slice(0, 5));
    expect(Number.isNaN(back[5])).toBe(true);
  });
});

describe('projectProblems', () => {
  it('accepts a consistent project', () => {
    expect(projectProblems(project())).toEqual([]);
  });

  it('names missing and mistyped fields, and unknown keys', () => {
    const p = project() as unknown as Record<string, unknown[]>;
    delete (p.sources![0] as Record<string, unknown>).fileName;
    (p.renditions![0] as Record<string, unknown>).width = 'wide';
    (p.jobs![0] as Record<string, unknown>).status = 'paused';
    (p.batches![0] as Record<string, unknown>).extra = 1;
    const problems = projectProblems(p);
    expect(problems).toContain('sources.0.fileName: missing (expected string)');
    expect(problems.some((m) => m.startsWith('renditions.0.width: '))).toBe(true);
    expect(problems.some((m) => m.startsWith('jobs.0.status: '))).toBe(true);
    expect(problems.some((m) => m.includes('extra'))).toBe(true);
  });

  it('refuses a wrong format tag and another version', () => {
    expect(projectProblems({ ...project(), format: 'x' })[0]).toMatch(
      /^format: not a VQ Studio project/,
    );
    expect(projectProblems({ ...project(), version: 3 })[0]).toMatch(
      /^version: version 3 is not supported/,
    );
  });

  it('finds references that do not resolve, duplicates and series of the wrong length', () => {
    const p = project();
    p.scoreResults[0]!.target.id = 'gone';
    p.renditions[0]!.jobId = 'j9';
    p.batches.push({ ...p.batches[0]! });
    p.renditions.push({ ...p.renditions[0]!, id: 'r2' });
    p.scoreResults[0]!.series.ssim = [1];
    expect(projectProblems(p)).toEqual([
      'batches.1.id: "b1" appears twice',
      'renditions.1.path: "/out/r.mp4" is also the path of renditions.0.path',
      'renditions.0.jobId: job "j9" is not in the file',
      'renditions.1.jobId: job "j9" is not in the file',
      'scoreResults.0.target.id: rendition "gone" is not in the file',
      'scoreResults.0.series.ssim: 1 values for 2 frames',
    ]);
  });

  it('checks recorded file identities strictly: whole numbers from 0, the hash format scoring writes', () => {
    const hash = `p1:${'0a'.repeat(32)}`;
    const p = project();
    p.scoreRuns[0]!.referenceIdentity = { sizeBytes: 10, mtimeMs: 1_700_000_000_000, hash };
    p.scoreResults[0]!.identity = { sizeBytes: 0, mtimeMs: 0, hash };
    expect(projectProblems(p)).toEqual([]);
    const bad = (identity: unknown): string[] => {
      const q = project();
      (q.scoreResults[0] as Record<string, unknown>).identity = identity;
      return projectProblems(q);
    };
    expect(bad({ sizeBytes: -1, mtimeMs: 0, hash })[0]).toMatch(
      /^scoreResults\.0\.identity\.sizeBytes: /,
    );
    expect(bad({ sizeBytes: 1, mtimeMs: 1.5, hash })[0]).toMatch(
      /^scoreResults\.0\.identity\.mtimeMs: /,
    );
    for (const h of [
      `p1:${'0A'.repeat(32)}`,
      `p2:${'0a'.repeat(32)}`,
      `p1:${'0a'.repeat(31)}`,
      'x',
    ])
      expect(bad({ sizeBytes: 1, mtimeMs: 0, hash: h })).toContain(
        'scoreResults.0.identity.hash: not a file hash (p1: and 64 hex digits)',
      );
    expect(bad({ sizeBytes: 1, mtimeMs: 0, hash, extra: 1 }).some((m) => m.includes('extra'))).toBe(
      true,
    );
  });

  it('needs the rate control mode of a historical rung (analysis.get describes it)', () => {
    const p = project();
    (p.renditions[0]!.rung as Record<string, unknown>).rateControl = undefined;
    expect(projectProblems(p)).toContain(
      'renditions.0.rung.rateControl: missing (expected object)',
    );
  });

  it('checks the fields of a per-title run the app reads back, not only its ids', () => {
    const run = {
      id: 'pt1',
      sourceId: 's1',
      batchId: 'b1',
      status: 'done',
      options: {
        encoder: 'libx264',
        preset: 'medium',
        heights: [120],
        crfs: [20, 30],
        quality: 'vmafMean',
        pick: {},
        outDir: '/out',
      },
      ladder: { id: 'pertitle-a', name: 'Per-title: a.mp4', rungs: [] },
      hull: [
        {
          renditionId: 'r1',
          group: '120p',
          width: 160,
          height: 120,
          bitrate: 100_000,
          quality: 90,
        },
      ],
      picks: [
        {
          rungId: '120p-100k',
          renditionId: 'r1',
          width: 160,
          height: 120,
          bitrate: 100_000,
          quality: 90,
          why: 'top',
        },
      ],
      scoredPoints: 1,
      error: null,
      createdAt: 't',
      updatedAt: 't',
    };
    const good = { ...project(), perTitleRuns: [run] };
    // The ladder must be a real ladder (an empty one is not), as `ladders.save` demands.
    expect(projectProblems(good).some((p) => p.startsWith('perTitleRuns.0.ladder.rungs'))).toBe(
      true,
    );
    const ok = { ...project(), perTitleRuns: [{ ...run, ladder: null, picks: null, hull: null }] };
    expect(projectProblems(ok)).toEqual([]);
    // Without options the run used to pass validation and then fail the import with a raw SQLite
    // error (options_json is NOT NULL) instead of naming the field.
    const { options: _dropped, ...noOptions } = run;
    void _dropped;
    expect(
      projectProblems({ ...project(), perTitleRuns: [{ ...noOptions, ladder: null }] }),
    ).toContain('perTitleRuns.0.options: missing (expected object)');
    expect(
      projectProblems({
        ...project(),
        perTitleRuns: [{ ...run, ladder: null, status: 'running' }],
      })[0],
    ).toMatch(/^perTitleRuns\.0\.status/);
    expect(
      projectProblems({ ...project(), perTitleRuns: [{ ...run, ladder: null, picks: 'none' }] })[0],
    ).toMatch(/^perTitleRuns\.0\.picks/);
  });

  it('accepts an unknown target only when the result says it was removed before export', () => {
    const p = project();
    p.scoreResults[0]!.target.id = 'gone';
    p.scoreResults[0]!.targetRemoved = true;
    expect(projectProblems(p)).toEqual([]);
  });
});
