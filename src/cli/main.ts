import { Command, CommanderError } from 'commander';
import { CliFailure, reportFailure, storeFailure } from './cli-io.ts';
import { EXIT } from './exit-codes.ts';
import { registerRouteCommand } from './commands/route.command.ts';
import { registerSchemaCommand } from './commands/schema.command.ts';
import { registerScreenCommand } from './commands/screen.command.ts';
import { registerServeCommand } from './commands/serve.command.ts';
import { registerKeysCommand } from './commands/keys.command.ts';
import { registerUsersCommand } from './commands/users.command.ts';
import { registerImportCommand } from './commands/import.command.ts';
import { registerSimulateCommand } from './commands/simulate.command.ts';
import { registerValidateCommand } from './commands/validate.command.ts';
import { registerAuditCommand } from './commands/audit.command.ts';
import { registerNotifyCommand } from './commands/notify.command.ts';
import { registerEraseCommand } from './commands/erase.command.ts';
import { registerRetentionCommand } from './commands/retention.command.ts';
import { registerRosterCommand } from './commands/roster.command.ts';
import { registerReassignCommand } from './commands/reassign.command.ts';
import { registerRescreensCommand } from './commands/rescreens.command.ts';

/** `remit` — thin adapter: parse arguments, call a use case, print, exit with a documented code. */
export function buildProgram(exit: (code: number) => void): Command {
  const program = new Command('remit').description('Compliance-aware lead routing').exitOverride();
  registerRouteCommand(program, exit);
  registerValidateCommand(program);
  registerSchemaCommand(program);
  registerScreenCommand(program);
  registerServeCommand(program);
  registerKeysCommand(program);
  registerUsersCommand(program);
  registerAuditCommand(program, exit);
  registerEraseCommand(program);
  registerRetentionCommand(program);
  registerRosterCommand(program);
  registerImportCommand(program);
  registerSimulateCommand(program);
  registerReassignCommand(program);
  registerRescreensCommand(program);
  registerNotifyCommand(program);
  return program;
}

export async function runCli(argv: readonly string[]): Promise<number> {
  let code: number = EXIT.ok;
  const program = buildProgram((c) => {
    code = c;
  });
  try {
    await program.parseAsync(argv as string[], { from: 'user' });
    // Commands report an outcome through `exit` and failures by throwing CliFailure (reportFailure below).
    return code;
  } catch (e) {
    if (e instanceof CliFailure) return reportFailure(e);
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.ok : EXIT.invalidInput;
    const storage = storeFailure(e);
    if (storage) return reportFailure(storage);
    process.stderr.write(`error INTERNAL: ${(e as Error).stack ?? String(e)}\n`);
    return EXIT.unexpected;
  }
}

if (import.meta.main) {
  process.exitCode = await runCli(process.argv.slice(2));
}
