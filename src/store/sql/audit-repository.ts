import { sql, type Kysely } from 'kysely';
import {
  canonicalText,
  digestsInProcess,
  isAuditKind,
  type AuditEvent,
  type AuditTextEvent,
  type JsonValue,
  type PublicKeyRecord,
  type SealedAuditRow,
  type SealerState,
  type StoredAuditRow,
  type StoredCheckpoint,
} from '../../audit/index.ts';
import type { AuditRange, AuditRepository, PendingAuditEvent, PendingAuditText, SealBatch } from '../ports/audit.port.ts';
import { AuditReferenceError, StoreInputError } from '../store-errors.ts';
import { markedText, REF_MARK, splicedText } from './audit-decision-ref.ts';
import type { AuditCheckpointsTable, AuditKeysTable, AuditLogTable, Database } from './schema.ts';
import { shapeSizedChunks, type StatementShapes } from './statement-shapes.ts';
import type { StoreCapabilities } from '../unit-of-work.ts';

/** Rows per page when streaming the log. */
const PAGE = 2000;
/** Rows per INSERT and ids per DELETE when sealing: powers of two, the remainder in fixed shapes (`shapeSizedChunks`). */
const INSERT_CHUNK = 128;
const DELETE_CHUNK = 512;
/** Advisory lock class for the sealer ('REMI', as the migration lock); the object id hashes the schema. */
const LOCK_CLASS = 0x52454d49;

function text(value: unknown, what: string): string {
  if (typeof value !== 'string' || value.length === 0) throw new StoreInputError(`audit ${what} must be a non-empty string`);
  return value;
}

function instant(value: unknown, what: string): string {
  const s = text(value, what);
  if (Number.isNaN(Date.parse(s))) throw new StoreInputError(`audit ${what} must be an ISO-8601 instant, got ${JSON.stringify(s)}`);
  return s;
}

const parse = (s: string): JsonValue => JSON.parse(s) as JsonValue;

/**
 * An inbox row for an event, checked: a known kind, non-empty subject and actor, an instant, JSON data. An AuditTextEvent's
 * text is the app's own canonical serialisation and is stored as it is (issue 18: not parsed again).
 */
function inboxRow(event: AuditEvent | AuditTextEvent) {
  if (!isAuditKind(event.kind)) throw new StoreInputError(`unknown audit kind ${JSON.stringify(event.kind)}`);
  const asText = 'payloadText' in event;
  const payload = asText ? text(event.payloadText, 'payload text') : canonicalText(event.payload);
  const commitments = asText ? text(event.commitmentsText, 'commitments text') : canonicalText(event.commitments ?? {});
  if (payload === undefined) throw new StoreInputError('audit payload must be JSON data');
  const ref = asText ? event.decisionRef : undefined;
  if (ref && !(Number.isInteger(ref.offset) && ref.offset > 0 && ref.offset < payload.length && payload.startsWith('{')))
    throw new StoreInputError(`audit decision reference offset ${ref.offset} is outside the payload text`);
  return {
    kind: event.kind,
    subject: text(event.subject, 'subject'),
    actor: text(event.actor, 'actor'),
    at: instant(event.at, 'at'),
    payload_json: ref ? markedText(payload, ref.offset) : payload,
    commitments_json: commitments,
    decision_ref: ref ? text(ref.decisionId, 'decision reference') : null,
    decision_ref_at: ref ? ref.offset : null,
  };
}

/** A sealed row as read: the columns, and the referenced decision's document (null without a reference or a row). */
type LogRow = AuditLogTable & { readonly decision_document: string | null };

/**
 * The payload text of a sealed row as it was sealed (migration 0049: a decision entry's document spliced back from its
 * `decisions` row). When the reference does not hold (the document is gone, or the mark is not where the row says: the
 * store was altered), the stored text itself, which is not the sealed entry: verify reports that entry as altered.
 */
const sealedPayloadText = (r: LogRow): string =>
  r.decision_ref === null ? r.payload_json : (splicedText(r.payload_json, r.decision_ref_at, r.decision_document) ?? r.payload_json);

function toRow(r: LogRow): SealedAuditRow {
  const payloadText = sealedPayloadText(r);
  // Parsed readers (export, lead story, replay) read the text verify hashes, and never an entry without its decision.
  if (r.decision_ref !== null && payloadText === r.payload_json && r.payload_json[Number(r.decision_ref_at)] === REF_MARK)
    throw new AuditReferenceError(
      `audit log entry ${r.seq} (${r.kind} of ${r.subject}) references decision ${r.decision_ref}, which is not as sealed: ` +
        'run `remit audit verify`',
    );
  // The kind is read back as stored, even when it is not a known kind (a tampered row must still reach the verifier).
  return {
    seq: Number(r.seq),
    kind: r.kind as SealedAuditRow['kind'],
    subject: r.subject,
    actor: r.actor,
    at: r.at,
    payload: parse(payloadText),
    commitments: parse(r.commitments_json) as Record<string, string>,
    prevHash: r.prev_hash,
    entryHash: r.entry_hash,
  };
}

