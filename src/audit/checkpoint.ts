import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import type { Result } from '../domain/shared/result.ts';
import { err, ok } from '../domain/shared/result.ts';
import type { FrontierSnapshot } from './merkle-tree.ts';

/**
 * Signed checkpoints (signed tree heads). A checkpoint commits, under an Ed25519 signature, to the
 * log id, the tree size, the RFC 6962 root of the first `treeSize` entries, the chain head (the
 * entryHash of entry treeSize-1) and the time. The signed bytes are a small UTF-8 text (below), so
 * an outside tool can rebuild and verify them with nothing but the public key.
 *
 *   remit-audit-checkpoint/v1
 *   log: <logId>
 *   size: <treeSize, decimal>
 *   root: <rootHash, hex>
 *   chain: <chainHead, hex>
 *   at: <ISO-8601 UTC>
 *   key: <keyId>
 *
 * (each line ends with "\n"). Key id = first 8 bytes, hex, of SHA-256 of the raw 32-byte Ed25519 public key.
 */

export const CHECKPOINT_FORMAT = 'remit-audit-checkpoint/v1';

export interface CheckpointBody {
  readonly logId: string;
  readonly treeSize: number;
  /** RFC 6962 root of entries [0, treeSize), hex. */
  readonly rootHash: string;
  /** entryHash of entry treeSize-1 (the genesis hash when treeSize is 0), hex. */
  readonly chainHead: string;
  readonly at: string;
}

export interface SignedCheckpoint extends CheckpointBody {
  readonly keyId: string;
  /** Ed25519 signature over checkpointSignedText(…), base64. */
  readonly signature: string;
}

/**
 * A checkpoint as the store keeps it: the signed part plus the tree frontier at that size (unsigned,
 * but self-verifying: it must fold to the signed root). The frontier lets a verifier start a range
 * verification at this checkpoint without re-reading earlier entries.
 */
export interface StoredCheckpoint extends SignedCheckpoint {
  readonly frontier?: FrontierSnapshot;
}

/** A public key in the ring. validTo null = still current. A checkpoint verifies only with the key it names, dated within its validity. */
export interface PublicKeyRecord {
  readonly keyId: string;
  /** Raw 32-byte Ed25519 public key, base64. */
  readonly publicKey: string;
  readonly validFrom: string;
  readonly validTo: string | null;
}

export type KeyRing = readonly PublicKeyRecord[];

/** Private signing key with its id and validity; lives outside the log (KMS, secret store, file). */
export interface SigningKey {
  readonly keyId: string;
  readonly privateKey: KeyObject;
  readonly validFrom: string;
  readonly validTo: string | null;
}

export type CheckpointProblem = 'MALFORMED' | 'WRONG_LOG' | 'UNKNOWN_KEY' | 'KEY_NOT_VALID_AT' | 'BAD_SIGNATURE' | 'NO_SIGNING_KEY';
export interface CheckpointError {
  readonly code: CheckpointProblem;
  readonly detail: string;
}

// ---------------------------------------------------------------------------------------------
// Keys.

export function rawPublicKey(publicKey: KeyObject): Buffer {
  const jwk = publicKey.export({ format: 'jwk' });
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') throw new TypeError('not an Ed25519 public key');
  return Buffer.from(jwk.x, 'base64url');
}

export function publicKeyFromRaw(raw: Uint8Array): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(raw).toString('base64url') }, format: 'jwk' });
}

/** First 8 bytes (16 hex digits) of SHA-256 of the raw public key. */
export function keyIdOf(raw: Uint8Array): string {
  return createHash('sha256').update(raw).digest('hex').slice(0, 16);
}

export function publicKeyRecord(publicKey: KeyObject, validFrom: string, validTo: string | null = null): PublicKeyRecord {
  const raw = rawPublicKey(publicKey);
  return { keyId: keyIdOf(raw), publicKey: raw.toString('base64'), validFrom, validTo };
}

/** `keyId`: the key's id when the caller has derived it already (deriving exports and hashes the public half). */
export function signingKey(
  privateKey: KeyObject,
  validFrom: string,
  validTo: string | null = null,
  keyId: string = keyIdOf(rawPublicKey(createPublicKey(privateKey))),
): SigningKey {
  return { keyId, privateKey, validFrom, validTo };
}

