import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AuditSigner, keyIdOfPrivate } from '../../src/app/audit/audit-signing-key.ts';
import { signingKey, type PublicKeyRecord } from '../../src/audit/index.ts';
import type { UnitOfWork } from '../../src/store/unit-of-work.ts';

/** A unit of work with only the key ring, counting its reads and writes. */
function ringTx(ring: PublicKeyRecord[] = []) {
  const counts = { reads: 0, adds: 0 };
  const tx = {
    audit: {
      keyRing: async () => (counts.reads++, ring.map((k) => ({ ...k }))),
      addKey: async (k: PublicKeyRecord) => {
        counts.adds++;
        ring.push(k);
      },
    },
  } as unknown as UnitOfWork;
  return { tx, counts, ring };
}

/** The sealer asks for its key every round (lane sealcost: one ring read per round once the key is registered). */
describe('AuditSigner.keyAt', () => {
  const at = '2026-12-07T04:00:00.000Z';

  it('registers a new key once (ring read, written, read again); later rounds read the ring once and write nothing', async () => {
    const key = generateKeyPairSync('ed25519').privateKey;
    const signer = new AuditSigner({ file: '/nonexistent/key.pem' }, key);
    const { tx, counts, ring } = ringTx();
    const first = await signer.keyAt(tx, at);
    expect(counts).toEqual({ reads: 2, adds: 1 });
    expect(ring.map((k) => k.keyId)).toEqual([keyIdOfPrivate(key)]);
    const next = await signer.keyAt(tx, at);
    expect(counts).toEqual({ reads: 3, adds: 1 });
    // The same signing key the library derives from the private key and the ring's validity.
    for (const k of [first, next]) expect(k).toEqual(signingKey(key, '1970-01-01T00:00:00.000Z', null));
  });
});
