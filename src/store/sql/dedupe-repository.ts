import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { LEAD_STATUSES, type LeadStatus } from '../../domain/lead/lead-status.ts';
import type { DedupeRepository } from '../ports/dedupe.port.ts';
import { StoreInputError } from '../store-errors.ts';
import type { StoreCapabilities } from '../unit-of-work.ts';
import { requireText } from './input-checks.ts';
import type { Database } from './schema.ts';
import { sentAhead } from './sent-ahead.ts';
import type { StatementShapes } from './statement-shapes.ts';

// Dedupe.

/** The lock anchor of a dedupe key: 16 bits of its SHA-256, so dedupe_locks holds no personal data. */
export const dedupeLockBucket = (key: string): string => createHash('sha256').update(key, 'utf8').digest('hex').slice(0, 4);

/**
 * SQLite: up to this many (lead, key) matches are read unordered and the lead picked in memory; more (a key many leads
 * share) and the ordered query below runs instead. The ordered query costs SQLite ~60–100 µs even when nothing matches
 * (a sorter for ORDER BY and a temporary table for the status list are set up on every run); the unordered read ~5 µs.
 */
const PICKED_IN_MEMORY = 64;

interface Match {
  readonly id: string;
  readonly status: string;
  readonly received_at: string;
  readonly rep_id: string | null;
  readonly key: string;
}

