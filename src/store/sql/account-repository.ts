import type { Kysely, Selectable } from 'kysely';
import type { AccountRecord, AccountRepository } from '../ports/accounts.port.ts';
import { StoreInputError } from '../store-errors.ts';
import { requireInstant, requireText } from './input-checks.ts';
import type { AccountsTable, Database } from './schema.ts';

// Accounts.

const toAccount = (r: Selectable<AccountsTable>): AccountRecord => ({
  id: r.id,
  name: r.name,
  domains: JSON.parse(r.domains_json) as string[],
  ownerRep: r.owner_rep,
  tier: r.tier,
  ...(r.parent_id !== null ? { parentId: r.parent_id } : {}),
  updatedAt: r.updated_at,
});

export function accountRepository(db: Kysely<Database>): AccountRepository {
  return {
    async upsert(accounts) {
      // The last record wins when an id repeats (one statement may not update a row twice).
      const byId = new Map<string, AccountRecord>();
      for (const a of accounts) {
        requireText(a.id, 'account id');
        requireText(a.name, 'account name');
        requireInstant(a.updatedAt, 'account updatedAt');
        if (!Array.isArray(a.domains)) throw new StoreInputError(`account ${a.id}: domains must be an array`);
        for (const d of a.domains) {
          requireText(d, `account ${a.id} domain`);
          if (d !== d.toLowerCase() || d !== d.trim())
            throw new StoreInputError(`account ${a.id}: domain ${JSON.stringify(d)} must be lower-case, without spaces`);
        }
        if (a.ownerRep !== null) requireText(a.ownerRep, `account ${a.id} ownerRep`);
        if (a.tier !== null) requireText(a.tier, `account ${a.id} tier`);
        if (a.parentId !== undefined) {
          requireText(a.parentId, `account ${a.id} parentId`);
          if (a.parentId === a.id) throw new StoreInputError(`account ${a.id}: an account cannot be its own parent`);
        }
        byId.set(a.id, a);
      }
      const rows = [...byId.values()].map((a) => ({
        id: a.id,
        name: a.name,
        domains_json: JSON.stringify(a.domains),
        owner_rep: a.ownerRep,
        tier: a.tier,
        parent_id: a.parentId ?? null,
        updated_at: a.updatedAt,
      }));
      for (let i = 0; i < rows.length; i += 500) {
        await db
          .insertInto('accounts')
          .values(rows.slice(i, i + 500))
          .onConflict((oc) =>
            oc.column('id').doUpdateSet({
              name: (eb) => eb.ref('excluded.name'),
              domains_json: (eb) => eb.ref('excluded.domains_json'),
              owner_rep: (eb) => eb.ref('excluded.owner_rep'),
              tier: (eb) => eb.ref('excluded.tier'),
              parent_id: (eb) => eb.ref('excluded.parent_id'),
              updated_at: (eb) => eb.ref('excluded.updated_at'),
            }),
          )
          .execute();
      }
    },
    async list() {
      const rows = await db.selectFrom('accounts').selectAll().orderBy('id').execute();
      return rows.map(toAccount);
    },
    async get(id) {
      const row = await db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toAccount(row) : undefined;
    },
  };
}