const isoMillis = (s: string): number => Date.parse(s);
/** Is `at` within [from, to)? Compared as instants, so differing fractional digits do not matter; unparsable → false. */
const validAt = (at: string, from: string, to: string | null): boolean => {
  const t = isoMillis(at);
  const f = isoMillis(from);
  const u = to === null ? Infinity : isoMillis(to);
  return !Number.isNaN(t) && !Number.isNaN(f) && !Number.isNaN(u) && t >= f && t < u;
};

/** The signing key to use at `at`: among keys valid then, the one that became valid last. */
export function currentSigningKey(keys: readonly SigningKey[], at: string): Result<SigningKey, CheckpointError> {
  const valid = keys.filter((k) => validAt(at, k.validFrom, k.validTo));
  if (valid.length === 0) return err({ code: 'NO_SIGNING_KEY', detail: `no signing key is valid at ${at}` });
  return ok(valid.reduce((a, b) => (isoMillis(b.validFrom) > isoMillis(a.validFrom) ? b : a)));
}

/**
 * Rotation: the ring gains `next`; every key still open-ended (validTo null) is closed at
 * next.validFrom. Old checkpoints keep verifying with their own key id; new ones must use `next`.
 */
export function rotateKeyRing(ring: KeyRing, next: PublicKeyRecord): KeyRing {
  return [...ring.filter((k) => k.keyId !== next.keyId).map((k) => (k.validTo === null ? { ...k, validTo: next.validFrom } : k)), next];
}

// ---------------------------------------------------------------------------------------------
// Signing and verification.

function bodyProblem(body: CheckpointBody): string | undefined {
  if (body.logId.length === 0 || /[\r\n]/.test(body.logId)) return 'logId must be non-empty and on one line';
  if (!Number.isSafeInteger(body.treeSize) || body.treeSize < 0) return 'treeSize must be a non-negative integer';
  if (!/^[0-9a-f]{64}$/.test(body.rootHash)) return 'rootHash must be 64 lowercase hex digits';
  if (!/^[0-9a-f]{64}$/.test(body.chainHead)) return 'chainHead must be 64 lowercase hex digits';
  if (Number.isNaN(Date.parse(body.at)) || /[\r\n]/.test(body.at)) return 'at must be an ISO-8601 timestamp';
  return undefined;
}

/** The exact bytes (as UTF-8 text) that are signed. */
export function checkpointSignedText(body: CheckpointBody, keyId: string): string {
  return (
    `${CHECKPOINT_FORMAT}\nlog: ${body.logId}\nsize: ${body.treeSize}\nroot: ${body.rootHash}\nchain: ${body.chainHead}\nat: ` +
    `${body.at}\nkey: ${keyId}\n`
  );
}

export function signCheckpoint(body: CheckpointBody, key: SigningKey): Result<SignedCheckpoint, CheckpointError> {
  const problem = bodyProblem(body);
  if (problem) return err({ code: 'MALFORMED', detail: problem });
  if (!validAt(body.at, key.validFrom, key.validTo))
    return err({ code: 'KEY_NOT_VALID_AT', detail: `key ${key.keyId} is not valid at ${body.at}` });
  const signature = sign(null, Buffer.from(checkpointSignedText(body, key.keyId), 'utf8'), key.privateKey).toString('base64');
  return ok({
    logId: body.logId,
    treeSize: body.treeSize,
    rootHash: body.rootHash,
    chainHead: body.chainHead,
    at: body.at,
    keyId: key.keyId,
    signature,
  });
}

