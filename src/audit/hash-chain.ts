import { createHash } from 'node:crypto';
import type { SealedAuditRow } from './audit-entry.ts';
import { entryHashHex } from './audit-entry.ts';

/**
 * The hash chain. Each entry's leaf bytes include `prev` = its predecessor's entryHash, and its own
 * entryHash is the RFC 6962 leaf hash of those bytes. So the chain and the Merkle tree share one
 * SHA-256 per entry. The tree (with signed checkpoints) is what proves the log to outsiders; the
 * chain lets a verifier name the first bad entry without any checkpoint: an edited row no longer
 * matches its own entryHash, a removed or moved row breaks the link to its neighbour.
 */

/** The prevHash of entry 0: binds the chain to the log's id. */
export function genesisHash(logId: string): string {
  return createHash('sha256').update(`remit-audit-chain/v1\n${logId}`).digest('hex');
}

/**
 * Does the row agree with itself when read as the entry at position `asSeq`? (Its content,
 * including its prevHash, hashes to its entryHash.) It says nothing about its neighbours.
 */
export function rowSelfConsistent(row: SealedAuditRow, asSeq: number = row.seq): boolean {
  return entryHashHex(asSeq === row.seq ? row : { ...row, seq: asSeq }) === row.entryHash;
}
