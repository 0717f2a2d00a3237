// `npm run lint` (and `npm test`): fails when the project's own modules import each other in a
// circle. Every relative import and re-export counts, `import type` too: a cycle of types is still
// two files that cannot be understood one without the other. Prints the files of each cycle and
// exits 1.
import fs from 'node:fs';
import path from 'node:path';

/** Folders whose modules are checked (from the project root). */
const ROOTS = ['electron', 'renderer/src', 'shared', 'e2e', 'bench', 'scripts'];
const SOURCE = /\.(ts|tsx|mts|mjs)$/;
const EXTENSIONS = ['', '.ts', '.tsx', '.mts', '.mjs', '/index.ts', '/index.tsx'];

function sourceFiles(dir, out) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') sourceFiles(p, out);
    } else if (SOURCE.test(entry.name) && !/\.d\.m?ts$/.test(entry.name)) {
      out.push(p);
    }
  }
  return out;
}

const files = ROOTS.filter((r) => fs.existsSync(r)).flatMap((r) => sourceFiles(r, []));
const known = new Set(files);

/** The project file a relative specifier names, or null (a package, or not one of ours). */
function resolve(from, spec) {
  const base = path.join(path.dirname(from), spec);
  return EXTENSIONS.map((ext) => base + ext).find((f) => known.has(f)) ?? null;
}

/** `import … from './x'`, `export … from './x'`, `import './x'` and `import('./x')`. */
const SPECIFIERS = [
  /^\s*(?:import|export)\s[^;'"]*?\sfrom\s*['"](\.{1,2}\/[^'"]+)['"]/gm,
  /^\s*import\s*['"](\.{1,2}\/[^'"]+)['"]/gm,
  /\bimport\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g,
];

const imports = new Map();
for (const f of files) {
  const text = fs.readFileSync(f, 'utf8');
  const deps = new Set();
  for (const re of SPECIFIERS) {
    for (const m of text.matchAll(re)) {
      const target = resolve(f, m[1]);
      if (target) deps.add(target);
    }
  }
  imports.set(f, [...deps]);
}

// Tarjan's strongly connected components: every component of more than one file is a cycle.
let counter = 0;
const index = new Map();
const low = new Map();
const stack = [];
const onStack = new Set();
const cycles = [];
function visit(v) {
  index.set(v, counter);
  low.set(v, counter);
  counter++;
  stack.push(v);
  onStack.add(v);
  for (const w of imports.get(v)) {
    if (!index.has(w)) {
      visit(w);
      low.set(v, Math.min(low.get(v), low.get(w)));
    } else if (onStack.has(w)) {
      low.set(v, Math.min(low.get(v), index.get(w)));
    }
  }
  if (low.get(v) !== index.get(v)) return;
  const component = [];
  let w;
  do {
    w = stack.pop();
    onStack.delete(w);
    component.push(w);
  } while (w !== v);
  if (component.length > 1 || imports.get(v).includes(v)) cycles.push(component.reverse());
}
for (const f of files) if (!index.has(f)) visit(f);

if (cycles.length > 0) {
  console.error(
    `${cycles.length} import cycle${cycles.length === 1 ? '' : 's'} among the project's modules:`,
  );
  for (const c of cycles) console.error(`  ${c.join('\n  ↔ ')}\n`);
  console.error('Move what both sides need into a module that imports neither.');
  process.exit(1);
}
console.log(`No import cycles among ${files.length} modules.`);
