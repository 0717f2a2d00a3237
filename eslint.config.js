// Flat config: TypeScript rules, React hooks, and the layer allow-list (vq/layers,
// scripts/lint/layers.mjs). Every file belongs to one layer below; a layer imports only itself
// and what it lists, packages included. `npm run lint` also fails on any import cycle
// (scripts/checkImportCycles.mjs). To add a folder, add it to a layer here — that is the design
// decision, written down where the linter holds it.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import tseslint from 'typescript-eslint';
import vq from './scripts/lint/layers.mjs';

const root = path.dirname(fileURLToPath(import.meta.url));

const NODE = 'node:';
// shared/ and the one shared file the preload may import too.
const SHARED = ['shared', 'ipc channels'];
// electron/core, lowest first: a folder imports only the ones below it.
const CORE_BASE = ['core/ffmpeg', 'core/base'];
const CORE_BELOW_SERVICES = [
  ...CORE_BASE,
  'core/probe',
  'core/toolchain',
  'core/store',
  'core/frames',
  'core/shots',
  'core/align',
  'core/scoreEngine',
  'core/package',
  'core/queue',
];
const CORE = [...CORE_BELOW_SERVICES, 'core/services'];

// Tests beside electron code are often integration tests: they may drive the whole core (createCore),
// read the real SQLite file, and use the test helpers and the test data beside the repo.
const TESTS = {
  allow: ['testing', 'test data', ...CORE],
  packages: ['vitest', 'fast-check', 'better-sqlite3'],
};

// renderer/src, lowest first.
const RENDERER_BELOW_VIEWS = [
  'renderer/model',
  'renderer/api',
  'renderer/stores',
  'renderer/hooks',
  'renderer/ui',
];
const UI_PACKAGES = ['react', 'react-dom', 'zustand', 'uplot', 'hls.js'];

