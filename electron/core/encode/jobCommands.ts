/** The argument arrays of one encode job, binary first: one process, or two for a two-pass rung. */
import path from 'node:path';
import {
  buildEncodeCommand,
  type CommandInput,
  type PlannedRung,
} from '../../../shared/encodePlan';

/** Commands of a job: `outputs[i]` is where rung `rungs[i]` is written; pass logs go to `passDir`. */
export function jobCommands(
  binary: string,
  input: CommandInput,
  rungs: PlannedRung[],
  outputs: string[],
  passDir: string,
  threads?: number,
): string[][] {
  const twoPass = rungs.length === 1 && rungs[0]!.twoPass;
  if (!twoPass) return [[binary, ...buildEncodeCommand(input, rungs, outputs, { threads })]];
  const passLogFiles = [path.join(passDir, rungs[0]!.rung.id)];
  return [
    [binary, ...buildEncodeCommand(input, rungs, ['-'], { pass: 1, passLogFiles, threads })],
    [binary, ...buildEncodeCommand(input, rungs, outputs, { pass: 2, passLogFiles, threads })],
  ];
}

/** The same commands with each temporary output replaced by its final path (what people re-run). */
export function withFinalOutputs(commands: string[][], temp: string[], final: string[]): string[][] {
  const map = new Map(temp.map((t, i) => [t, final[i]!]));
  return commands.map((c) => c.map((arg) => map.get(arg) ?? arg));
}
