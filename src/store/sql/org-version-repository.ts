import { sql, type Kysely, type Selectable } from 'kysely';
import type { OrgActivation, OrgVersionRecord, OrgVersionRepository } from '../ports/org-versions.port.ts';
import { StoreInputError } from '../store-errors.ts';
import { requireInstant, requireJson, requireText } from './input-checks.ts';
import type { Database, OrgActivationsTable, OrgVersionsTable } from './schema.ts';
import type { StoreCapabilities } from '../unit-of-work.ts';
import type { CachedReads } from './table-generations.ts';

const toOrgVersion = (r: Selectable<OrgVersionsTable>): OrgVersionRecord => ({
  hash: r.hash,
  version: r.version,
  configJson: r.config_json,
  createdAt: r.created_at,
  createdBy: r.created_by,
});

const toActivation = (row: Selectable<OrgActivationsTable>): OrgActivation => ({
  hash: row.hash,
  activatedAt: row.activated_at,
  activatedBy: row.activated_by,
  reason: row.reason ?? null,
});

/** Advisory lock class for org activations (the audit sealer uses its own). */
const ACTIVATION_LOCK_CLASS = 0x4f524756; // "ORGV"

export function orgVersionRepository(db: Kysely<Database>, caps: StoreCapabilities, cached: CachedReads): OrgVersionRepository {
  const getByHash = async (hash: string) => {
    const row = await db.selectFrom('org_versions').selectAll().where('hash', '=', hash).executeTakeFirst();
    return row ? toOrgVersion(row) : undefined;
  };
  return {
    getByHash,
    async getByVersion(version) {
      const row = await db
        .selectFrom('org_versions')
        .selectAll()
        .where('version', '=', version)
        .orderBy('created_at', 'desc')
        .orderBy('hash', 'desc')
        .limit(1)
        .executeTakeFirst();
      return row ? toOrgVersion(row) : undefined;
    },
    async list() {
      const rows = await db.selectFrom('org_versions').selectAll().orderBy('created_at').orderBy('hash').execute();
      return rows.map(toOrgVersion);
    },
    async publish(input) {
      requireText(input.hash, 'org version hash');
      requireText(input.version, 'org version label');
      requireText(input.createdBy, 'org version createdBy');
      requireInstant(input.createdAt, 'org version createdAt');
      const config = requireJson(input.configJson, 'org version configJson');
      if (config === null || typeof config !== 'object' || Array.isArray(config))
        throw new StoreInputError('org version configJson must be a JSON object');
      const existing = await getByHash(input.hash);
      if (existing) return { record: existing, created: false };
      const inserted = await db
        .insertInto('org_versions')
        .values({
          hash: input.hash,
          version: input.version,
          config_json: input.configJson,
          created_at: input.createdAt,
          created_by: input.createdBy,
        })
        .onConflict((oc) => oc.column('hash').doNothing())
        .returning('hash')
        .executeTakeFirst();
      if (inserted) return { record: { ...input }, created: true };
      // A concurrent transaction published the same hash first (we waited for it to commit).
      const raced = await getByHash(input.hash);
      if (!raced) throw new Error(`org version ${input.hash} neither inserted nor found`);
      return { record: raced, created: false };
    },
    async activate(input) {
      requireText(input.hash, 'org activation hash');
      requireText(input.activatedBy, 'org activation activatedBy');
      requireInstant(input.activatedAt, 'org activation activatedAt');
      await db
        .insertInto('org_activations')
        .values({ hash: input.hash, activated_at: input.activatedAt, activated_by: input.activatedBy, reason: input.reason ?? null })
        .execute();
      cached.wrote('org_activations');
    },
    // Every API request asks (org-registry.ts sync): from memory while no activation was added (table-generations.ts).
    current: () =>
      cached.read('org_activations', async () => {
        const row = await db.selectFrom('org_activations').selectAll().orderBy('seq', 'desc').limit(1).executeTakeFirst();
        return row ? Object.freeze(toActivation(row)) : undefined;
      }),
    async activations() {
      const rows = await db.selectFrom('org_activations').selectAll().orderBy('seq').execute();
      return rows.map(toActivation);
    },
    async lockActivations() {
      if (caps.dialect !== 'postgres') return;
      await sql`select pg_advisory_xact_lock(${ACTIVATION_LOCK_CLASS}::int4, hashtext(current_schema() || ':org-activations'))`.execute(db);
    },
  };
}
