/**
 * Fault injection at scale (`VQ_BENCH_ONLY=faults npm run bench`): the trials of
 * electron/cli/faults.test.ts, `VQ_FAULT_TRIALS` of them (default 200), seed `VQ_FAULT_SEED`.
 * Prints each trial and a table of trials and problems per kind; exits 1 on any problem.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  FAULT_KINDS,
  makeFaultFixture,
  runFaultTrials,
} from '../electron/testing/faultTrials';

/** Runs the fault trials and prints the tally. */
export async function runFaultBenchmarks(): Promise<void> {
  const trials = Number(process.env.VQ_FAULT_TRIALS ?? 200);
  const seed = Number(process.env.VQ_FAULT_SEED ?? Date.now() % 1_000_000);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vq-bench-faults-'));
  try {
    console.log(`faults: ${trials} trials, seed ${seed} (replay with VQ_FAULT_SEED=${seed})`);
    const fx = await makeFaultFixture(root);
    const results = await runFaultTrials(fx, { trials, seed, log: (l) => console.log(`  ${l}`) });
    console.log(
      '\n  | kind | trials | killed before finishing | with problems |\n  | --- | --- | --- | --- |',
    );
    for (const kind of FAULT_KINDS) {
      const mine = results.filter((r) => r.kind === kind);
      console.log(
        `  | ${kind} | ${mine.length} | ${mine.filter((r) => !r.finishedFirst).length} | ${mine.filter((r) => r.problems.length).length} |`,
      );
    }
    if (results.some((r) => r.problems.length)) process.exitCode = 1;
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}
