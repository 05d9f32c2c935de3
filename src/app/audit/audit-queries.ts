import {
  buildLeadStory,
  checkpointNote,
  EMPTY_TREE_ROOT,
  exportCheckpoint,
  exportCsv,
  exportJsonLines,
  fromHex,
  hashedBatches,
  LeafHashWorker,
  MerkleTree,
  rangeStartFor,
  toHex,
  verifyStoredBatches,
  verifyStoredDigests,
  verifyStoredRows,
  type KeyRing,
  type LeadStory,
  type SealedAuditRow,
  type StoredCheckpoint,
  type VerifyLogResult,
} from '../../audit/index.ts';
import type { Store } from '../../store/unit-of-work.ts';
import { ASSIGNMENT_PAYLOAD_FIELDS, AuditedAssignments, crossCheckAssignments, type AssignmentCheck } from './assignment-cross-check.ts';

/**
 * Reading side of the audit trail (docs/audit.md): verification of the stored log, checkpoint export,
 * the lead story with inclusion proofs, date-range exports. Read-only: nothing here writes.
 */

/** Checkpoints kept outside Remit (`remit audit checkpoints export`): the trust anchor for `verify --checkpoints`. */
export interface CheckpointsFile {
  readonly format: 'remit-audit-checkpoints/v1';
  readonly logId: string;
  readonly exportedAt: string;
  readonly publicKeys: KeyRing;
  readonly checkpoints: readonly StoredCheckpoint[];
  /** The latest checkpoint in the single-checkpoint export form, and as a signed note. */
  readonly latest: ReturnType<typeof exportCheckpoint> | null;
  readonly latestNote: string | null;
}

export async function exportCheckpoints(store: Store, now: string): Promise<CheckpointsFile> {
  const [checkpoints, ring, logId] = await Promise.all([store.audit.checkpoints(), store.audit.keyRing(), store.audit.logId()]);
  const latest = checkpoints.at(-1);
  return {
    format: 'remit-audit-checkpoints/v1',
    logId: logId ?? latest?.logId ?? '',
    exportedAt: now,
    publicKeys: ring,
    checkpoints,
    latest: latest ? exportCheckpoint(latest, ring) : null,
    latestNote: latest ? checkpointNote(latest) : null,
  };
}

export interface VerifyReport {
  readonly ok: boolean;
  readonly logId: string | null;
  /** Where the checkpoints (and public keys) came from. */
  readonly checkpointsFrom: 'database' | 'file';
  readonly range: { readonly from: number; readonly to: number | null; readonly readFrom: number };
  readonly result: VerifyLogResult;
  /** Entries recorded but not yet sealed (not covered by this verification). */
  readonly pending: number;
  /**
   * Finding W17: each lead's current status, team and rep against its audited decisions, approvals, moves and
   * erasure. null when only a range of the log was verified (the cross-check needs the whole log).
   */
  readonly assignments: AssignmentCheck | null;
}

/**
 * How `audit verify` reads and hashes the log (issue 18; docs/performance.md "`audit verify` through the store"):
 * - `rows`: one thread, the rows streamed from the store and each leaf hashed as it passes;
 * - `leaf-worker`: the same rows, the leaves hashed on one worker thread (the earlier opt-in; kept for the bench);
 * - `ranges`: the store checks ranges of rows where the data is (`audit.leafDigests`: SQLite on worker threads, each with
 *   its own read connection) and this thread joins them, builds the tree and checks the checkpoints.
 * Every method gives the same report; `auto` takes `ranges` from RANGES_FROM entries on (worker start-up is not worth
 * it for a small log) and `rows` below.
 */
export type VerifyMethod = 'auto' | 'rows' | 'leaf-worker' | 'ranges';

/** Measured on the 2-core machine (docs/performance.md): below this many entries the rows path is as fast. */
export const RANGES_FROM = 50_000;
/** Rows per range digest: small enough to keep both workers busy to the end, large enough that a message is cheap. */
const RANGE_SIZE = 16_384;

/**
 * Verifies the stored log, or the range [from, to), against the stored checkpoints or against
 * checkpoints kept outside (then their public keys are the trust anchor, not the database's ring).
 */