/** The row as stored, texts unparsed (verification hashes them as they are). */
const toStoredRow = (r: LogRow): StoredAuditRow => ({
  seq: Number(r.seq),
  kind: r.kind,
  subject: r.subject,
  actor: r.actor,
  at: r.at,
  payloadText: sealedPayloadText(r),
  commitmentsText: r.commitments_json,
  prevHash: r.prev_hash,
  entryHash: r.entry_hash,
});

function toCheckpoint(r: AuditCheckpointsTable): StoredCheckpoint {
  return {
    logId: r.log_id,
    treeSize: Number(r.tree_size),
    rootHash: r.root_hash,
    chainHead: r.chain_head,
    at: r.at,
    keyId: r.key_id,
    signature: r.signature,
    ...(r.frontier_json ? { frontier: JSON.parse(r.frontier_json) as StoredCheckpoint['frontier'] } : {}),
  };
}

const toKey = (r: AuditKeysTable): PublicKeyRecord => ({
  keyId: r.key_id,
  publicKey: r.public_key,
  validFrom: r.valid_from,
  validTo: r.valid_to,
});

/** Streams sealed rows in seq order, a page at a time. */
function pagedRows(
  db: Kysely<Database>,
  where: (q: ReturnType<typeof auditLog>) => ReturnType<typeof auditLog>,
  range: AuditRange = {},
): AsyncGenerator<SealedAuditRow> {
  return paged(db, where, range, toRow, PAGE);
}

async function* paged<T>(
  db: Kysely<Database>,
  where: (q: ReturnType<typeof auditLog>) => ReturnType<typeof auditLog>,
  range: AuditRange,
  map: (r: LogRow) => T,
  pageSize: number,
): AsyncGenerator<T> {
  let next = range.from ?? 0;
  const end = range.to;
  for (;;) {
    let q = where(auditLog(db)).where('seq', '>=', next);
    if (end !== undefined) q = q.where('seq', '<', end);
    const rows = await q.orderBy('seq').limit(pageSize).execute();
    for (const r of rows) yield map(r);
    if (rows.length < pageSize) return;
    next = Number(rows[rows.length - 1]!.seq) + 1;
  }
}
/**
 * Sealed rows with their referenced decision's document (migration 0049). A correlated look-up by primary key rather
 * than a join: one index probe per referencing row on both stores, whatever the planner thinks of the table sizes.
 */
const auditLog = (db: Kysely<Database>) =>
  db
    .selectFrom('audit_log as l')
    .selectAll('l')
    .select((eb) =>
      eb.selectFrom('decisions as d').select('d.document_json').whereRef('d.decision_id', '=', 'l.decision_ref').as('decision_document'),
    );

const readState = async (db: Kysely<Database>, caps: StoreCapabilities, forUpdate: boolean): Promise<SealerState | undefined> => {
  const r = await db
    .selectFrom('audit_sealer_state')
    .selectAll()
    .where('id', '=', 1)
    .$if(forUpdate && caps.rowLocks, (q) => q.forUpdate())
    .executeTakeFirst();
  return r ? { logId: r.log_id, chainHead: r.chain_head, frontier: JSON.parse(r.frontier_json) as SealerState['frontier'] } : undefined;
};

export function auditRepository(db: Kysely<Database>, caps: StoreCapabilities, shapes: StatementShapes): AuditRepository {
  return { ...auditInbox(db, caps, shapes), ...auditSealing(db, caps, shapes), ...auditReads(db), ...auditKeys(db) };
}

function auditInbox(
  db: Kysely<Database>,
  caps: StoreCapabilities,
  shapes: StatementShapes,
): Pick<AuditRepository, 'append' | 'appendMany' | 'pendingCount' | 'tryLockSealer' | 'lockSealerState' | 'pending' | 'pendingTexts'> {
  return {
    async append(event: AuditEvent) {
      await shapes.run(db, 'audit_inbox', [inboxRow(event)], (rows) => db.insertInto('audit_inbox').values(rows), 'audit_inbox');
    },
    async appendMany(events) {
      if (events.length === 0) return;
      // One multi-row INSERT (issue 18): rows get ascending ids in array order on both dialects.
      await shapes.run(db, 'audit_inbox', events.map(inboxRow), (rows) => db.insertInto('audit_inbox').values(rows), 'audit_inbox');
    },
    async pendingCount() {
      const r = await db
        .selectFrom('audit_inbox')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },
    async tryLockSealer() {
      if (caps.dialect !== 'postgres') return true;
      const r = await sql<{
        locked: boolean;
      }>`select pg_try_advisory_xact_lock(${LOCK_CLASS}::int4, hashtext(current_schema() || ':audit-sealer')) as locked`.execute(db);
      return r.rows[0]?.locked === true;
    },
    lockSealerState: () => readState(db, caps, true),
    pendingTexts: (limit) => pendingTexts(db, limit),
    async pending(limit): Promise<PendingAuditEvent[]> {
      return (await pendingTexts(db, limit)).map(({ inboxId, entry }) => ({
        inboxId,
        event: {
          kind: entry.kind as AuditEvent['kind'],
          subject: entry.subject,
          actor: entry.actor,
          at: entry.at,
          payload: parse(entry.payloadText),
          commitments: parse(entry.commitmentsText) as Record<string, string>,
        },
      }));
    },
  };
}

