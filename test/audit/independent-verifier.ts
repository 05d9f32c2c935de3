import { createHash, createPublicKey, verify as edVerify } from 'node:crypto';

/** An independent verifier of a lead story: node:crypto only, no Remit code (what an outside tool would write). */

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}
export function independentVerify(json: string): boolean {
  const story = JSON.parse(json) as Story;
  const sha = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();
  const { checkpoint, signedText, publicKeys } = story.checkpoint;
  const pub = publicKeys.find((k) => k.keyId === checkpoint.keyId);
  if (!pub) return false;
  const raw = Buffer.from(pub.publicKey, 'base64');
  if (createHash('sha256').update(raw).digest('hex').slice(0, 16) !== pub.keyId) return false;
  const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
  if (!edVerify(null, Buffer.from(signedText, 'utf8'), key, Buffer.from(checkpoint.signature, 'base64'))) return false;
  const size = Number(/\nsize: (\d+)\n/.exec(signedText)?.[1]);
  const root = Buffer.from(/\nroot: ([0-9a-f]{64})\n/.exec(signedText)?.[1] ?? '', 'hex');
  // The JSON fields must say what was signed.
  if (checkpoint.treeSize !== size || checkpoint.rootHash !== root.toString('hex')) return false;
  for (const e of story.entries) {
    const expectedText = canonical({
      v: 1,
      seq: e.seq,
      kind: e.kind,
      subject: e.subject,
      actor: e.actor,
      at: e.at,
      payload: e.payload,
      commitments: e.commitments,
      prev: e.prevHash,
    });
    if (expectedText !== e.leafText) return false;
    const leaf = sha(Buffer.of(0), Buffer.from(e.leafText, 'utf8'));
    if (!e.inclusion || e.inclusion.treeSize !== size || e.inclusion.leafIndex !== e.seq) return false;
    // RFC 9162 §2.1.3.2
    let fn = e.seq;
    let sn = size - 1;
    let r = leaf;
    for (const hex of e.inclusion.auditPath) {
      const p = Buffer.from(hex, 'hex');
      if (sn === 0) return false;
      if (fn % 2 === 1 || fn === sn) {
        r = sha(Buffer.of(1), p, r);
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      } else r = sha(Buffer.of(1), r, p);
      fn = Math.floor(fn / 2);
      sn = Math.floor(sn / 2);
    }
    if (sn !== 0 || !r.equals(root)) return false;
  }
  return true;
}

interface Story {
  checkpoint: {
    checkpoint: { keyId: string; signature: string; treeSize: number; rootHash: string };
    signedText: string;
    publicKeys: { keyId: string; publicKey: string }[];
  };
  entries: {
    seq: number;
    kind: string;
    subject: string;
    actor: string;
    at: string;
    payload: unknown;
    commitments: unknown;
    prevHash: string;
    leafText: string;
    inclusion: { leafIndex: number; treeSize: number; auditPath: string[] } | null;
  }[];
}
