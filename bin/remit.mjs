#!/usr/bin/env node
// Entry point for `npx remit`. Node >= 22.13 runs the TypeScript sources directly (type stripping),
// so there is no build step between a checkout and a running CLI.
const { runCli } = await import('../src/cli/main.ts');
process.exitCode = await runCli(process.argv.slice(2));
