import { hash } from 'node:crypto';
import { parentPort } from 'node:worker_threads';

/**
 * Leaf hashes for `audit verify`, on a worker thread (leaf-hasher.ts): each message is a batch of leaf texts, the
 * answer their RFC 6962 leaf hashes, SHA-256(0x00 ‖ UTF-8 text), 32 bytes each in order, in one transferred buffer.
 * The same function as tree-hash.ts hashLeafText (a test holds them equal). Plain Node (no imports from the
 * project): it runs outside any bundler.
 */

export interface LeafHashRequest {
  readonly id: number;
  readonly texts: readonly string[];
}
export interface LeafHashAnswer {
  readonly id: number;
  readonly hashes: Uint8Array;
}

parentPort?.on('message', (m: LeafHashRequest) => {
  const hashes = new Uint8Array(m.texts.length * 32);
  for (let i = 0; i < m.texts.length; i++) hashes.set(hash('sha256', `\u0000${m.texts[i]!}`, 'buffer'), i * 32);
  const answer: LeafHashAnswer = { id: m.id, hashes };
  parentPort!.postMessage(answer, [hashes.buffer]);
});
