import { DatabaseSync } from 'node:sqlite';
import { parentPort, workerData } from 'node:worker_threads';
import { LeafRangeScanner, type LeafRangeDigest } from '../../audit/leaf-range-scan.ts';
import type { PayloadFields } from '../../audit/payload-projection.ts';
import type { DigestAnswer, DigestTask } from '../sql/audit-digest-pool.ts';
import { splicedText } from '../sql/audit-decision-ref.ts';
import { toWire } from '../sql/audit-digest-wire.ts';

/**
 * `audit verify` range digests on a worker thread (sql/audit-digest-pool.ts, issue 18): its own read-only connection to the
 * store's file reads each range asked for (rows as arrays, the columns the leaf needs) and checks it with
 * LeafRangeScanner; only the digest (leaf hashes, and the payload fields asked for, parsed here) goes back. Sealed rows are
 * never updated (triggers) and a seal adds whole batches, so every connection reads the same rows below the size the
 * verifier asked for, whichever WAL snapshot it sees.
 */

export interface DigestWorkerData {
  readonly path: string;
  readonly payloadFields: PayloadFields;
}

const { path, payloadFields } = workerData as DigestWorkerData;
const db = new DatabaseSync(path, { readOnly: true, timeout: 10_000 });
// A decision entry's document comes from its `decisions` row (migration 0049; audit-decision-ref.ts), as in every reader.
const select = db.prepare(
  'SELECT seq, kind, subject, actor, at, payload_json, commitments_json, prev_hash, entry_hash, decision_ref_at, ' +
    '(SELECT document_json FROM decisions WHERE decision_id = l.decision_ref) FROM audit_log AS l ' +
    'WHERE seq >= ? AND seq < ? ORDER BY seq',
);
// Arrays, not one object per row with nine named properties: the read is a third of the work.
select.setReturnArrays(true);

function digestOf(task: DigestTask): LeafRangeDigest {
  const scanner = new LeafRangeScanner(task, payloadFields);
  try {
    for (const r of select.iterate(task.from, task.to) as Iterable<unknown[]>) {
      const stored = String(r[5]);
      // As the store's reader (audit-repository.ts): a reference that does not hold leaves the stored text, which then
      // does not hash to the entry's hash, and the verifier names the entry.
      const payloadText = r[9] === null ? stored : (splicedText(stored, Number(r[9]), r[10] as string | null) ?? stored);
      const row = {
        seq: Number(r[0]),
        kind: String(r[1]),
        subject: String(r[2]),
        actor: String(r[3]),
        at: String(r[4]),
        payloadText,
        commitmentsText: String(r[6]),
        prevHash: String(r[7]),
        entryHash: String(r[8]),
      };
      if (!scanner.add(row)) break;
    }
  } catch (e) {
    return { kind: 'unclean', from: task.from, to: task.to, detail: `range could not be read: ${(e as Error).message}` };
  }
  return scanner.digest();
}

parentPort?.on('message', (task: DigestTask) => {
  const digest = digestOf(task);
  const answer: DigestAnswer = { id: task.id, digest: toWire(digest) };
  parentPort!.postMessage(answer, digest.kind === 'clean' ? [digest.leaves.buffer as ArrayBuffer] : []);
});
