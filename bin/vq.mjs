#!/usr/bin/env node
// The `vq` command. Runs the TypeScript sources through tsx, so the CLI needs no build step.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../electron/cli/main.ts');
const code = await runCli(process.argv.slice(2));
process.exitCode = code;