/** Who may import whom. `files`: repo paths (folder/ or file; `*` = each subfolder its own). */
const layers = {
  shared: {
    files: ['shared/'],
    allow: ['ipc channels'],
    packages: ['zod'],
    tests: { allow: ['test data'], packages: ['vitest', 'fast-check'] },
  },

  'core/ffmpeg': {
    files: ['electron/core/ffmpeg/'],
    allow: [...SHARED, 'core/base'],
    packages: [NODE, 'fluent-ffmpeg'],
    tests: TESTS,
  },
  'core/base': {
    files: [
      'electron/core/media/',
      'electron/core/paths.ts',
      'electron/core/events.ts',
      'electron/core/version.ts',
      'electron/core/processIdentity.ts',
      'electron/core/version.test.ts',
      'electron/core/events.test.ts',
    ],
    allow: [...SHARED, 'core/ffmpeg'],
    packages: [NODE],
    tests: TESTS,
  },
  'core/probe': {
    files: ['electron/core/probe/'],
    allow: [...SHARED, ...CORE_BASE],
    packages: [NODE, 'zod'],
    tests: TESTS,
  },
  'core/toolchain': {
    files: ['electron/core/toolchain/'],
    allow: [...SHARED, ...CORE_BASE, 'core/probe'],
    packages: [NODE, 'zod'],
    tests: TESTS,
  },
  'core/store': {
    files: ['electron/core/store/'],
    allow: [...SHARED, ...CORE_BASE],
    packages: [NODE, 'better-sqlite3', 'zod'],
    tests: TESTS,
  },
  'core/frames': {
    files: ['electron/core/frames/'],
    allow: [...SHARED, ...CORE_BASE, 'core/probe', 'core/store'],
    packages: [NODE],
    tests: TESTS,
  },
  'core/shots': {
    files: ['electron/core/shots/'],
    allow: [...SHARED, ...CORE_BASE, 'core/frames'],
    packages: [NODE],
    tests: TESTS,
  },
  'core/align': {
    files: ['electron/core/align/'],
    allow: [...SHARED, ...CORE_BASE, 'core/probe', 'core/toolchain', 'core/frames'],
    packages: [NODE],
    tests: TESTS,
  },
  'core/scoreEngine': {
    files: ['electron/core/scoreEngine/'],
    allow: [...SHARED, ...CORE_BASE, 'core/probe', 'core/toolchain', 'core/align'],
    packages: [NODE, 'zod'],
    tests: TESTS,
  },
  'core/package': {
    files: ['electron/core/package/'],
    allow: [...SHARED, ...CORE_BASE, 'core/probe'],
    packages: [NODE],
    tests: TESTS,
  },
  'core/queue': {
    files: ['electron/core/queue/'],
    allow: [...SHARED, ...CORE_BASE, 'core/store'],
    packages: [NODE, 'zod'],
    tests: TESTS,
  },
  'core/services': {
    files: [
      'electron/core/encode/',
      'electron/core/scoreService/',
      'electron/core/analysis/',
      'electron/core/project/',
      'electron/core/report/',
      'electron/core/api/',
      'electron/core/cluster/',
      'electron/core/target/',
      'electron/core/playback/',
      'electron/core/core.ts',
      'electron/core/coreDatabase.test.ts',
    ],
    allow: [...SHARED, ...CORE_BELOW_SERVICES],
    packages: [NODE, 'zod', 'better-sqlite3', 'ioredis', 'bullmq'],
    tests: TESTS,
  },
  main: {
    files: ['electron/main/'],
    allow: [...SHARED, ...CORE],
    packages: [NODE, 'electron', 'zod'],
    tests: TESTS,
  },
  // The sandboxed preload is one bundled file: at run time it may import only the IPC channel
  // names; the API's types come from the rest of shared/ as types.
  preload: {
    files: ['electron/preload/'],
    allow: ['ipc channels'],
    types: ['shared'],
    packages: ['electron'],
  },
  'ipc channels': { files: ['shared/wire/ipc.ts'], allow: [], types: ['shared'], packages: [] },
  server: {
    files: ['electron/server/'],
    allow: [...SHARED, ...CORE],
    packages: [NODE, 'ws', 'zod'],
    tests: { ...TESTS, packages: [...TESTS.packages, 'ws'] },
  },
  cli: {
    files: ['electron/cli/'],
    allow: [...SHARED, ...CORE, 'server'],
    packages: [NODE, 'zod'],
    tests: TESTS,
  },
  testing: {
    files: ['electron/testing/'],
    allow: [...SHARED, ...CORE, 'test data'],
    packages: [NODE, 'vitest', 'better-sqlite3', 'ws'],
  },
  // The test media, models and reference vectors beside the repo (../shared), read by tests only.
  'test data': { files: ['../shared/'], allow: [], packages: [] },

  'renderer/model': {
    files: ['renderer/src/model/'],
    allow: SHARED,
    packages: [],
    tests: { packages: ['vitest', 'fast-check'] },
  },
  'renderer/api': {
    files: ['renderer/src/api/'],
    allow: SHARED,
    packages: ['zod'],
    tests: { packages: ['vitest', 'fast-check'] },
  },
  'renderer/stores': {
    files: ['renderer/src/stores/'],
    allow: [...SHARED, 'renderer/model', 'renderer/api'],
    packages: ['zustand'],
    tests: { packages: ['vitest', 'fast-check'] },
  },
  'renderer/hooks': {
    files: ['renderer/src/hooks/'],
    allow: [...SHARED, 'renderer/model', 'renderer/api', 'renderer/stores'],
    packages: ['react', 'zustand'],
    tests: { packages: ['vitest'] },
  },
  'renderer/ui': {
    files: ['renderer/src/ui/'],
    allow: [...SHARED, 'renderer/model', 'renderer/hooks', 'renderer/styles'],
    packages: ['react'],
    tests: { packages: ['vitest', 'fast-check'] },
  },
  'renderer/views': {
    files: ['renderer/src/views/*/'],
    allow: [...SHARED, ...RENDERER_BELOW_VIEWS, 'renderer/styles'],
    packages: UI_PACKAGES,
    tests: { packages: ['vitest', 'fast-check'] },
  },
  'renderer/shell': {
    files: ['renderer/src/shell/'],
    allow: [...SHARED, ...RENDERER_BELOW_VIEWS, 'renderer/views'],
    packages: UI_PACKAGES,
    tests: { packages: ['vitest'] },
  },
  'renderer/styles': {
    files: ['renderer/src/styles/'],
    allow: [],
    packages: [],
    tests: { packages: ['vitest', NODE] },
  },
  'renderer/main': {
    files: ['renderer/src/main.tsx'],
    allow: [
      ...SHARED,
      ...RENDERER_BELOW_VIEWS,
      'renderer/views',
      'renderer/shell',
      'renderer/styles',
    ],
    packages: UI_PACKAGES,
  },

  e2e: {
    files: ['e2e/'],
    allow: [...SHARED, 'testing', 'scripts'],
    packages: [NODE, '@playwright/test'],
  },
  bench: {
    files: ['bench/'],
    allow: [...SHARED, ...CORE, 'testing', 'server', 'renderer/views'],
    packages: [NODE, '@playwright/test', 'esbuild', 'ws', 'bullmq'],
  },
  scripts: {
    files: ['scripts/'],
    allow: [],
    packages: [NODE, 'electron', 'better-sqlite3', 'eslint'],
    tests: { packages: ['vitest', 'fast-check', 'typescript-eslint'] },
  },
  bin: { files: ['bin/'], allow: ['cli'], packages: ['tsx'] },
  config: {
    files: [
      'eslint.config.js',
      'electron.vite.config.ts',
      'vitest.config.ts',
      'playwright.config.ts',
    ],
    allow: ['scripts', 'e2e'],
    packages: ['*'],
  },
};

export default tseslint.config(
  {
    ignores: [
      'out/**',
      'dist/**',
      'release/**',
      'node_modules/**',
      'test-results/**',
      'playwright-report/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { vq },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      'vq/layers': ['error', { root, layers }],
    },
  },
  {
    files: ['**/*.{js,mjs,cjs}'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['renderer/**/*.{ts,tsx}', 'bench/**/*.browser.ts'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
);
