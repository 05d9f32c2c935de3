#!/usr/bin/env node
// Entry point for `npx remit` and `npm start`. Node >= 22.13 runs the TypeScript sources directly (type stripping),
// so there is no build step between a checkout and a running CLI.
import { enableCompileCache } from 'node:module';

// About two seconds of every start is compiling Remit's sources and dependencies (type stripping, V8 compilation).
// Node's on-disk compile cache (keyed by each file's contents, so an edited file is compiled afresh) lets later
// starts skip that. It lives under the OS temporary directory unless NODE_COMPILE_CACHE names another;
// NODE_DISABLE_COMPILE_CACHE=1 turns it off. A cache that cannot be written only costs the time it would save.
enableCompileCache();
const { runCli } = await import('../src/cli/main.ts');
process.exitCode = await runCli(process.argv.slice(2));
