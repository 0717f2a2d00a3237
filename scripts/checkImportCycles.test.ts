// The import-cycle check fails the lint on a cycle (type imports and re-exports included) and
// passes a tree without one.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const script = path.resolve('scripts/checkImportCycles.mjs');
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** Runs the check in a project made of `files` (path → text). */
function check(files: Record<string, string>): { code: number | null; out: string } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vq-cycles-'));
  dirs.push(root);
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  }
  const r = spawnSync(process.execPath, [script], { cwd: root, encoding: 'utf8' });
  return { code: r.status, out: r.stdout + r.stderr };
}

describe('checkImportCycles', () => {
  it('passes a tree whose imports run one way', () => {
    const r = check({
      'shared/a.ts': "import { b } from './b';\nexport const a = b;\n",
      'shared/b.ts': "import { z } from 'zod';\nexport const b = z;\n",
      'renderer/src/view.tsx': "import { a } from '../../shared/a';\nexport const v = a;\n",
    });
    expect(r.out).toContain('No import cycles among 3 modules');
    expect(r.code).toBe(0);
  });

  it('fails on a cycle through a type import and a re-export, naming its files', () => {
    const r = check({
      'shared/a.ts': "import type { C } from './rd';\nexport type A = C;\n",
      'shared/rd/index.ts': "export { c, type C } from './c';\n",
      'shared/rd/c.ts':
        "import type { A } from '../a';\nexport type C = A | 1;\nexport const c = 1;\n",
      'shared/free.ts': 'export const free = 1;\n',
    });
    expect(r.code).toBe(1);
    expect(r.out).toContain('1 import cycle');
    for (const f of ['shared/a.ts', 'shared/rd/index.ts', 'shared/rd/c.ts'])
      expect(r.out).toContain(f);
    expect(r.out).not.toContain('shared/free.ts');
  });
});