/** Inbox rows oldest first, a referenced decision document spliced back (one join: the decisions primary key). */
async function pendingTexts(db: Kysely<Database>, limit: number): Promise<PendingAuditText[]> {
  const rows = await db
    .selectFrom('audit_inbox as i')
    .leftJoin('decisions as d', 'd.decision_id', 'i.decision_ref')
    .select([
      'i.id',
      'i.kind',
      'i.subject',
      'i.actor',
      'i.at',
      'i.payload_json',
      'i.commitments_json',
      'i.decision_ref',
      'i.decision_ref_at',
      'd.document_json',
    ])
    .orderBy('i.id')
    .limit(limit)
    .execute();
  return rows.map((r) => {
    const entry = { kind: r.kind, subject: r.subject, actor: r.actor, at: r.at, commitmentsText: r.commitments_json };
    if (r.decision_ref === null) return { inboxId: Number(r.id), entry: { ...entry, payloadText: r.payload_json } };
    const at = Number(r.decision_ref_at);
    if (r.decision_ref_at === null || r.payload_json[at] !== REF_MARK)
      throw new AuditReferenceError(`audit inbox entry ${r.id} (${r.kind} of ${r.subject}): its decision reference was altered`);
    const payloadText = splicedText(r.payload_json, at, r.document_json);
    if (payloadText === undefined)
      throw new AuditReferenceError(
        `audit inbox entry ${r.id} (${r.kind} of ${r.subject}) references decision ${r.decision_ref}, which is not in the store: ` +
          'nothing is sealed until it is restored',
      );
    // The log row stores the payload as the inbox row does (migration 0049): the document stays in `decisions` only.
    const decisionRef = { decisionId: r.decision_ref, offset: at, storedText: r.payload_json };
    return { inboxId: Number(r.id), entry: { ...entry, payloadText, decisionRef } };
  });
}

function auditSealing(
  db: Kysely<Database>,
  caps: StoreCapabilities,
  shapes: StatementShapes,
): Pick<AuditRepository, 'commitSeal' | 'logId'> {
  return {
    async commitSeal(batch: SealBatch) {
      const { rows, checkpoint: cp, state } = batch;
      if (rows.length === 0) throw new StoreInputError('a seal batch needs at least one row');
      if (rows[0]!.seq !== batch.expectedSize || cp.treeSize !== batch.expectedSize + rows.length || state.frontier.size !== cp.treeSize) {
        throw new StoreInputError(
          `seal batch is inconsistent: rows from ${rows[0]!.seq}, expected ${batch.expectedSize}; ` +
            `checkpoint size ${cp.treeSize}; state size ${state.frontier.size}`,
        );
      }
      // Fencing: the stored state must still be the one the batch was sealed on.
      const stored = await db.selectFrom('audit_sealer_state').select(['tree_size', 'log_id']).where('id', '=', 1).executeTakeFirst();
      const storedSize = stored ? Number(stored.tree_size) : 0;
      if (storedSize !== batch.expectedSize || (stored && stored.log_id !== state.logId)) {
        throw new StoreInputError(`audit sealer state moved: stored size ${storedSize}, batch sealed on ${batch.expectedSize}`);
      }
      const logRows = rows.map((r) => ({
        seq: r.seq,
        kind: r.kind,
        subject: r.subject,
        actor: r.actor,
        at: r.at,
        // The text the sealer hashed, as it is; a decision entry's without its document, as the inbox stored it (0049).
        payload_json: r.decisionRef ? r.decisionRef.storedText : r.payloadText,
        commitments_json: r.commitmentsText,
        prev_hash: r.prevHash,
        entry_hash: r.entryHash,
        decision_ref: r.decisionRef ? r.decisionRef.decisionId : null,
        decision_ref_at: r.decisionRef ? r.decisionRef.offset : null,
      }));
      for (const chunk of shapeSizedChunks(logRows, INSERT_CHUNK))
        await shapes.run(db, 'audit_log.seal', chunk, (values) => db.insertInto('audit_log').values(values));
      await db
        .insertInto('audit_checkpoints')
        .values({
          tree_size: cp.treeSize,
          log_id: cp.logId,
          root_hash: cp.rootHash,
          chain_head: cp.chainHead,
          at: cp.at,
          key_id: cp.keyId,
          signature: cp.signature,
          frontier_json: cp.frontier ? JSON.stringify(cp.frontier) : null,
        })
        .execute();
      for (const ids of shapeSizedChunks(batch.inboxIds, DELETE_CHUNK))
        await shapes.query(db, 'audit_inbox.sealed', { ids }, (p) => db.deleteFrom('audit_inbox').where('id', 'in', p.ids));
      const values = {
        log_id: state.logId,
        tree_size: state.frontier.size,
        chain_head: state.chainHead,
        frontier_json: JSON.stringify(state.frontier),
        updated_at: cp.at,
      };
      if (stored)
        await db.updateTable('audit_sealer_state').set(values).where('id', '=', 1).where('tree_size', '=', batch.expectedSize).execute();
      else
        await db
          .insertInto('audit_sealer_state')
          .values({ id: 1, ...values })
          .execute();
    },
    async logId() {
      return (await readState(db, caps, false))?.logId;
    },
  };
}

