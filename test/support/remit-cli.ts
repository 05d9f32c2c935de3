import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

function remitWith(env: NodeJS.ProcessEnv): (...args: string[]) => Promise<CliResult> {
  return async (...args) => {
    try {
      const { stdout, stderr } = await run(process.execPath, ['bin/remit.mjs', ...args], {
        cwd: process.cwd(),
        env: { ...process.env, ...env },
      });
      return { code: 0, stdout, stderr };
    } catch (e) {
      const err = e as CliResult;
      return { code: err.code, stdout: err.stdout, stderr: err.stderr };
    }
  };
}

/** Runs the real CLI in a child process, as `npx remit` would: its exit code, stdout and stderr. */
export const remit = remitWith({});

/** The real CLI as a second process with DATABASE_URL cleared, so that only `--db` names the database. */
export const remitWithoutDatabaseUrl = remitWith({ DATABASE_URL: '' });
