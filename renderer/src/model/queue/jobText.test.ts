import { describe, expect, it } from 'vitest';
import type { Job, ScoreJobPlan } from '../../../../shared/queue';
import { jobText, type JobNames } from './jobText';

const names: JobNames = {
  rendition: (id) => (id === 'r1' ? '360p-crf33' : null),
  item: (id) => (id === 'i1' ? 'dist.mkv' : null),
  jobRungs: (id) => (id === 'enc' ? ['360p', '240p'] : null),
};

const scoreJob = (
  plan: Partial<ScoreJobPlan>,
  rungIds: string[] = [],
): Pick<Job, 'rungIds' | 'plan'> => ({
  rungIds,
  plan: {
    kind: 'score',
    referenceId: 'src',
    targets: [],
    fromJob: null,
    options: {},
    fixes: [],
    ...plan,
  },
});

describe('jobText', () => {
  it('names the rungs of an encode job', () => {
    const job = {
      rungIds: ['360p', '240p'],
      plan: { kind: 'encode' as const, rungs: [], outputs: [], twoPass: false },
    };
    expect(jobText(job, names)).toEqual({
      verb: null,
      chips: ['360p', '240p'],
      note: 'decode once × 2',
      title: '360p, 240p',
    });
  });

  it('names the videos of a score job', () => {
    const job = scoreJob({
      targets: [
        { kind: 'rendition', id: 'r1' },
        { kind: 'source', id: 'i1' },
        { kind: 'source', id: 'gone' },
      ],
    });
    const queuedWith = scoreJob({ targets: [{ kind: 'source', id: 'gone' }] }, ['old-name.mkv']);
    expect(jobText(queuedWith, names).chips).toEqual(['old-name.mkv']);
    expect(jobText(job, names)).toEqual({
      verb: 'Score',
      chips: ['360p-crf33', 'dist.mkv', 'source gone'],
      note: 'reference decoded once · 3 videos',
      title: 'Score 360p-crf33, dist.mkv, source gone',
    });
  });

  it('names the renditions a score-after-encode job waits for', () => {
    const t = jobText(scoreJob({ fromJob: 'enc' }), names);
    expect(t.chips).toEqual(['360p', '240p']);
    expect(t.title).toBe('Score 360p, 240p after encode');
    expect(jobText(scoreJob({ fromJob: 'unknown' }), names).title).toBe(
      'Score the renditions after encode',
    );
    expect(jobText(scoreJob({ fromJob: 'unknown' }, ['r180']), names).chips).toEqual(['r180']);
  });
});
