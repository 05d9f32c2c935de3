import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { createApiKey, publicKeyView } from '../../app/access/api-keys.ts';
import { createPersonWithKey } from '../../app/access/people.use-case.ts';
import { randomIds } from '../../app/shared/random-ids.ts';
import { systemClock } from '../../app/shared/system-clock.ts';
import { withStore } from '../with-store.ts';
import { ROLES, type Role } from '../../domain/access/roles.ts';
import { CliFailure } from '../cli-io.ts';

/** Who runs a CLI command that changes people or keys: the operating-system account (the store has no person for it). */
export const cliActor = () => `cli:${userInfo().username}`;

export function registerKeysCommand(program: Command): void {
  const keys = program.command('keys').description('Manage API keys (stored hashed; a token is shown once); each belongs to a person');
  keys
    .command('create')
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
    .option('--name <name>', 'what the key is for', 'cli')
    .option('--user <userId>', 'the person the key belongs to (they must hold the role); omitted: a new person holding only this role')
    .option('--rep <repId>', 'for role rep: the rep the key acts as')
    .option('--db <url>', 'store (default: DATABASE_URL, else ./data/remit.sqlite)')
    .option('--init', 'create a new empty SQLite store even where its marker shows one was lost (docs/storage.md)')
    .action(async (opts: { role: string; name: string; user?: string; rep?: string; db?: string; init?: boolean }) => {
      if (!(ROLES as readonly string[]).includes(opts.role))
        throw new CliFailure('ARGUMENT_INVALID', undefined, [{ path: '--role', message: `expected one of ${ROLES.join(', ')}` }]);
      if (opts.role === 'rep' && !opts.rep && !opts.user)
        throw new CliFailure('ARGUMENT_INVALID', undefined, [{ path: '--rep', message: 'required for role rep' }]);
      await withStore(
        opts.db,
        async (store) => {
          const deps = { store, clock: systemClock, ids: randomIds() };
          const input = { name: opts.name, role: opts.role as Role, repId: opts.rep ?? null, createdBy: cliActor() };
          const created = opts.user
            ? await createApiKey(deps, { ...input, userId: opts.user })
            : await createPersonWithKey(deps, { userId: input.createdBy }, input);
          if (!created.ok) throw new CliFailure(created.error.code, created.error.message, created.error.details);
          process.stdout.write(`${JSON.stringify({ ...publicKeyView(created.value.record), token: created.value.token }, null, 2)}\n`);
        },
        { init: opts.init === true },
      );
    });
  keys
    .command('list')
    .option('--db <url>', 'store')
    .action(async (opts: { db?: string }) => {
      await withStore(opts.db, async (store) => {
        process.stdout.write(`${JSON.stringify((await store.apiKeys.list()).map(publicKeyView), null, 2)}\n`);
      });
    });
}
