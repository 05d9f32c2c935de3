import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { JsonValue, SealedAuditRow, StoredAuditRow } from '../../src/audit/audit-entry.ts';
import { canonicalText } from '../../src/audit/canonical-text.ts';
import { entryHashHex } from '../../src/audit/audit-entry.ts';
import { signCheckpoint } from '../../src/audit/checkpoint.ts';
import { rangeStartFor, verifyLog, verifyStoredRows, type VerifyLogResult } from '../../src/audit/verify-log.ts';
import { LOG_ID, asAsync, buildLog, event, newKey } from './audit-fixtures.ts';

const N = 300;
const base = buildLog(N, 100); // checkpoints at 100, 200, 300

/** The row as a store holds it: payload and commitments as their canonical text. */
const stored = (r: SealedAuditRow): StoredAuditRow => ({
  seq: r.seq,
  kind: r.kind,
  subject: r.subject,
  actor: r.actor,
  at: r.at,
  payloadText: canonicalText(r.payload)!,
  commitmentsText: canonicalText(r.commitments)!,
  prevHash: r.prevHash,
  entryHash: r.entryHash,
});

/** Both verifiers: parsed entries (re-serialised) and stored rows (their text hashed as is) must say exactly the same. */
const verify = async (
  rows: readonly SealedAuditRow[],
  checkpoints = base.checkpoints,
  opts: { from?: number; to?: number } = {},
): Promise<VerifyLogResult> => {
  const parsed = await verifyLog(asAsync(rows), checkpoints, base.ring, { logId: LOG_ID, ...opts });
  const asStored = await verifyStoredRows(asAsync(rows.map(stored)), checkpoints, base.ring, { logId: LOG_ID, ...opts });
  expect(asStored).toEqual(parsed);
  return parsed;
};

const bad = (r: VerifyLogResult) => {
  if (r.ok) throw new Error('expected a failure, log verified');
  return { seq: r.firstBad.seq, problem: r.firstBad.problem };
};

/** Rehash a row as the sealer would, at its current seq and with the given prevHash. */
function reseal(row: SealedAuditRow, prevHash: string): SealedAuditRow {
  return { ...row, prevHash, entryHash: entryHashHex({ ...row, prevHash }) };
}
/** Rewrites every hash from position `start` on, as a careful attacker with database access would. */
function rechain(rows: SealedAuditRow[], start: number): SealedAuditRow[] {
  const out = rows.slice(0, start);
  for (let i = start; i < rows.length; i++) out.push(reseal({ ...rows[i]!, seq: i }, i === 0 ? rows[0]!.prevHash : out[i - 1]!.entryHash));
  return out;
}

/** Flips one byte of the canonical JSON text of the payload (inside a string value, so it stays valid JSON). */
function flipPayloadByte(payload: JsonValue): JsonValue {
  const text = JSON.stringify(payload);
  const i = text.indexOf('event number') + 3;
  return JSON.parse(text.slice(0, i) + String.fromCharCode(text.charCodeAt(i) ^ 1) + text.slice(i + 1)) as JsonValue;
}

