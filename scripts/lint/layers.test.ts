// The vq/layers rule on a small layer table, through ESLint's own RuleTester: allowed imports
// pass; a wrong-way import, a sibling instance, a package not listed, an unclaimed file and a
// type-only import the wrong way are each reported.
import { RuleTester } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import { layerOf, layersRule, packageOf } from './layers.mjs';

RuleTester.describe = describe;
RuleTester.it = it;

const root = '/repo';
const layers = {
  shared: { files: ['shared/'], allow: [], packages: ['zod'] },
  stores: {
    files: ['src/stores/'],
    allow: ['shared'],
    packages: ['zustand'],
    tests: { packages: ['vitest'] },
  },
  views: { files: ['src/views/*/'], allow: ['shared', 'stores'], packages: ['react'] },
  main: { files: ['src/main.tsx'], allow: ['views', 'stores'], packages: ['react', 'react-dom'] },
  preload: { files: ['src/preload/'], allow: [], types: ['shared'], packages: [] },
};
const options = [{ root, layers }];
const at = (file: string) => `${root}/${file}`;

const tester = new RuleTester({ languageOptions: { parser: tseslint.parser } });

tester.run('vq/layers', layersRule, {
  valid: [
    { filename: at('src/stores/a.ts'), code: "import { x } from '../../shared/x';", options },
    { filename: at('src/stores/a.ts'), code: "import { create } from 'zustand';", options },
    { filename: at('src/stores/a.test.ts'), code: "import { it } from 'vitest';", options },
    { filename: at('src/views/library/A.tsx'), code: "import { B } from './B';", options },
    {
      filename: at('src/views/library/A.tsx'),
      code: "import { s } from '../../stores/s';",
      options,
    },
    { filename: at('src/main.tsx'), code: "import { A } from './views/library/A';", options },
    { filename: at('shared/a.ts'), code: "export { b } from './b';", options },
    { filename: at('src/preload/p.ts'), code: "import type { T } from '../../shared/t';", options },
    { filename: at('src/preload/p.ts'), code: "export type { T } from '../../shared/t';", options },
    { filename: at('src/preload/p.ts'), code: "type T = import('../../shared/t').T;", options },
    { filename: at('src/stores/a.ts'), code: 'const m = import(`../../shared/x`);', options },
  ],
  invalid: [
    {
      filename: at('src/stores/a.ts'),
      code: "import { V } from '../views/library/V';",
      options,
      errors: [{ message: /stores \(src\/stores\/a\.ts\) may not import views/ }],
    },
    {
      filename: at('src/stores/a.ts'),
      code: "import type { V } from '../views/library/V';",
      options,
      errors: [{ message: /may not import views/ }],
    },
    {
      filename: at('src/views/library/A.tsx'),
      code: "import { Q } from '../queue/Q';",
      options,
      errors: [{ message: /src\/views\/library may not import src\/views\/queue/ }],
    },
    {
      filename: at('shared/a.ts'),
      code: "import fs from 'node:fs';",
      options,
      errors: [{ message: /may not import the package 'node:fs'/ }],
    },
    {
      filename: at('src/stores/a.ts'),
      code: "import { it } from 'vitest';",
      options,
      errors: [{ message: /may not import the package 'vitest'/ }],
    },
    {
      filename: at('src/views/library/A.tsx'),
      code: "const m = import('../../stores/s'); vi.mock('../../../other/x');",
      options,
      errors: [{ message: /belongs to no layer/ }],
    },
    {
      filename: at('src/preload/p.ts'),
      code: "import { z } from '../../shared/t';",
      options,
      errors: [{ message: /preload .* may not import shared/ }],
    },
    {
      filename: at('shared/a.ts'),
      code: "type C = import('../src/stores/s').Store;",
      options,
      errors: [{ message: /shared .* may not import stores/ }],
    },
    {
      filename: at('shared/a.ts'),
      code: 'const m = import(`../src/stores/s`); const n = import(name);',
      options,
      errors: [
        { message: /may not import stores/ },
        { message: /computed path cannot be checked/ },
      ],
    },
    {
      filename: at('tools/a.ts'),
      code: 'export {};',
      options,
      errors: [{ message: /tools\/a\.ts belongs to no layer/ }],
    },
  ],
});

describe('layerOf and packageOf', () => {
  it('picks the longest matching layer and the instance of a * folder', () => {
    expect(layerOf(layers, 'src/views/queue/x/Y.tsx')).toMatchObject({
      name: 'views',
      instance: 'src/views/queue',
    });
    expect(layerOf(layers, 'src/main.tsx')?.name).toBe('main');
    expect(layerOf(layers, 'src/views/Loose.tsx')).toBeNull();
  });
  it('names packages the way the allow-lists do', () => {
    expect(packageOf('node:fs/promises')).toBe('node:');
    expect(packageOf('fs')).toBe('node:');
    expect(packageOf('@playwright/test')).toBe('@playwright/test');
    expect(packageOf('uplot/dist/uPlot.min.css')).toBe('uplot');
  });
});
