import { withStore } from '../with-store.ts';
import type { Command } from 'commander';
import { createPerson, publicUserView, updatePerson } from '../../app/access/people.use-case.ts';
import { createSignInLink } from '../../app/access/sign-in-links.use-case.ts';
import { randomIds } from '../../app/shared/random-ids.ts';
import { systemClock } from '../../app/shared/system-clock.ts';
import type { Principal } from '../../domain/access/principal.ts';
import { PERSON_ROLES, type PersonRole } from '../../domain/access/roles.ts';
import { CliFailure } from '../cli-io.ts';
import { runtimeEnv } from '../runtime-config.ts';
import { cliActor } from './keys.command.ts';

const collect = (v: string, prev: string[] = []) => [...prev, v];
const print = (value: unknown) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);

/** The operating-system account running the CLI, acting as an administrator (whoever can open the store can change it anyway). */
const cliPrincipal = (): Principal => ({ userId: cliActor(), name: cliActor(), roles: ['admin'], repId: null, keyId: null });

/** Where `remit serve` listens by default (HOST, PORT): the base of a sign-in link unless --base-url says otherwise. */
function defaultBaseUrl(): string {
  const env = runtimeEnv();
  const host = env.host.includes(':') ? `[${env.host}]` : env.host;
  return `http://${host}:${env.port}`;
}

function registerCreate(users: Command): void {
  users
    .command('create')
    .description('Create a person (audited as the operating-system account)')
    .requiredOption('--name <name>', 'full name')
    .requiredOption('--email <email>', 'e-mail address (unique; the sign-in name)')
    .requiredOption('--role <role>', `a role, repeatable: ${PERSON_ROLES.join(', ')}`, collect)
    .option('--rep <repId>', 'with role rep: the rep in the org this person is')
    .option('--db <url>', 'store (default: DATABASE_URL, else ./data/remit.sqlite)')
    .action(async (opts: { name: string; email: string; role: string[]; rep?: string; db?: string }) => {
      const unknown = opts.role.filter((r) => !(PERSON_ROLES as readonly string[]).includes(r));
      if (unknown.length > 0)
        throw new CliFailure('ARGUMENT_INVALID', undefined, [
          { path: '--role', message: `unknown ${unknown.join(', ')}; expected ${PERSON_ROLES.join(', ')}` },
        ]);
      if (!/^[^\s@]+@[^\s@]+$/.test(opts.email.trim()))
        throw new CliFailure('ARGUMENT_INVALID', undefined, [{ path: '--email', message: 'expected an e-mail address' }]);
      await withStore(opts.db, async (store) => {
        const input = { name: opts.name, email: opts.email, roles: opts.role as PersonRole[], repId: opts.rep ?? null };
        const created = await createPerson({ store, clock: systemClock, ids: randomIds() }, { userId: cliActor() }, input);
        if (!created.ok) throw new CliFailure(created.error.code, created.error.message, created.error.details);
        print(publicUserView(created.value));
      });
    });
}

function registerSuspend(users: Command): void {
  users
    .command('suspend <userId>')
    .description('Suspend a person: their sessions end and their keys stop working at once (audited)')
    .option('--reason <text>', 'why (kept in the audit trail)')
    .option('--db <url>', 'store')
    .action(async (userId: string, opts: { reason?: string; db?: string }) => {
      await withStore(opts.db, async (store) => {
        const current = await store.users.get(userId);
        if (!current) throw new CliFailure('NOT_FOUND', `no person ${userId}`);
        const deps = { store, clock: systemClock, ids: randomIds() };
        const updated = await updatePerson(deps, cliPrincipal(), userId, current.version, { status: 'suspended', reason: opts.reason });
        if (!updated.ok) throw new CliFailure(updated.error.code, updated.error.message, updated.error.details);
        print(publicUserView(updated.value));
      });
    });
}

function registerLink(users: Command): void {
  users
    .command('link <userId>')
    .description('Print a one-time sign-in link with which the person sets their password (welcome 72 h, reset 1 h)')
    .option('--purpose <purpose>', 'welcome or reset (default: welcome without a password, reset with one)')
    .option('--base-url <url>', 'where people reach the console (default: http://HOST:PORT)')
    .option('--db <url>', 'store')
    .action(async (userId: string, opts: { purpose?: string; baseUrl?: string; db?: string }) => {
      if (opts.purpose !== undefined && opts.purpose !== 'welcome' && opts.purpose !== 'reset')
        throw new CliFailure('ARGUMENT_INVALID', undefined, [{ path: '--purpose', message: 'expected welcome or reset' }]);
      const baseUrl = opts.baseUrl ?? defaultBaseUrl();
      if (!URL.canParse(baseUrl) || !/^https?:$/.test(new URL(baseUrl).protocol))
        throw new CliFailure('ARGUMENT_INVALID', undefined, [{ path: '--base-url', message: 'expected an http(s) URL' }]);
      await withStore(opts.db, async (store) => {
        const link = await createSignInLink({ store, clock: systemClock }, cliActor(), userId, {
          purpose: opts.purpose as 'welcome' | 'reset' | undefined,
          baseUrl,
        });
        if (!link.ok) throw new CliFailure(link.error.code, link.error.message, link.error.details);
        print(link.value);
      });
    });
}

/** `remit users create | list | suspend | link` (docs/access.md): people, on the store directly. */
export function registerUsersCommand(program: Command): void {
  const users = program.command('users').description('Manage people: who signs in, with which roles');
  registerCreate(users);
  users
    .command('list')
    .description('Every person, oldest first (never credentials)')
    .option('--db <url>', 'store')
    .action(async (opts: { db?: string }) => {
      await withStore(opts.db, async (store) => print((await store.users.list()).map(publicUserView)));
    });
  registerSuspend(users);
  registerLink(users);
}