describe('verifyLog — untampered', () => {
  it('verifies the whole log, every checkpoint, from an async iterable', async () => {
    const r = await verify(base.rows);
    expect(r).toMatchObject({ ok: true, entries: N, checkpointsVerified: 3, treeSize: N, uncheckpointed: 0 });
    if (r.ok) expect(r.rootHash).toBe(base.checkpoints[2]!.rootHash);
  });

  it('accepts a plain array and reports entries after the last checkpoint as uncheckpointed', async () => {
    const longer = buildLog(330, 100);
    const r = await verifyLog(longer.rows, longer.checkpoints, longer.ring, { logId: LOG_ID });
    expect(r).toMatchObject({ ok: true, entries: 330, checkpointsVerified: 3, uncheckpointed: 30 });
  });

  it('stored rows: text that parses to the same value but is not the sealed bytes is EDITED (the bytes are hashed)', async () => {
    const rows = base.rows.map(stored);
    const k = 77;
    const spaced = rows.map((r, i) => (i === k ? { ...r, payloadText: JSON.stringify(JSON.parse(r.payloadText), null, 1) } : r));
    expect(JSON.parse(spaced[k]!.payloadText)).toEqual(base.rows[k]!.payload);
    const out = await verifyStoredRows(asAsync(spaced), base.checkpoints, base.ring, { logId: LOG_ID });
    expect(bad(out)).toEqual({ seq: k, problem: 'EDITED' });
    expect(await verifyStoredRows(asAsync(rows), base.checkpoints, base.ring, { logId: LOG_ID })).toMatchObject({ ok: true, entries: N });
  });

  it('an empty log with no checkpoint verifies; the wrong log id does not', async () => {
    expect(await verifyLog([], [], base.ring, { logId: LOG_ID })).toMatchObject({ ok: true, entries: 0 });
    expect(bad(await verifyLog(base.rows, base.checkpoints, base.ring, { logId: 'other-log' })).problem).toBe('BAD_SIGNATURE');
  });
});

