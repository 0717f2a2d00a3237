/**
 * What a job does, in the words of the Queue view: the rungs an encode job makes, or the videos a
 * score job scores (rendition rungs, library file names; the renditions of its encode job for
 * "score after encode").
 */
import type { Job } from '../../../../shared/queue';

/** Names the view knows, for ids in a job's plan. */
export interface JobNames {
  /** The rung id of a rendition, or null when it is not known here. */
  rendition: (id: string) => string | null;
  /** The file name of a library item, or null. */
  item: (id: string) => string | null;
  /** The rung ids of another job, or null. */
  jobRungs: (id: string) => string[] | null;
}

/** A job in a line: what it is, the chips to show, a note below them, and a one-line title. */
export interface JobText {
  /** "Score" for score jobs, null for encode jobs (their rungs say it). */
  verb: string | null;
  chips: string[];
  note: string | null;
  title: string;
}

function plural(n: number, one: string, many: string): string {
  return n === 1 ? `1 ${one}` : `${n} ${many}`;
}

/** The text of a job. */
export function jobText(job: Pick<Job, 'rungIds' | 'plan'>, names: JobNames): JobText {
  const plan = job.plan;
  if (plan.kind !== 'score') {
    const chips = job.rungIds;
    return {
      verb: null,
      chips,
      note: chips.length > 1 ? `decode once × ${chips.length}` : null,
      title: chips.join(', '),
    };
  }
  // The job's rungIds carry the labels it was queued with: the fallback for a name not known here.
  const chips = plan.targets.map(
    (t, i) =>
      (t.kind === 'rendition' ? names.rendition(t.id) : names.item(t.id)) ??
      job.rungIds[i] ??
      `${t.kind === 'rendition' ? 'rendition' : 'source'} ${t.id}`,
  );
  if (chips.length === 0 && plan.fromJob !== null) {
    const rungs = names.jobRungs(plan.fromJob) ?? job.rungIds;
    return {
      verb: 'Score',
      chips: rungs,
      note: 'after encode: the renditions of the encode job',
      title: `Score ${rungs.length ? rungs.join(', ') : 'the renditions'} after encode`,
    };
  }
  return {
    verb: 'Score',
    chips,
    note:
      chips.length > 1
        ? `reference decoded once · ${plural(chips.length, 'video', 'videos')}`
        : null,
    title: `Score ${chips.join(', ')}`,
  };
}
