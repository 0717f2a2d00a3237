// Flat config: TypeScript rules, React hooks, and the one-way import rule of ARCHITECTURE.md:
// renderer → shared, electron/* → electron/core → shared. shared imports no electron, node or DOM.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'child_process', 'crypto', 'http', 'net', 'stream', 'url', 'util', 'events'];

/** A no-restricted-imports rule with the given forbidden groups. */
const forbid = (...groups) => ['error', { patterns: groups }];

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'release/**', 'node_modules/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    files: ['**/*.{js,mjs,cjs}'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': forbid(
        { group: ['electron', 'electron/*'], message: 'shared/ is pure: no electron.' },
        { group: nodeBuiltins, message: 'shared/ is pure: no Node built-ins.' },
        { group: ['**/electron/**', '../electron/**', '**/renderer/**', '../renderer/**'], message: 'shared/ imports nothing from electron/ or renderer/.' },
        { group: ['react', 'react-dom', 'zustand'], message: 'shared/ has no UI code.' },
      ),
    },
  },
  {
    files: ['electron/core/**/*.ts'],
    rules: {
      'no-restricted-imports': forbid(
        { group: ['electron', 'electron/*'], message: 'electron/core runs without Electron: inject what you need.' },
        { group: ['**/main/**', '**/preload/**', '**/server/**', '**/cli/**', '**/renderer/**'], message: 'electron/core is used by main/server/cli, never the other way.' },
      ),
    },
  },
  {
    files: ['electron/core/**/*.ts'],
    ignores: ['electron/core/ffmpeg/**'],
    rules: {
      'no-restricted-imports': forbid(
        { group: ['electron', 'electron/*'], message: 'electron/core runs without Electron: inject what you need.' },
        { group: ['**/main/**', '**/preload/**', '**/server/**', '**/cli/**', '**/renderer/**'], message: 'electron/core is used by main/server/cli, never the other way.' },
        { group: ['fluent-ffmpeg'], message: 'fluent-ffmpeg is archived: only electron/core/ffmpeg may use it.' },
      ),
    },
  },
  {
    files: ['electron/main/**/*.ts', 'electron/preload/**/*.ts', 'electron/server/**/*.ts', 'electron/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': forbid(
        { group: ['**/renderer/**'], message: 'electron/ never imports the renderer.' },
        { group: ['fluent-ffmpeg'], message: 'fluent-ffmpeg is archived: only electron/core/ffmpeg may use it.' },
      ),
    },
  },
  {
    files: ['electron/server/**/*.ts', 'electron/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': forbid(
        { group: ['electron', 'electron/*'], message: 'server and CLI run without Electron.' },
        { group: ['**/main/**', '**/preload/**', '**/renderer/**'], message: 'server and CLI use electron/core only.' },
        { group: ['fluent-ffmpeg'], message: 'fluent-ffmpeg is archived: only electron/core/ffmpeg may use it.' },
      ),
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': forbid(
        { group: ['electron', 'electron/*'], message: 'The renderer is sandboxed: talk to main through the API client.' },
        { group: nodeBuiltins, message: 'The renderer runs in a browser: no Node built-ins.' },
        { group: ['**/electron/**', '../electron/**'], message: 'The renderer imports shared/ only.' },
        { group: ['fluent-ffmpeg', 'better-sqlite3'], message: 'Main-side packages stay in electron/core.' },
      ),
    },
  },
);