export async function verifyStoredLog(
  store: Store,
  opts: {
    readonly from?: number;
    readonly to?: number;
    readonly external?: Pick<CheckpointsFile, 'logId' | 'publicKeys' | 'checkpoints'>;
    /** Default `auto` (VerifyMethod). */
    readonly method?: VerifyMethod;
    /** Rows per range with `ranges` (tests use small ranges to put a tampered row on a boundary). */
    readonly rangeSize?: number;
  } = {},
): Promise<VerifyReport> {
  const external = opts.external;
  const checkpoints = external ? external.checkpoints : await store.audit.checkpoints();
  const keys = external ? external.publicKeys : await store.audit.keyRing();
  const logId = external?.logId || (await store.audit.logId()) || checkpoints[0]?.logId || null;
  const pending = await store.audit.pendingCount();
  const from = opts.from ?? 0;
  const readFrom = rangeStartFor(checkpoints, from);
  const range = { from, to: opts.to ?? null, readFrom };
  const wholeLog = from === 0 && opts.to === undefined;
  // The whole log is read once: the assignment cross-check folds the rows the verification streams past.
  const folded = wholeLog ? new AuditedAssignments() : null;
  const size = await store.audit.size();
  const end = Math.max(readFrom, Math.min(size, opts.to ?? size));
  const requested = opts.method ?? 'auto';
  const method = requested === 'auto' ? (end - readFrom >= RANGES_FROM ? 'ranges' : 'rows') : requested;
  const how = { readFrom, to: opts.to, end, folded, method, rangeSize: opts.rangeSize ?? RANGE_SIZE };
  const result = logId === null ? await verifyWithoutLogId(store) : await verifyStored(store, checkpoints, keys, logId, how);
  // A failed verification may stop reading early: the cross-check then reads the log itself.
  const assignments = wholeLog ? await crossCheckAssignments(store, result.ok && logId !== null ? (folded ?? undefined) : undefined) : null;
  return {
    ok: result.ok && (assignments?.ok ?? true),
    logId,
    checkpointsFrom: external ? 'file' : 'database',
    range,
    result,
    pending,
    assignments,
  };
}

/**
 * The stored canonical text is hashed as it is, no parse and re-serialise (docs/audit.md "Verification"); how the rows
 * are read and hashed is `how.method`'s (VerifyMethod).
 */
async function verifyStored(
  store: Store,
  checkpoints: readonly StoredCheckpoint[],
  keys: KeyRing,
  logId: string,
  how: {
    readonly readFrom: number;
    readonly to: number | undefined;
    /** Where the ranges stop: the log's size when verification starts (rows sealed later are walked row by row). */
    readonly end: number;
    readonly folded: AuditedAssignments | null;
    readonly method: Exclude<VerifyMethod, 'auto'>;
    readonly rangeSize: number;
  },
): Promise<VerifyLogResult> {
  const { readFrom, to, folded } = how;
  const rowsFrom = (seq: number) => {
    const stored = store.audit.storedRows({ from: seq, ...(to !== undefined ? { to } : {}) });
    return folded ? tap(stored, (r) => folded.addStored(r)) : stored;
  };
  const options = { logId, from: readFrom, ...(to !== undefined ? { to } : {}) };
  if (how.method === 'rows') return verifyStoredRows(rowsFrom(readFrom), checkpoints, keys, options);
  if (how.method === 'ranges') {
    const request = { from: readFrom, to: how.end, rangeSize: how.rangeSize, payloadFields: folded ? ASSIGNMENT_PAYLOAD_FIELDS : {} };
    const digests = store.audit.leafDigests(request);
    return verifyStoredDigests(folded ? tap(digests, (d) => folded.addDigest(d)) : digests, rowsFrom, checkpoints, keys, options);
  }
  const worker = new LeafHashWorker();
  try {
    return await verifyStoredBatches(hashedBatches(rowsFrom(readFrom), worker), checkpoints, keys, options);
  } finally {
    await worker.close();
  }
}

/** The same items, each shown to `see` as it is pulled (a plain iterator: no extra generator per item). */
function tap<T>(rows: AsyncIterable<T>, see: (row: T) => void): AsyncIterable<T> {
  return {
    [Symbol.asyncIterator]() {
      const it = rows[Symbol.asyncIterator]();
      return {
        next: () =>
          it.next().then((r) => {
            if (!r.done) see(r.value);
            return r;
          }),
        return: () => it.return?.() ?? Promise.resolve({ done: true as const, value: undefined }),
      };
    },
  };
}