const ASCII = /^[\x00-\x7f]*$/;
/** SQLite's BINARY collation (UTF-8 bytes), which orders the ordered queries on SQLite. */
function binaryCompare(a: string, b: string): number {
  if (ASCII.test(a) && ASCII.test(b)) return a < b ? -1 : a > b ? 1 : 0;
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
const byReceivedThenId = (x: Match, y: Match) => binaryCompare(x.received_at, y.received_at) || binaryCompare(x.id, y.id);

/** Every (lead, key) match of the keys, unordered, if there are at most PICKED_IN_MEMORY (SQLite only). */
async function fewMatches(
  db: Kysely<Database>,
  caps: StoreCapabilities,
  shapes: StatementShapes,
  keys: readonly string[],
): Promise<readonly Match[] | undefined> {
  if (caps.dialect !== 'sqlite') return undefined;
  const { rows } = await shapes.query(db, 'dedupe.few', { keys, limit: PICKED_IN_MEMORY + 1 }, (p) =>
    db
      .selectFrom('dedupe_keys')
      .innerJoin('leads', 'leads.id', 'dedupe_keys.lead_id')
      .select(['leads.id', 'leads.status', 'leads.received_at', 'leads.rep_id', 'dedupe_keys.key'])
      .where('dedupe_keys.key', 'in', p.keys)
      .limit(p.limit),
  );
  return rows.length <= PICKED_IN_MEMORY ? rows : undefined;
}

/** The first of the caller's keys (the caller orders them by strength) that the matched lead holds. */
function firstHeldKey(keys: readonly string[], held: Iterable<string>, leadId: string): string {
  const heldSet = new Set(held);
  const key = keys.find((k) => heldSet.has(k));
  if (key === undefined) throw new Error(`dedupe: lead ${leadId} matched but holds none of the keys`);
  return key;
}

/** The lead first (or last) by (received_at, id) among the matches, and the first of the caller's keys it holds. */
function pick(
  matches: readonly Match[],
  keys: readonly string[],
  last: boolean,
): { readonly lead: Match; readonly key: string } | undefined {
  let lead: Match | undefined;
  for (const m of matches) if (!lead || byReceivedThenId(m, lead) * (last ? -1 : 1) < 0) lead = m;
  if (!lead) return undefined;
  const id = lead.id;
  return {
    lead,
    key: firstHeldKey(
      keys,
      matches.filter((m) => m.id === id).map((m) => m.key),
      id,
    ),
  };
}

/** The oldest open lead holding a key, ordered by the database (any number of matches). */
async function oldestOpenOrdered(
  db: Kysely<Database>,
  shapes: StatementShapes,
  unique: readonly string[],
  openStatuses: readonly LeadStatus[],
) {
  const [oldest] = (
    await shapes.query(db, 'dedupe.oldest-open', { keys: unique, statuses: openStatuses, limit: 1 }, (p) =>
      db
        .selectFrom('dedupe_keys')
        .innerJoin('leads', 'leads.id', 'dedupe_keys.lead_id')
        .select('leads.id')
        .where('dedupe_keys.key', 'in', p.keys)
        .where('leads.status', 'in', p.statuses)
        .orderBy('leads.received_at')
        .orderBy('leads.id')
        .limit(p.limit),
    )
  ).rows;
  if (!oldest) return undefined;
  const { rows: held } = await shapes.query(db, 'dedupe.held', { leadId: oldest.id, keys: unique }, (p) =>
    db.selectFrom('dedupe_keys').select('key').where('lead_id', '=', p.leadId).where('key', 'in', p.keys),
  );
  return {
    leadId: oldest.id,
    key: firstHeldKey(
      unique,
      held.map((r) => r.key),
      oldest.id,
    ),
  };
}

/** The most recent lead holding a key, ordered by the database (any number of matches). */
async function latestOrdered(db: Kysely<Database>, shapes: StatementShapes, unique: readonly string[]) {
  const { rows: latest } = await shapes.query(db, 'dedupe.latest', { keys: unique, limit: 50 }, (p) =>
    db
      .selectFrom('dedupe_keys')
      .innerJoin('leads', 'leads.id', 'dedupe_keys.lead_id')
      .select(['leads.id', 'leads.rep_id', 'dedupe_keys.key'])
      .where('dedupe_keys.key', 'in', p.keys)
      .orderBy('leads.received_at', 'desc')
      .orderBy('leads.id', 'desc')
      .limit(p.limit),
  );
  const first = latest[0];
  if (first === undefined) return undefined;
  const held = latest.filter((r) => r.id === first.id).map((r) => r.key);
  return { leadId: first.id, key: firstHeldKey(unique, held, first.id), repId: first.rep_id };
}

type OpenAndLatest = Awaited<ReturnType<DedupeRepository['findOpenAndLatest']>>;

/** findOpen and findLatest answered from one set of unordered matches (SQLite, at most PICKED_IN_MEMORY of them). */
function pickOpenAndLatest(
  matches: readonly Match[],
  unique: readonly string[],
  openStatuses: readonly LeadStatus[],
  contact: readonly string[],
): OpenAndLatest {
  const keys = new Set(unique);
  const open = new Set<string>(openStatuses);
  const contactKeys = new Set(contact);
  const oldest = pick(
    matches.filter((m) => keys.has(m.key) && open.has(m.status)),
    unique,
    false,
  );
  const latest = pick(
    matches.filter((m) => contactKeys.has(m.key)),
    contact,
    true,
  );
  return {
    open: oldest && { leadId: oldest.lead.id, key: oldest.key },
    latest: latest && { leadId: latest.lead.id, key: latest.key, repId: latest.lead.rep_id },
  };
}

/**
 * The oldest open lead (with every key of `unique` it holds: it holds at most that many) and the 50 most recent matches
 * of the contact keys, ordered by the database, in one statement: each part numbered in its own order, as the two
 * separate ordered reads (oldestOpenOrdered, latestOrdered) would read them.
 */
async function openAndLatestOrdered(
  db: Kysely<Database>,
  shapes: StatementShapes,
  unique: readonly string[],
  openStatuses: readonly LeadStatus[],
  contact: readonly string[],
): Promise<OpenAndLatest> {
  const params = { keys: unique, statuses: openStatuses, contact, openLimit: unique.length, latestLimit: 50 };
  const { rows } = await shapes.query(db, 'dedupe.open-and-latest', params, (p) => {
    const matches = db.selectFrom('dedupe_keys').innerJoin('leads', 'leads.id', 'dedupe_keys.lead_id');
    const oldest = matches
      .select(['leads.id', 'leads.rep_id', 'dedupe_keys.key', sql<string>`'open'`.as('part')])
      .select(sql<string>`row_number() over (order by leads.received_at, leads.id)`.as('ord'))
      .where('dedupe_keys.key', 'in', p.keys)
      .where('leads.status', 'in', p.statuses)
      .orderBy('leads.received_at')
      .orderBy('leads.id')
      .limit(p.openLimit);
    const latest = matches
      .select(['leads.id', 'leads.rep_id', 'dedupe_keys.key', sql<string>`'latest'`.as('part')])
      .select(sql<string>`row_number() over (order by leads.received_at desc, leads.id desc)`.as('ord'))
      .where('dedupe_keys.key', 'in', p.contact)
      .orderBy('leads.received_at', 'desc')
      .orderBy('leads.id', 'desc')
      .limit(p.latestLimit);
    return db
      .selectFrom(oldest.as('o'))
      .selectAll()
      .unionAll(db.selectFrom(latest.as('l')).selectAll());
  });
  const part = (name: string) => rows.filter((r) => r.part === name).sort((a, b) => Number(a.ord) - Number(b.ord));
  const first = (xs: typeof rows, keys: readonly string[]) => {
    const lead = xs[0];
    if (lead === undefined) return undefined;
    const held = xs.filter((r) => r.id === lead.id).map((r) => r.key);
    return { leadId: lead.id, key: firstHeldKey(keys, held, lead.id), repId: lead.rep_id };
  };
  const open = first(part('open'), unique);
  return { open: open && { leadId: open.leadId, key: open.key }, latest: first(part('latest'), contact) };
}

export function dedupeRepository(db: Kysely<Database>, caps: StoreCapabilities, shapes: StatementShapes): DedupeRepository {
  const repository: DedupeRepository = {
    async lockKeys(keys) {
      for (const k of keys) requireText(k, 'dedupe key');
      // SQLite: the write transaction already excludes every other writer.
      if (!caps.rowLocks || keys.length === 0) return;
      const buckets = [...new Set(keys.map(dedupeLockBucket))].sort();
      // One statement: the upsert creates a missing bucket row and its no-op update locks an existing one (the lock
      // `SELECT … FOR UPDATE` would take), in sorted order so two transactions never lock in opposite orders. Nobody
      // reads its answer, so it travels with the next statement (the dedupe read), which the server runs — with its own
      // snapshot — only once the locks are held (sent-ahead.ts).
      await db.executeQuery(sentAhead(bucketLocks(db, buckets).compile()));
    },
    async findOpen(keys, openStatuses) {
      for (const k of keys) requireText(k, 'dedupe key');
      for (const s of openStatuses) if (!LEAD_STATUSES.includes(s)) throw new StoreInputError(`unknown lead status ${JSON.stringify(s)}`);
      if (keys.length === 0 || openStatuses.length === 0) return undefined;
      const unique = [...new Set(keys)];
      const few = await fewMatches(db, caps, shapes, unique);
      if (few) {
        const open = new Set<string>(openStatuses);
        const found = pick(
          few.filter((m) => open.has(m.status)),
          unique,
          false,
        );
        return found && { leadId: found.lead.id, key: found.key };
      }
      return oldestOpenOrdered(db, shapes, unique, openStatuses);
    },
    async findLatest(keys) {
      for (const k of keys) requireText(k, 'dedupe key');
      const unique = [...new Set(keys)];
      if (unique.length === 0) return undefined;
      const few = await fewMatches(db, caps, shapes, unique);
      if (few) {
        const found = pick(few, unique, true);
        return found && { leadId: found.lead.id, key: found.key, repId: found.lead.rep_id };
      }
      return latestOrdered(db, shapes, unique);
    },
    async findOpenAndLatest(keys, openStatuses, contactKeys) {
      for (const k of [...keys, ...contactKeys]) requireText(k, 'dedupe key');
      for (const s of openStatuses) if (!LEAD_STATUSES.includes(s)) throw new StoreInputError(`unknown lead status ${JSON.stringify(s)}`);
      const unique = keys.length === 0 || openStatuses.length === 0 ? [] : [...new Set(keys)];
      const contact = [...new Set(contactKeys)];
      if (unique.length === 0 || contact.length === 0)
        return {
          open: unique.length === 0 ? undefined : await repository.findOpen(unique, openStatuses),
          latest: contact.length === 0 ? undefined : await repository.findLatest(contact),
        };
      const few = await fewMatches(db, caps, shapes, [...new Set([...unique, ...contact])]);
      if (few) return pickOpenAndLatest(few, unique, openStatuses, contact);
      return openAndLatestOrdered(db, shapes, unique, openStatuses, contact);
    },
    async add(leadId, keys) {
      requireText(leadId, 'dedupe leadId');
      for (const k of keys) requireText(k, 'dedupe key');
      const unique = [...new Set(keys)];
      if (unique.length === 0) return;
      await shapes.run(
        db,
        'dedupe_keys',
        unique.map((key) => ({ key, lead_id: leadId })),
        (rows) =>
          db
            .insertInto('dedupe_keys')
            .values(rows)
            .onConflict((oc) => oc.columns(['key', 'lead_id']).doNothing()),
        'dedupe_keys',
      );
    },
    async removeForLead(leadId) {
      await db.deleteFrom('dedupe_keys').where('lead_id', '=', leadId).execute();
    },
  };
  return repository;
}

/** The dedupe lock: an upsert of the bucket rows whose no-op update takes their row locks. */
const bucketLocks = (db: Kysely<Database>, buckets: readonly string[]) =>
  db
    .insertInto('dedupe_locks')
    .values(buckets.map((bucket) => ({ bucket })))
    .onConflict((oc) => oc.column('bucket').doUpdateSet({ bucket: (eb) => eb.ref('excluded.bucket') }));