describe('verifyLog — each tampering kind is named at the exact seq', () => {
  it.each([0, 1, 57, 100, 199, 299])('a byte flipped in the payload of entry %i → EDITED there', async (k) => {
    const rows = base.rows.map((r, i) => (i === k ? { ...r, payload: flipPayloadByte(r.payload) } : r));
    expect(bad(await verify(rows))).toEqual({ seq: k, problem: 'EDITED' });
  });

  it.each(['kind', 'subject', 'actor', 'at', 'commitments', 'prevHash', 'entryHash', 'seq'] as const)(
    'an edit to field %s of entry 123 → EDITED at 123',
    async (field) => {
      const r0 = base.rows[123]!;
      const edits: Record<typeof field, Partial<SealedAuditRow>> = {
        kind: { kind: 'review' },
        subject: { subject: 'lead-999' },
        actor: { actor: 'user:mallory' },
        at: { at: '2026-03-01T09:02:04.000Z' },
        commitments: { commitments: { email: `hmac-sha256:${'ac'.repeat(32)}` } },
        prevHash: { prevHash: r0.entryHash },
        entryHash: { entryHash: r0.prevHash },
        seq: { seq: 4000 },
      };
      const rows = base.rows.map((r, i) => (i === 123 ? { ...r, ...edits[field] } : r));
      const out = await verify(rows);
      expect(bad(out)).toEqual({ seq: 123, problem: 'EDITED' });
    },
  );

  it('an edit whose row hashes were recomputed is still EDITED at that entry (the next entry remembers the old hash)', async () => {
    const rows = base.rows.map((r, i) => (i === 150 ? reseal({ ...r, payload: { rewritten: true } }, r.prevHash) : r));
    expect(bad(await verify(rows))).toEqual({ seq: 150, problem: 'EDITED' });
  });

  it('an edit with the whole chain rewritten after it is caught by the signed checkpoint covering it', async () => {
    const edited = base.rows.map((r, i) => (i === 150 ? { ...r, payload: { rewritten: true } } : r));
    const out = await verify(rechain(edited, 150));
    expect(bad(out)).toEqual({ seq: 100, problem: 'CHECKPOINT_MISMATCH' });
    if (!out.ok) expect(out.firstBad.detail).toContain('[100, 200)');
  });

  it.each([0, 42, 100, 298])('entry %i deleted → DELETED there', async (k) => {
    const rows = base.rows.filter((_, i) => i !== k);
    expect(bad(await verify(rows))).toEqual({ seq: k, problem: 'DELETED' });
  });

  it('several entries deleted → DELETED at the first; the detail names the gap', async () => {
    const out = await verify(base.rows.filter((_, i) => i < 60 || i > 64));
    expect(bad(out)).toEqual({ seq: 60, problem: 'DELETED' });
    if (!out.ok) expect(out.firstBad.detail).toContain('60..64');
  });

  it('entry deleted and later entries renumbered → DELETED there', async () => {
    const rows = base.rows.filter((_, i) => i !== 77).map((r, i) => ({ ...r, seq: i }));
    expect(bad(await verify(rows))).toEqual({ seq: 77, problem: 'DELETED' });
  });

  it.each([0, 99, 150, 298])('entries %i and next swapped in order → REORDERED there', async (k) => {
    const rows = [...base.rows];
    [rows[k], rows[k + 1]] = [rows[k + 1]!, rows[k]!];
    expect(bad(await verify(rows))).toEqual({ seq: k, problem: 'REORDERED' });
  });

  it('seq numbers of entries k and k+1 exchanged (the database order follows) → REORDERED at k', async () => {
    const k = 210;
    const rows = [...base.rows];
    [rows[k], rows[k + 1]] = [
      { ...rows[k + 1]!, seq: k },
      { ...rows[k]!, seq: k + 1 },
    ];
    expect(bad(await verify(rows))).toEqual({ seq: k, problem: 'REORDERED' });
  });

  it('a well-formed entry inserted with later entries renumbered → INSERTED there', async () => {
    const k = 88;
    const forged = reseal({ ...base.rows[k]!, ...event(9999), seq: k }, base.rows[k]!.prevHash);
    const rows = [...base.rows.slice(0, k), forged, ...base.rows.slice(k).map((r) => ({ ...r, seq: r.seq + 1 }))];
    expect(bad(await verify(rows))).toEqual({ seq: k, problem: 'INSERTED' });
  });

  it('an extra entry claiming an existing seq → INSERTED at that seq (before or after the genuine one)', async () => {
    const k = 130;
    const forged = reseal({ ...base.rows[k]!, payload: { forged: true } }, base.rows[k]!.prevHash);
    expect(bad(await verify([...base.rows.slice(0, k), forged, ...base.rows.slice(k)]))).toEqual({ seq: k, problem: 'INSERTED' });
    const sloppy = { ...base.rows[k]!, payload: { forged: true } }; // hashes not recomputed
    expect(bad(await verify([...base.rows.slice(0, k), sloppy, ...base.rows.slice(k)]))).toEqual({ seq: k, problem: 'INSERTED' });
    expect(bad(await verify([...base.rows.slice(0, k + 1), base.rows[k]!, ...base.rows.slice(k + 1)]))).toEqual({
      seq: k,
      problem: 'INSERTED',
    });
  });

  it.each([250, 299, 0])('tail dropped from %i (below the last checkpoint size) → TRUNCATED at the first missing seq', async (k) => {
    const out = await verify(base.rows.slice(0, k));
    expect(bad(out)).toEqual({ seq: k, problem: 'TRUNCATED' });
    if (!out.ok) expect(out.firstBad.detail).toContain(`covers ${N}`);
  });

  it('a forged checkpoint → BAD_SIGNATURE (unknown key, or a ring key id over a different key)', async () => {
    const intruder = newKey();
    const last = base.checkpoints[2]!;
    const forged = signCheckpoint(
      { logId: LOG_ID, treeSize: 400, rootHash: last.rootHash, chainHead: last.chainHead, at: last.at },
      intruder.signer,
    );
    if (!forged.ok) throw new Error('sign');
    const withForged = [...base.checkpoints, forged.value];
    expect(bad(await verify(base.rows, withForged))).toEqual({ seq: 399, problem: 'BAD_SIGNATURE' });
    const claiming = [...base.checkpoints.slice(0, 2), { ...forged.value, treeSize: 300, keyId: base.signer.keyId }];
    expect(bad(await verify(base.rows, claiming))).toEqual({ seq: 299, problem: 'BAD_SIGNATURE' });
    const altered = [base.checkpoints[0]!, { ...base.checkpoints[1]!, rootHash: base.checkpoints[0]!.rootHash }, base.checkpoints[2]!];
    expect(bad(await verify(base.rows, altered))).toEqual({ seq: 199, problem: 'BAD_SIGNATURE' });
  });

  it('property: one random tampering of a random kind at a random position is named exactly', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('edit', 'delete', 'swap', 'truncate', 'resealed-edit'),
        fc.integer({ min: 0, max: N - 2 }),
        async (op, k) => {
          let rows = [...base.rows];
          let expected: { seq: number; problem: string };
          switch (op) {
            case 'edit':
              rows[k] = { ...rows[k]!, payload: flipPayloadByte(rows[k]!.payload) };
              expected = { seq: k, problem: 'EDITED' };
              break;
            case 'resealed-edit':
              rows[k] = reseal({ ...rows[k]!, actor: 'user:mallory' }, rows[k]!.prevHash);
              expected = { seq: k, problem: 'EDITED' };
              break;
            case 'delete':
              rows.splice(k, 1);
              expected = { seq: k, problem: 'DELETED' };
              break;
            case 'swap':
              [rows[k], rows[k + 1]] = [rows[k + 1]!, rows[k]!];
              expected = { seq: k, problem: 'REORDERED' };
              break;
            default:
              rows = rows.slice(0, k);
              expected = { seq: k, problem: 'TRUNCATED' };
          }
          expect(bad(await verify(rows))).toEqual(expected);
        },
      ),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 100) },
    );
  });
});

