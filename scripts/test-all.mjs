#!/usr/bin/env node
// `npm test`: lint, typecheck, unit + integration tests (vitest, real ffmpeg), build, and the
// Playwright e2e suite in both shells. First it checks that the machine has what the tests need
// (testPrerequisites.mjs) and stops at once, with one message, when it does not. Then every step
// runs even when an earlier one fails, so one run shows everything that is wrong; skipped e2e tests
// are counted with their reasons; the last line counts all of it: "N passed, N failed[, N skipped]".
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { missingPrerequisites, prerequisitesMessage } from './testPrerequisites.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const missing = missingPrerequisites({ root });
if (missing.length) {
  console.error(prerequisitesMessage(missing));
  process.exit(1);
}

const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vq-test-'));
const totals = { passed: 0, failed: 0, skipped: 0 };
const failures = [];

function run(label, args, env = {}) {
  console.log(`\n━━ ${label}: ${args.join(' ')}`);
  const r = spawnSync(npx, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  return r.status === 0;
}

function check(label, args) {
  const ok = run(label, args);
  if (ok) totals.passed++;
  else {
    totals.failed++;
    failures.push(label);
  }
  return ok;
}

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

/** "N × reason" for every skipped test of a Playwright JSON report, grouped by project and reason. */
function skipReasons(report) {
  const counts = new Map();
  const visit = (suite) => {
    for (const spec of suite.specs ?? []) {
      for (const t of spec.tests ?? []) {
        if (t.status !== 'skipped') continue;
        const reason =
          t.annotations?.find((a) => a.type === 'skip')?.description ?? 'no reason given';
        const key = `[${t.projectName}] ${reason}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
    }
    for (const child of suite.suites ?? []) visit(child);
  };
  for (const suite of report.suites ?? []) visit(suite);
  return [...counts].map(([key, n]) => `  ${n} × ${key}`);
}

/** "file › test: first line of the error" for every failed test of a vitest JSON report, so the
 * end of a CI log names what failed even when only its tail is kept. */
function failedVitestTests(report) {
  const lines = [];
  for (const file of report.testResults ?? []) {
    const rel = path.relative(root, file.name ?? '');
    const tests = (file.assertionResults ?? []).filter((t) => t.status === 'failed');
    for (const t of tests) {
      const why = String(t.failureMessages?.[0] ?? '').split('\n')[0].slice(0, 300);
      lines.push(`  ${rel} › ${t.fullName ?? t.title}: ${why}`);
    }
    if (!tests.length && file.status === 'failed') {
      lines.push(`  ${rel}: ${String(file.message ?? 'failed to load').split('\n')[0].slice(0, 300)}`);
    }
  }
  return lines;
}

check('lint', ['eslint', '.']);
check('import cycles', ['node', 'scripts/checkImportCycles.mjs']);
check('typecheck (node)', ['tsc', '-p', 'tsconfig.node.json', '--noEmit']);
check('typecheck (web)', ['tsc', '-p', 'tsconfig.web.json', '--noEmit']);

// Unit + integration tests.
const vitestJson = path.join(tmp, 'vitest.json');
const vitestOk = run('unit + integration (vitest)', [
  'vitest',
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${vitestJson}`,
]);
const v = readJson(vitestJson);
if (v) {
  totals.passed += v.numPassedTests ?? 0;
  totals.failed += v.numFailedTests ?? 0;
  totals.skipped += (v.numPendingTests ?? 0) + (v.numTodoTests ?? 0);
  if ((v.numFailedTestSuites ?? 0) > 0 && (v.numFailedTests ?? 0) === 0) {
    totals.failed += v.numFailedTestSuites; // a suite that failed to load has no failed tests
  }
  if (!vitestOk) failures.push('vitest');
  const failed = failedVitestTests(v);
  if (failed.length) console.log(`\nFailed vitest tests:\n${failed.join('\n')}`);
} else {
  totals.failed++;
  failures.push('vitest (no report)');
}

// The e2e suites run against the built app.
const built = check('build (electron-vite)', ['electron-vite', 'build']);
if (built) {
  const pwJson = path.join(tmp, 'playwright.json');
  const pwOk = run('e2e (playwright)', ['playwright', 'test'], { VQ_PLAYWRIGHT_JSON: pwJson });
  const p = readJson(pwJson);
  if (p?.stats) {
    totals.passed += (p.stats.expected ?? 0) + (p.stats.flaky ?? 0);
    totals.failed += p.stats.unexpected ?? 0;
    totals.skipped += p.stats.skipped ?? 0;
    const reasons = skipReasons(p);
    if (reasons.length) console.log(`\nSkipped e2e tests, and why:\n${reasons.join('\n')}`);
    if (!pwOk) failures.push('playwright');
    if (!pwOk && !p.stats.unexpected) totals.failed++; // e.g. a crashed worker or global error
  } else {
    totals.failed++;
    failures.push('playwright (no report)');
  }
} else {
  totals.failed++;
  failures.push('e2e not run: build failed');
}

fs.rmSync(tmp, { recursive: true, force: true });
if (failures.length) console.log(`\nFailed: ${failures.join(', ')}`);
console.log(
  `\n${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`,
);
process.exit(totals.failed === 0 && failures.length === 0 ? 0 : 1);