/** A log with no log id: sound only while empty (no sealer state or checkpoint can name entries that exist). */
async function verifyWithoutLogId(store: Store): Promise<VerifyLogResult> {
  const size = await store.audit.size();
  if (size === 0)
    return {
      ok: true,
      entries: 0,
      checkpointsVerified: 0,
      treeSize: 0,
      rootHash: toHex(EMPTY_TREE_ROOT),
      chainHead: '',
      uncheckpointed: 0,
    };
  return {
    ok: false,
    entriesChecked: 0,
    firstBad: {
      seq: 0,
      problem: 'CHECKPOINT_MISMATCH',
      detail: `the log holds ${size} entries but no sealer state or checkpoint names its log id`,
    },
  };
}

/** Audit paths for `seqs` in the tree of the first `size` entries (the tree is rebuilt from the stored leaf hashes). */
export async function inclusionProofs(store: Store, seqs: readonly number[], size: number): Promise<Map<number, string[]>> {
  const tree = new MerkleTree();
  for await (const h of store.audit.entryHashes(size)) tree.append(fromHex(h) ?? Buffer.alloc(32));
  const proofs = new Map<number, string[]>();
  for (const seq of seqs) if (seq < tree.size && size <= tree.size) proofs.set(seq, tree.inclusionProof(seq, size).map(toHex));
  return proofs;
}

/**
 * docs/audit.md: everything the log holds about a lead, in order, each entry with its inclusion proof
 * against the latest signed checkpoint, and the checkpoint with its public key: an outside tool can
 * check it with SHA-256 and Ed25519 alone. undefined when the log has no entry about the lead.
 */
export async function leadStory(store: Store, leadId: string): Promise<LeadStory | undefined> {
  const rows = await store.audit.rowsForSubject(leadId);
  if (rows.length === 0) return undefined;
  const [checkpoint, keys, logId] = await Promise.all([store.audit.latestCheckpoint(), store.audit.keyRing(), store.audit.logId()]);
  if (!checkpoint) return undefined;
  const proofs = await inclusionProofs(
    store,
    rows.filter((r) => r.seq < checkpoint.treeSize).map((r) => r.seq),
    checkpoint.treeSize,
  );
  return buildLeadStory({ logId: logId ?? checkpoint.logId, subject: leadId, rows, checkpoint, keys, proofs });
}

const escapeHtml = (s: string) => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

/** The readable story as a self-contained HTML page (the text report, plus the JSON document for machines). */
export function leadStoryHtml(story: LeadStory, text: string): string {
  const verdict = story.integrity.verified ? 'VERIFIED' : 'NOT VERIFIED';
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>Audit story of ${escapeHtml(story.subject)}</title>`,
    '<style>body{font:14px/1.45 system-ui,sans-serif;margin:2rem;max-width:70rem}' +
      'pre{white-space:pre-wrap;background:#f6f6f6;padding:1rem}.ok{color:#064}.bad{color:#a00}</style>',
    '</head><body>',
    `<h1>Audit story of ${escapeHtml(story.subject)}</h1>`,
    `<p class="${story.integrity.verified ? 'ok' : 'bad'}">Integrity: ${verdict} against checkpoint ` +
      `${story.checkpoint.checkpoint.treeSize} signed ${escapeHtml(story.checkpoint.checkpoint.at)} by key ` +
      `${escapeHtml(story.checkpoint.checkpoint.keyId)}</p>`,
    `<pre>${escapeHtml(text)}</pre>`,
    '<h2>Machine-readable document</h2>',
    `<script type="application/json" id="remit-lead-story">${JSON.stringify(story).replaceAll('<', '\\u003c')}</script>`,
    '</body></html>',
  ].join('\n');
}

/** Date-range export (docs/audit.md): JSON lines or CSV of the sealed rows with `at` in [fromAt, toAt). */
export function exportAuditRange(
  store: Store,
  range: { readonly fromAt?: string; readonly toAt?: string },
  format: 'jsonl' | 'csv',
): AsyncIterable<string> {
  const rows: AsyncIterable<SealedAuditRow> = store.audit.rowsInDateRange(range);
  return format === 'csv' ? exportCsv(rows) : exportJsonLines(rows);
}