describe('verifyLog — ranges', () => {
  it('verifies [100, 200) from the checkpoint frontier without reading earlier entries', async () => {
    const out = await verify(base.rows.slice(100), base.checkpoints, { from: 100, to: 200 });
    expect(out).toMatchObject({ ok: true, entries: 100, checkpointsVerified: 2, treeSize: 200 });
    if (out.ok) expect(out.rootHash).toBe(base.checkpoints[1]!.rootHash);
  });

  it('finds tampering inside a range at its seq, and a truncation before the range end', async () => {
    const rows = base.rows.slice(100).map((r) => (r.seq === 170 ? { ...r, payload: flipPayloadByte(r.payload) } : r));
    expect(bad(await verify(rows, base.checkpoints, { from: 100, to: 300 }))).toEqual({ seq: 170, problem: 'EDITED' });
    expect(bad(await verify(base.rows.slice(100, 180), base.checkpoints, { from: 100, to: 300 }))).toEqual({
      seq: 180,
      problem: 'TRUNCATED',
    });
  });

  it('tampering outside the range is not read, so not reported', async () => {
    const rows = base.rows.map((r) => (r.seq === 20 ? { ...r, payload: { edited: 1 } } : r));
    expect((await verify(rows.slice(200), base.checkpoints, { from: 200 })).ok).toBe(true);
  });

  it('a range start must be a checkpoint with a frontier; rangeStartFor finds the one to read from', async () => {
    expect(rangeStartFor(base.checkpoints, 150)).toBe(100);
    expect(rangeStartFor(base.checkpoints, 99)).toBe(0);
    await expect(verify(base.rows.slice(150), base.checkpoints, { from: 150 })).rejects.toThrow(RangeError);
  });

  it('a doctored frontier or a wrong first prevHash at the range start is a CHECKPOINT_MISMATCH', async () => {
    const cps = base.checkpoints.map((c, i) =>
      i === 0 ? { ...c, frontier: { size: 100, hashes: c.frontier!.hashes.map((h, j) => (j === 0 ? 'ff'.repeat(32) : h)) } } : c,
    );
    expect(bad(await verify(base.rows.slice(100), cps, { from: 100 }))).toEqual({ seq: 100, problem: 'CHECKPOINT_MISMATCH' });
    const rows = base.rows.slice(100);
    rows[0] = reseal({ ...rows[0]! }, 'ee'.repeat(32));
    expect(bad(await verify(rows, base.checkpoints, { from: 100 }))).toEqual({ seq: 100, problem: 'CHECKPOINT_MISMATCH' });
  });
});
