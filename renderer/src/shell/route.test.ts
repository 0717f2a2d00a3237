import { describe, expect, it } from 'vitest';
import { knownRoute, parseRoute, routeHash, type Route } from './route';

describe('hash routes', () => {
  it('round-trips every view with its selections', () => {
    const routes: Route[] = [
      { view: 'library', item: 'abc123' },
      { view: 'library', item: null },
      { view: 'compare', ref: 'src1', with: ['r1', 'r2'], frame: 116 },
      { view: 'compare', ref: null, with: [], frame: 0 },
      { view: 'analysis', source: 'src1' },
      { view: 'queue' },
      { view: 'ladders' },
      { view: 'toolchain' },
      { view: 'settings' },
    ];
    for (const r of routes) expect(parseRoute(routeHash(r))).toEqual(r);
    expect(routeHash({ view: 'compare', ref: 'a', with: ['b', 'c'], frame: 12 })).toBe(
      '#/compare?ref=a&with=b,c&frame=12',
    );
    expect(routeHash({ view: 'library', item: null })).toBe('#/library');
  });

  it('is not fooled by hashes that are not routes or carry bad values', () => {
    expect(parseRoute('')).toBeNull();
    expect(parseRoute('#main')).toBeNull();
    expect(parseRoute('#/nowhere')).toBeNull();
    expect(parseRoute('#/library?item=../../etc')).toEqual({ view: 'library', item: null });
    expect(parseRoute('#/compare?ref=a&with=b,,b,<x>,c,d,e&frame=-3')).toEqual({
      view: 'compare',
      ref: 'a',
      with: ['b', 'c', 'd'],
      frame: 0,
    });
    expect(parseRoute('#/compare?frame=1e400')).toMatchObject({ frame: 0 });
    expect(parseRoute('#/analysis?source=%E0%A4%A')).toEqual({ view: 'analysis', source: null });
  });

  it('drops ids that name nothing loaded, and keeps them while their list is loading', () => {
    const known = { items: new Set(['src1', 'item2']), renditions: new Set(['r1']) };
    expect(knownRoute({ view: 'library', item: 'gone' }, known)).toEqual({
      view: 'library',
      item: null,
    });
    expect(knownRoute({ view: 'library', item: 'src1' }, known)).toEqual({
      view: 'library',
      item: 'src1',
    });
    expect(knownRoute({ view: 'analysis', source: 'gone' }, known)).toEqual({
      view: 'analysis',
      source: null,
    });
    expect(
      knownRoute({ view: 'compare', ref: 'src1', with: ['r1', 'gone', 'item2'], frame: 5 }, known),
    ).toEqual({ view: 'compare', ref: 'src1', with: ['r1', 'item2'], frame: 5 });
    expect(knownRoute({ view: 'compare', ref: 'gone', with: ['r1'], frame: 5 }, known)).toEqual({
      view: 'compare',
      ref: null,
      with: [],
      frame: 5,
    });
    expect(knownRoute({ view: 'queue' }, known)).toEqual({ view: 'queue' });

    const loading = { items: null, renditions: null };
    expect(knownRoute({ view: 'library', item: 'x' }, loading)).toEqual({
      view: 'library',
      item: 'x',
    });
    expect(
      knownRoute(
        { view: 'compare', ref: 'src1', with: ['maybe'], frame: 0 },
        { items: known.items, renditions: null },
      ),
    ).toEqual({ view: 'compare', ref: 'src1', with: ['maybe'], frame: 0 });
  });
});