/** Verifies the signature with the ring: the named key must exist, match its id, be valid at `at`, and the signature must verify. */
export function verifyCheckpoint(cp: SignedCheckpoint, ring: KeyRing, expectedLogId?: string): Result<PublicKeyRecord, CheckpointError> {
  const problem = bodyProblem(cp);
  if (problem) return err({ code: 'MALFORMED', detail: problem });
  if (expectedLogId !== undefined && cp.logId !== expectedLogId)
    return err({ code: 'WRONG_LOG', detail: `checkpoint is for log "${cp.logId}", expected "${expectedLogId}"` });
  const key = ring.find((k) => k.keyId === cp.keyId);
  if (!key) return err({ code: 'UNKNOWN_KEY', detail: `no public key with id ${cp.keyId} in the key ring` });
  const raw = Buffer.from(key.publicKey, 'base64');
  if (raw.length !== 32 || keyIdOf(raw) !== key.keyId)
    return err({ code: 'UNKNOWN_KEY', detail: `key ring entry ${key.keyId} does not hash to its id` });
  if (!validAt(cp.at, key.validFrom, key.validTo))
    return err({
      code: 'KEY_NOT_VALID_AT',
      detail: `key ${key.keyId} is valid ${key.validFrom} to ${key.validTo ?? 'now'}, checkpoint is dated ${cp.at}`,
    });
  const sig = Buffer.from(cp.signature, 'base64');
  let good = false;
  try {
    good = sig.length === 64 && verify(null, Buffer.from(checkpointSignedText(cp, cp.keyId), 'utf8'), publicKeyFromRaw(raw), sig);
  } catch {
    good = false;
  }
  return good
    ? ok(key)
    : err({ code: 'BAD_SIGNATURE', detail: `signature of checkpoint at size ${cp.treeSize} does not verify with key ${cp.keyId}` });
}

// ---------------------------------------------------------------------------------------------
// Export: JSON and a human-readable note, verifiable with only the public key(s).

export interface CheckpointExport {
  readonly format: 'remit-audit-checkpoint-export/v1';
  readonly checkpoint: SignedCheckpoint;
  /** The exact signed text (UTF-8). */
  readonly signedText: string;
  readonly publicKeys: KeyRing;
  readonly howToVerify: string;
}

const HOW_TO_VERIFY =
  'Check that SHA-256(raw public key) starts with the keyId (16 hex digits); rebuild signedText from the fields ' +
  '(or use it as given and compare); verify the base64 Ed25519 signature over the UTF-8 bytes of signedText with the raw 32-byte public ' +
  'key; ' +
  "check that `at` lies within the key's validFrom/validTo. Entries are RFC 6962 leaves: SHA-256(0x00 ‖ canonical entry JSON); " +
  'interior nodes SHA-256(0x01 ‖ left ‖ right); inclusion proofs are RFC 6962 audit paths (verify per RFC 9162 §2.1.3.2).';

export function exportCheckpoint(cp: SignedCheckpoint, ring: KeyRing): CheckpointExport {
  return {
    format: 'remit-audit-checkpoint-export/v1',
    checkpoint: {
      logId: cp.logId,
      treeSize: cp.treeSize,
      rootHash: cp.rootHash,
      chainHead: cp.chainHead,
      at: cp.at,
      keyId: cp.keyId,
      signature: cp.signature,
    },
    signedText: checkpointSignedText(cp, cp.keyId),
    publicKeys: ring.filter((k) => k.keyId === cp.keyId),
    howToVerify: HOW_TO_VERIFY,
  };
}

/**
 * A readable note (in the spirit of the C2SP signed-note format): the signed text, a blank line, and
 * one signature line `— <keyId> <base64 signature>`.
 */
export function checkpointNote(cp: SignedCheckpoint): string {
  return `${checkpointSignedText(cp, cp.keyId)}\n\u2014 ${cp.keyId} ${cp.signature}\n`;
}

/** The note's exact shape: the signed text, a blank line, then "— keyId signature". */
const CHECKPOINT_NOTE = new RegExp(
  String.raw`^remit-audit-checkpoint\/v1\nlog: ([^\n]+)\nsize: (\d+)\nroot: ([0-9a-f]{64})\nchain: ([0-9a-f]{64})\n` +
    String.raw`at: ([^\n]+)\nkey: ([0-9a-f]{16})\n\n\u2014 ([0-9a-f]{16}) ([A-Za-z0-9+/=]+)\n?$`,
);

/** Parses a note back into a checkpoint (the signature is not checked here: call verifyCheckpoint). */
export function parseCheckpointNote(note: string): Result<SignedCheckpoint, CheckpointError> {
  const m = CHECKPOINT_NOTE.exec(note);
  if (!m) return err({ code: 'MALFORMED', detail: 'not a remit-audit-checkpoint/v1 note' });
  const [, logId, size, rootHash, chainHead, at, keyId, sigKeyId, signature] = m as unknown as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if (keyId !== sigKeyId) return err({ code: 'MALFORMED', detail: `signature line names key ${sigKeyId}, body names ${keyId}` });
  return ok({ logId, treeSize: Number(size), rootHash, chainHead, at, keyId, signature });
}
