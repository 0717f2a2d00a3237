import { describe, expect, it } from 'vitest';
import type { Ladder } from '../../../../shared/ladder';
import { PRESET_LADDERS } from '../../../../shared/presets';
import { issuePlace, ladderIssues, messagesAt } from './ladderIssues';

const sweep = (): Ladder =>
  structuredClone(PRESET_LADDERS.find((p) => p.ladder.id === 'crf-sweep')!.ladder);

describe('ladderIssues', () => {
  it('finds nothing in a preset', () => {
    for (const p of PRESET_LADDERS) expect(ladderIssues(p.ladder)).toEqual([]);
  });

  it('places each problem at its rung and field, in plain words', () => {
    const l = sweep();
    l.rungs[0]!.width = 641;
    l.rungs[1]!.rateControl = { mode: 'crf', crf: Number.NaN };
    l.rungs[2]!.height = 8;
    l.rungs[3]!.container = 'webm';
    const issues = ladderIssues(l);
    expect(messagesAt(issues, 0, 'width')).toEqual(['width must be even for 4:2:0 video']);
    expect(messagesAt(issues, 1, 'rateControl')).toEqual(['enter a number']);
    expect(messagesAt(issues, 2, 'height')).toContain('must be at least 16');
    expect(messagesAt(issues, 3, 'container')[0]).toMatch(/cannot go in webm/);
    expect(messagesAt(issues, 0, 'height')).toEqual([]);
  });

  it('reports ladder fields and duplicate rung ids', () => {
    const l = sweep();
    l.name = '';
    l.id = 'Bad Id';
    l.rungs[1]!.id = l.rungs[0]!.id;
    const issues = ladderIssues(l);
    expect(messagesAt(issues, null, 'name')).toEqual(['required']);
    expect(messagesAt(issues, null, 'id')).toEqual(['lower-case letters, digits and - only']);
    expect(messagesAt(issues, 1, 'id')[0]).toMatch(/used twice/);
  });

  it('reports a repeated rung id even while other rungs are broken', () => {
    const l = sweep();
    l.rungs[1]!.id = l.rungs[0]!.id;
    l.rungs[5]!.height = 7;
    const issues = ladderIssues(l);
    expect(messagesAt(issues, 1, 'id')).toEqual(['rung id "x264-1080p-crf18" is used twice']);
    expect(issues.filter((i) => i.field === 'id')).toHaveLength(1);
  });

  it('says where a problem is for the summary', () => {
    const l = sweep();
    expect(issuePlace({ rung: 2, field: 'rateControl.crf', message: '' }, l)).toBe(
      'Rung 3 (x264-1080p-crf28) · CRF',
    );
    expect(issuePlace({ rung: null, field: 'name', message: '' }, l)).toBe('Name');
  });

  it('an empty ladder needs a rung', () => {
    const l = sweep();
    l.rungs = [];
    expect(messagesAt(ladderIssues(l), null, 'rungs')).toEqual([
      'a ladder needs at least one rung',
    ]);
  });
});
