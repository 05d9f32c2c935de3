import type { Kysely } from 'kysely';
import type { Migration } from './migration.ts';

/**
 * TOTP replay guard (docs/access.md "Local passwords, TOTP and sign-in links"): the last RFC 6238 time step
 * a person's code was accepted for. A code is refused unless its step is later than this one, so a code
 * seen once (over a shoulder, in a proxy log) cannot be used again within its window; the column is
 * shared by every instance, so a second instance refuses it too.
 */
export const totpReplay: Migration = {
  version: 12,
  name: 'totp-replay',
  async up<DB>(db: Kysely<DB>) {
    await db.schema.alterTable('users').addColumn('totp_last_step', 'integer').execute();
  },
};
