import { describe, expect, it } from 'vitest';
import { parseRoute, routeHash, type Route } from './route';

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
});
