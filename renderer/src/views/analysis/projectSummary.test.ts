import { describe, expect, it } from 'vitest';
import type { ProjectImportSummary } from '../../../../shared/project';
import { projectSummaryLines } from './projectSummary';

const none = { added: 0, skipped: 0 };
const empty: ProjectImportSummary = {
  sources: none,
  ladders: none,
  batches: none,
  jobs: none,
  renditions: none,
  scoreRuns: none,
  scoreResults: none,
  perTitleRuns: none,
  remapped: [],
  interruptedJobs: [],
  missingFiles: [],
  changedFiles: [],
};

describe('projectSummaryLines', () => {
  it('says what was added and what was there already', () => {
    expect(
      projectSummaryLines({
        ...empty,
        sources: { added: 1, skipped: 0 },
        renditions: { added: 6, skipped: 2 },
        scoreResults: { added: 6, skipped: 0 },
        ladders: { added: 0, skipped: 1 },
      }),
    ).toEqual([
      'Added 1 source, 6 renditions, 6 scores.',
      'Already in the library: 1 ladder, 2 renditions.',
    ]);
  });

  it('names missing media, interrupted jobs and remapped items', () => {
    const lines = projectSummaryLines({
      ...empty,
      missingFiles: ['/a.mp4'],
      interruptedJobs: ['j1', 'j2'],
      remapped: [{ kind: 'source', fromId: 'x', toId: 'y', path: '/b.mp4' }],
    });
    expect(lines[0]).toBe('Nothing new was added.');
    expect(lines).toContain('1 media file is not on this machine: /a.mp4.');
    expect(lines.some((l) => l.startsWith('2 jobs were unfinished'))).toBe(true);
    expect(lines.some((l) => l.startsWith('1 item was already in the library'))).toBe(true);
  });
});
