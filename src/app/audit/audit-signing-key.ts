import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, linkSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { threadId } from 'node:worker_threads';
import { publicKeyRecord, signingKey, type KeyRing, type SigningKey } from '../../audit/index.ts';
import { keyIdOf, rawPublicKey } from '../../audit/index.ts';
import type { UnitOfWork } from '../../store/unit-of-work.ts';

/**
 * The audit log's Ed25519 signing key (docs/audit.md "Key management"). Only the public key enters
 * the database (the key ring, `audit_keys`); the private key comes from configuration:
 *
 * 1. `REMIT_AUDIT_KEY`: a PKCS#8 Ed25519 private key, PEM or base64 DER (from a secret store / KMS
 *    export) — use this with several instances: all share one key;
 * 2. otherwise the key file (`REMIT_AUDIT_KEY_FILE`, default ./data/audit-signing-key.pem), created
 *    on first start with permissions 0600.
 *
 * Rotation (`remit audit rotate-key`): a new key is written to the key file and its public key added
 * to the ring, closing the previous key at that instant; old checkpoints keep verifying with the key
 * they name. A running sealer notices that its key was closed and re-reads the key source.
 */

export const DEFAULT_AUDIT_KEY_FILE = './data/audit-signing-key.pem';
/** The first key of a log is valid from the epoch: instances whose clocks lag the registering one can still sign. */
const FIRST_KEY_VALID_FROM = '1970-01-01T00:00:00.000Z';

export interface AuditKeySource {
  /** PEM or base64 PKCS#8 (REMIT_AUDIT_KEY). */
  readonly inline?: string | undefined;
  /** Key file path (REMIT_AUDIT_KEY_FILE, default ./data/audit-signing-key.pem). */
  readonly file?: string | undefined;
}

export class AuditKeyError extends Error {
  override readonly name = 'AuditKeyError';
}

/** Parses a PKCS#8 Ed25519 private key given as PEM or as base64 DER. */
export function parseAuditPrivateKey(text: string): KeyObject {
  const t = text.trim();
  let key: KeyObject;
  try {
    key = t.startsWith('-----BEGIN')
      ? createPrivateKey(t)
      : createPrivateKey({ key: Buffer.from(t, 'base64'), format: 'der', type: 'pkcs8' });
  } catch (e) {
    throw new AuditKeyError(`the audit signing key is not a PKCS#8 private key: ${(e as Error).message}`);
  }
  if (key.asymmetricKeyType !== 'ed25519')
    throw new AuditKeyError(`the audit signing key must be Ed25519, got ${key.asymmetricKeyType ?? 'unknown'}`);
  return key;
}

const newKeyPem = (): string => generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();

/**
 * Writes a private key file with permissions 0600 atomically: the whole key goes to a temp file first, which is then
 * renamed over `path` — or, `exclusive`, linked as `path` only when no file is there (false: another process's key was
 * there first). A process reading `path` meanwhile never sees it empty or half-written.
 */