function auditReads(
  db: Kysely<Database>,
): Pick<
  AuditRepository,
  'size' | 'rows' | 'storedRows' | 'leafDigests' | 'rowsForSubject' | 'rowsInDateRange' | 'entryHashes' | 'checkpoints' | 'latestCheckpoint'
> {
  return {
    async size() {
      const r = await db
        .selectFrom('audit_log')
        .select((eb) => eb.fn.max('seq').as('m'))
        .executeTakeFirst();
      return r?.m === null || r?.m === undefined ? 0 : Number(r.m) + 1;
    },
    rows: (range) => pagedRows(db, (q) => q, range),
    // Larger pages: verification streams the whole log and does little per row, so per-query cost shows.
    storedRows: (range = {}) => paged(db, (q) => q, range, toStoredRow, PAGE * 5),
    leafDigests: (request) => digestsInProcess(request, (range) => paged(db, (q) => q, range, toStoredRow, PAGE * 5)),
    async rowsForSubject(subject) {
      const rows = await auditLog(db).where('subject', '=', subject).orderBy('seq').execute();
      return rows.map(toRow);
    },
    rowsInDateRange(range) {
      return pagedRows(db, (q) => {
        let r = q;
        if (range.fromAt !== undefined) r = r.where('at', '>=', instant(range.fromAt, 'fromAt'));
        if (range.toAt !== undefined) r = r.where('at', '<', instant(range.toAt, 'toAt'));
        return r;
      });
    },
    async *entryHashes(size) {
      let next = 0;
      while (next < size) {
        const rows = await db
          .selectFrom('audit_log')
          .select(['seq', 'entry_hash'])
          .where('seq', '>=', next)
          .where('seq', '<', size)
          .orderBy('seq')
          .limit(PAGE * 5)
          .execute();
        if (rows.length === 0) return;
        for (const r of rows) yield r.entry_hash;
        next = Number(rows[rows.length - 1]!.seq) + 1;
      }
    },
    async checkpoints() {
      return (await db.selectFrom('audit_checkpoints').selectAll().orderBy('tree_size').execute()).map(toCheckpoint);
    },
    async latestCheckpoint() {
      const r = await db.selectFrom('audit_checkpoints').selectAll().orderBy('tree_size', 'desc').limit(1).executeTakeFirst();
      return r ? toCheckpoint(r) : undefined;
    },
  };
}

function auditKeys(db: Kysely<Database>): Pick<AuditRepository, 'keyRing' | 'addKey'> {
  return {
    async keyRing() {
      return (await db.selectFrom('audit_keys').selectAll().orderBy('valid_from').orderBy('key_id').execute()).map(toKey);
    },
    async addKey(record) {
      text(record.keyId, 'keyId');
      text(record.publicKey, 'publicKey');
      instant(record.validFrom, 'validFrom');
      const existing = await db.selectFrom('audit_keys').select('key_id').where('key_id', '=', record.keyId).executeTakeFirst();
      if (existing) return;
      await db
        .updateTable('audit_keys')
        .set({ valid_to: record.validFrom })
        .where('valid_to', 'is', null)
        .where('key_id', '<>', record.keyId)
        .execute();
      await db
        .insertInto('audit_keys')
        .values({ key_id: record.keyId, public_key: record.publicKey, valid_from: record.validFrom, valid_to: record.validTo })
        .execute();
    },
  };
}
