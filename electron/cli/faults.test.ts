import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FAULT_KINDS, makeFaultFixture, runFaultTrials } from '../testing/faultTrials';

// SIGKILL of the real `vq encode`, `vq score`, `vq serve` and `vq project import` at seeded random
// moments, then the app started again and the data folder checked (see faultTrials.ts for every
// check). VQ_FAULT_SEED replays a run; bench/faults.bench.ts runs more trials.
const SEED = Number(process.env.VQ_FAULT_SEED ?? 20261206);
const TRIALS = Number(process.env.VQ_FAULT_TRIALS ?? 32);
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vq-faults-'));

afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe(`fault injection (seed ${SEED}, ${TRIALS} trials)`, () => {
  it('after SIGKILL at any moment and a restart, nothing is lost, duplicated, half-written or left running', async () => {
    const fx = await makeFaultFixture(root);
    const lines: string[] = [];
    const results = await runFaultTrials(fx, {
      trials: TRIALS,
      seed: SEED,
      log: (l) => lines.push(l),
    });
    console.log(lines.join('\n'));
    const failed = results.filter((r) => r.problems.length > 0);
    expect(
      failed.map(
        (r) =>
          `trial ${r.trial} (${r.kind}, kill at ${r.killAfterMs} ms, seed ${SEED}): ${r.problems.join('; ')}`,
      ),
    ).toEqual([]);
    // Every kind was really tried, and kills landed before the process finished by itself (the
    // moments are drawn within each kind's calibrated run time, so most do on any machine).
    for (const kind of FAULT_KINDS)
      expect(results.filter((r) => r.kind === kind).length).toBeGreaterThanOrEqual(
        Math.floor(TRIALS / 4),
      );
    expect(results.filter((r) => !r.finishedFirst).length).toBeGreaterThan(TRIALS / 4);
  }, 1_200_000);
});
