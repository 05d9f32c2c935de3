import { createHash, hash } from 'node:crypto';
import { parentPort } from 'node:worker_threads';

/**
 * Leaf hashes for `audit verify`, on a worker thread (leaf-hasher.ts): each message is a batch of leaves, each given as
 * `perLeaf` consecutive pieces of its text (a stored row's head, payload text and tail: audit-entry.ts storedLeafPieces,
 * so no leaf text is built, flattened and cloned only to be hashed); the answer their RFC 6962 leaf hashes,
 * SHA-256(0x00 ‖ UTF-8 of the pieces in order), 32 bytes each in order, in one transferred buffer. The same function as
 * audit-entry.ts storedLeafHashHex (a test holds them equal; pieces must not split a surrogate pair). Plain Node (no
 * imports from the project): it runs outside any bundler.
 */

export interface LeafHashRequest {
  readonly id: number;
  readonly pieces: readonly string[];
  readonly perLeaf: number;
}
export interface LeafHashAnswer {
  readonly id: number;
  readonly hashes: Uint8Array;
}

/** Shorter leaves are joined and hashed in one call, longer ones streamed piece by piece: audit-entry.ts HASH_PIECES_FROM. */
const STREAM_FROM = 4096;

parentPort?.on('message', (m: LeafHashRequest) => {
  const { pieces, perLeaf } = m;
  const leaves = Math.floor(pieces.length / perLeaf);
  const hashes = Buffer.from(new ArrayBuffer(leaves * 32));
  for (let i = 0; i < leaves; i++) {
    const leaf = pieces.slice(i * perLeaf, (i + 1) * perLeaf);
    let length = 0;
    for (const p of leaf) length += p.length;
    let hex: string;
    if (length < STREAM_FROM) hex = hash('sha256', `\u0000${leaf.join('')}`, 'hex');
    else {
      const h = createHash('sha256').update('\u0000');
      for (const p of leaf) h.update(p);
      hex = h.digest('hex');
    }
    hashes.write(hex, i * 32, 'hex');
  }
  const answer: LeafHashAnswer = { id: m.id, hashes };
  parentPort!.postMessage(answer, [hashes.buffer]);
});
