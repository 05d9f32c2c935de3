import { generateKeyPairSync } from 'node:crypto';
import type { AuditEvent, AuditKind, SealedAuditRow } from '../../src/audit/audit-entry.ts';
import { AuditSealer } from '../../src/audit/audit-sealer.ts';
import type { KeyRing, SigningKey, StoredCheckpoint } from '../../src/audit/checkpoint.ts';
import { publicKeyRecord, signingKey } from '../../src/audit/checkpoint.ts';

export const LOG_ID = 'remit-test-log';
const KINDS: readonly AuditKind[] = ['intake', 'dedupe', 'screening', 'decision', 'lifecycle', 'outreach', 'review'];

export function newKey(validFrom = '2026-01-01T00:00:00.000Z', validTo: string | null = null): { signer: SigningKey; ring: KeyRing } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { signer: signingKey(privateKey, validFrom, validTo), ring: [publicKeyRecord(publicKey, validFrom, validTo)] };
}

export function event(i: number): AuditEvent {
  const at = new Date(Date.UTC(2026, 2, 1, 9, 0, 0) + i * 1000).toISOString();
  return {
    kind: KINDS[i % KINDS.length]!,
    subject: `lead-${i % 17}`,
    actor: i % 5 === 0 ? 'user:alice' : 'system',
    at,
    payload: { n: i, note: `event number ${i}`, nested: { flags: [i % 2 === 0, null], score: i / 7 } },
    commitments: i % 3 === 0 ? { email: `hmac-sha256:${'ab'.repeat(32)}` } : {},
  };
}

/** A sealed log of n entries with a checkpoint every `every` entries (and none at the tail unless n is a multiple). */
export function buildLog(
  n: number,
  every = 100,
  key = newKey(),
): { rows: SealedAuditRow[]; checkpoints: StoredCheckpoint[]; ring: KeyRing; signer: SigningKey } {
  const sealer = AuditSealer.start(LOG_ID);
  const rows: SealedAuditRow[] = [];
  const checkpoints: StoredCheckpoint[] = [];
  for (let i = 0; i < n; i++) {
    rows.push(...sealer.seal([event(i)]));
    if ((i + 1) % every === 0) {
      const cp = sealer.checkpoint(new Date(Date.UTC(2026, 2, 1, 10) + i * 1000).toISOString(), key.signer);
      if (!cp.ok) throw new Error(cp.error.detail);
      checkpoints.push(cp.value);
    }
  }
  return { rows, checkpoints, ring: key.ring, signer: key.signer };
}

export async function* asAsync<T>(items: Iterable<T>): AsyncGenerator<T> {
  for (const x of items) yield x;
}
