import { createPublicKey, generateKeyPairSync, verify as edVerify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { CheckpointBody, SignedCheckpoint } from '../../src/audit/checkpoint.ts';
import {
  checkpointNote,
  checkpointSignedText,
  currentSigningKey,
  exportCheckpoint,
  keyIdOf,
  parseCheckpointNote,
  publicKeyRecord,
  rawPublicKey,
  rotateKeyRing,
  signCheckpoint,
  signingKey,
  verifyCheckpoint,
} from '../../src/audit/checkpoint.ts';
import { createHash } from 'node:crypto';
import { LOG_ID, newKey } from './audit-fixtures.ts';

const body = (over: Partial<CheckpointBody> = {}): CheckpointBody => ({
  logId: LOG_ID,
  treeSize: 42,
  rootHash: 'aa'.repeat(32),
  chainHead: 'bb'.repeat(32),
  at: '2026-03-01T10:00:00.000Z',
  ...over,
});
const signed = (r: ReturnType<typeof signCheckpoint>): SignedCheckpoint => {
  if (!r.ok) throw new Error(r.error.detail);
  return r.value;
};

describe('checkpoints', () => {
  it('key id is the first 8 bytes (hex) of SHA-256 of the raw public key', () => {
    const { publicKey } = generateKeyPairSync('ed25519');
    const raw = rawPublicKey(publicKey);
    expect(raw.length).toBe(32);
    expect(keyIdOf(raw)).toBe(createHash('sha256').update(raw).digest('hex').slice(0, 16));
    expect(publicKeyRecord(publicKey, '2026-01-01T00:00:00Z').keyId).toMatch(/^[0-9a-f]{16}$/);
  });

  it('signs and verifies; any change to a signed field breaks the signature', () => {
    const k = newKey();
    const cp = signed(signCheckpoint(body(), k.signer));
    expect(verifyCheckpoint(cp, k.ring, LOG_ID).ok).toBe(true);
    for (const tampered of [
      { ...cp, treeSize: 43 },
      { ...cp, rootHash: 'ab'.repeat(32) },
      { ...cp, chainHead: 'cc'.repeat(32) },
      { ...cp, at: '2026-03-01T10:00:01.000Z' },
      { ...cp, logId: 'other' },
    ]) {
      const v = verifyCheckpoint(tampered, k.ring);
      expect(v.ok).toBe(false);
      if (!v.ok) expect(v.error.code).toBe('BAD_SIGNATURE');
    }
    const wrongLog = verifyCheckpoint(cp, k.ring, 'another-log');
    expect(!wrongLog.ok && wrongLog.error.code).toBe('WRONG_LOG');
  });

  it('rejects a checkpoint signed by a key outside the ring, or claiming a ring key it was not signed with', () => {
    const k = newKey();
    const intruder = newKey();
    const forged = signed(signCheckpoint(body(), intruder.signer));
    const v1 = verifyCheckpoint(forged, k.ring);
    expect(!v1.ok && v1.error.code).toBe('UNKNOWN_KEY');
    const v2 = verifyCheckpoint({ ...forged, keyId: k.signer.keyId }, k.ring);
    expect(!v2.ok && v2.error.code).toBe('BAD_SIGNATURE');
  });

  it('rotation: new checkpoints use the new key, old ones keep verifying with theirs, a retired key cannot sign later', () => {
    const a = newKey('2026-01-01T00:00:00.000Z');
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const bSigner = signingKey(privateKey, '2026-06-01T00:00:00.000Z');
    const ring = rotateKeyRing(a.ring, publicKeyRecord(publicKey, '2026-06-01T00:00:00.000Z'));
    expect(ring.map((k) => [k.keyId, k.validTo])).toEqual([
      [a.signer.keyId, '2026-06-01T00:00:00.000Z'],
      [bSigner.keyId, null],
    ]);
    const signers = [{ ...a.signer, validTo: '2026-06-01T00:00:00.000Z' }, bSigner];
    const before = currentSigningKey(signers, '2026-03-01T00:00:00.000Z');
    const after = currentSigningKey(signers, '2026-07-01T00:00:00.000Z');
    expect(before.ok && before.value.keyId).toBe(a.signer.keyId);
    expect(after.ok && after.value.keyId).toBe(bSigner.keyId);
    const old = signed(signCheckpoint(body({ at: '2026-03-01T00:00:00.000Z' }), a.signer));
    const fresh = signed(signCheckpoint(body({ at: '2026-07-01T00:00:00.000Z', treeSize: 99 }), bSigner));
    expect(verifyCheckpoint(old, ring).ok).toBe(true);
    expect(verifyCheckpoint(fresh, ring).ok).toBe(true);
    // the retired key still signs mechanically (it is just a key) but the ring refuses it after its validTo
    const late = signed(signCheckpoint(body({ at: '2026-07-01T00:00:00.000Z' }), a.signer));
    const v = verifyCheckpoint(late, ring);
    expect(!v.ok && v.error.code).toBe('KEY_NOT_VALID_AT');
    // and a signer refuses to sign outside its own validity
    const refused = signCheckpoint(body({ at: '2026-07-01T00:00:00.000Z' }), signers[0]!);
    expect(!refused.ok && refused.error.code).toBe('KEY_NOT_VALID_AT');
    expect(currentSigningKey(signers, '2025-01-01T00:00:00.000Z').ok).toBe(false);
  });

  it('rejects malformed bodies before signing', () => {
    const k = newKey();
    for (const b of [body({ logId: 'a\nb' }), body({ treeSize: -1 }), body({ rootHash: 'xyz' }), body({ at: 'yesterday' })]) {
      const r = signCheckpoint(b, k.signer);
      expect(!r.ok && r.error.code).toBe('MALFORMED');
    }
  });

  it('JSON export and note verify with only the public key (an outside verifier using node:crypto alone)', () => {
    const k = newKey();
    const cp = signed(signCheckpoint(body(), k.signer));
    const exported = JSON.parse(JSON.stringify(exportCheckpoint(cp, k.ring))) as ReturnType<typeof exportCheckpoint>;
    const outsideVerify = (signedText: string, signatureB64: string, publicKeyB64: string): boolean => {
      const raw = Buffer.from(publicKeyB64, 'base64');
      const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
      return edVerify(null, Buffer.from(signedText, 'utf8'), key, Buffer.from(signatureB64, 'base64'));
    };
    expect(exported.signedText).toBe(checkpointSignedText(cp, cp.keyId));
    expect(exported.signedText).toContain(`log: ${LOG_ID}\nsize: 42\n`);
    expect(outsideVerify(exported.signedText, exported.checkpoint.signature, exported.publicKeys[0]!.publicKey)).toBe(true);
    expect(
      outsideVerify(exported.signedText.replace('size: 42', 'size: 41'), exported.checkpoint.signature, exported.publicKeys[0]!.publicKey),
    ).toBe(false);

    const note = checkpointNote(cp);
    expect(note).toMatch(/^remit-audit-checkpoint\/v1\nlog: remit-test-log\nsize: 42\nroot: a{64}\n/);
    const parsed = parseCheckpointNote(note);
    expect(parsed.ok && parsed.value).toEqual(cp);
    expect(parsed.ok && verifyCheckpoint(parsed.value, k.ring).ok).toBe(true);
    expect(parseCheckpointNote(note.replace('size: 42', 'size: x')).ok).toBe(false);
  });
});