function writeKeyFile(path: string, pem: string, opts: { readonly exclusive?: boolean } = {}): boolean {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${threadId}.tmp`;
  writeFileSync(tmp, pem, { mode: 0o600, flag: 'wx' });
  chmodSync(tmp, 0o600);
  if (!opts.exclusive) {
    renameSync(tmp, path);
    return true;
  }
  try {
    linkSync(tmp, path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    return false;
  } finally {
    unlinkSync(tmp);
  }
}

/** Loads the private key from the source; creates the key file (0600) when neither is present. */
export function loadAuditPrivateKey(source: AuditKeySource): {
  readonly key: KeyObject;
  readonly origin: 'env' | 'file';
  readonly created: boolean;
  readonly file: string;
} {
  const file = source.file ?? DEFAULT_AUDIT_KEY_FILE;
  if (source.inline) return { key: parseAuditPrivateKey(source.inline), origin: 'env', created: false, file };
  if (existsSync(file)) return { key: parseAuditPrivateKey(readFileSync(file, 'utf8')), origin: 'file', created: false, file };
  // Exclusive create: when two processes start at once, one key wins and both use it. An exclusive open then a write
  // would let the other process read the file empty in between (seen: "not a PKCS#8 private key" under load).
  const created = writeKeyFile(file, newKeyPem(), { exclusive: true });
  return { key: parseAuditPrivateKey(readFileSync(file, 'utf8')), origin: 'file', created, file };
}

export const keyIdOfPrivate = (key: KeyObject): string => keyIdOf(rawPublicKey(createPublicKey(key)));

/**
 * Makes sure the key's public half is in the ring (the first key of a log is valid from the epoch;
 * a key new to a non-empty ring is a rotation, valid from `at`). Call inside a transaction.
 */
export async function registerAuditKey(tx: UnitOfWork, key: KeyObject, at: string, id: string = keyIdOfPrivate(key)): Promise<KeyRing> {
  const ring = await tx.audit.keyRing();
  // The ring is read again only when this call changed it (the sealer calls this every round: issue 18, lane sealcost).
  if (ring.some((k) => k.keyId === id)) return ring;
  await tx.audit.addKey(publicKeyRecord(createPublicKey(key), ring.length === 0 ? FIRST_KEY_VALID_FROM : at));
  return tx.audit.keyRing();
}

/**
 * What the sealer signs with: the private key from the source, with the validity the ring gives its
 * public key. If the ring says the key is no longer valid (rotated by another process), the source is
 * read again once.
 */
export class AuditSigner {
  readonly #source: AuditKeySource;
  #key: KeyObject;
  /** The key's id, derived once per loaded key (its public half, exported and hashed: ~0.1 ms, every round otherwise). */
  #keyId: string;

  constructor(source: AuditKeySource, key?: KeyObject) {
    this.#source = source;
    this.#key = key ?? loadAuditPrivateKey(source).key;
    this.#keyId = keyIdOfPrivate(this.#key);
  }

  get keyId(): string {
    return this.#keyId;
  }

  /** The signing key valid at `at`, registering it in the ring first if it is not there. Inside a transaction. */
  async keyAt(tx: UnitOfWork, at: string): Promise<SigningKey> {
    for (let attempt = 0; attempt < 2; attempt++) {
      const ring = await registerAuditKey(tx, this.#key, at, this.#keyId);
      const rec = ring.find((k) => k.keyId === this.#keyId)!;
      const t = Date.parse(at);
      if (t >= Date.parse(rec.validFrom) && (rec.validTo === null || t < Date.parse(rec.validTo)))
        return signingKey(this.#key, rec.validFrom, rec.validTo, this.#keyId);
      if (attempt === 0) {
        this.#key = loadAuditPrivateKey(this.#source).key;
        this.#keyId = keyIdOfPrivate(this.#key);
      }
    }
    throw new AuditKeyError(
      `audit signing key ${this.keyId} is not valid at ${at} (rotated?): set REMIT_AUDIT_KEY / the key file to the current key`,
    );
  }
}

/**
 * Rotation: generates a new key, stores it (key file, 0600; or returns the PEM when the key comes
 * from REMIT_AUDIT_KEY, for the operator to put in the secret store) and adds its public key to the
 * ring, closing the previous key at `at`.
 */
export async function rotateAuditKey(
  tx: UnitOfWork,
  source: AuditKeySource,
  at: string,
): Promise<{ readonly keyId: string; readonly previous: readonly string[]; readonly pem?: string; readonly file?: string }> {
  const pem = newKeyPem();
  const key = parseAuditPrivateKey(pem);
  const before = (await tx.audit.keyRing()).filter((k) => k.validTo === null).map((k) => k.keyId);
  await tx.audit.addKey(publicKeyRecord(createPublicKey(key), at));
  if (source.inline) return { keyId: keyIdOfPrivate(key), previous: before, pem };
  const file = source.file ?? DEFAULT_AUDIT_KEY_FILE;
  writeKeyFile(file, pem);
  return { keyId: keyIdOfPrivate(key), previous: before, file };
}
