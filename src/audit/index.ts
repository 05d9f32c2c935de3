/**
 * Tamper-evident audit log (docs/audit.md): storage-independent core. Stores persist rows and
 * checkpoints; this module computes hashes, trees, proofs, signatures and verification.
 * Design and multi-instance sealing: docs/audit.md.
 */
export type {
  AuditEntry,
  AuditEvent,
  AuditKind,
  AuditTextEvent,
  ChainedEntry,
  Commitments,
  JsonValue,
  SealedAuditRow,
  StoredAuditRow,
} from './audit-entry.ts';
export { canonicalText } from './canonical-text.ts';
export {
  AUDIT_KINDS,
  ENTRY_FORMAT_VERSION,
  entryHashHex,
  entryHashOf,
  entryLeafText,
  entryOf,
  isAuditKind,
  leafObject,
  storedLeafText,
} from './audit-entry.ts';
export { EMPTY_TREE_ROOT, fromHex, hashChildren, hashLeafBytes, hashLeafText, hashLeafTextHex, toHex } from './tree-hash.ts';
export { genesisHash, rowSelfConsistent } from './hash-chain.ts';
export type { FrontierSnapshot } from './merkle-tree.ts';
export { frontierRoot, MerkleFrontier, MerkleTree, treeRoot, verifyConsistency, verifyInclusion } from './merkle-tree.ts';
export type {
  CheckpointBody,
  CheckpointError,
  CheckpointExport,
  CheckpointProblem,
  KeyRing,
  PublicKeyRecord,
  SignedCheckpoint,
  SigningKey,
  StoredCheckpoint,
} from './checkpoint.ts';
export {
  CHECKPOINT_FORMAT,
  checkpointNote,
  checkpointSignedText,
  currentSigningKey,
  exportCheckpoint,
  keyIdOf,
  parseCheckpointNote,
  publicKeyFromRaw,
  publicKeyRecord,
  rawPublicKey,
  rotateKeyRing,
  signCheckpoint,
  signingKey,
  verifyCheckpoint,
} from './checkpoint.ts';
export type { SealerState, SealerStateError } from './audit-sealer.ts';
export { AuditSealer, initialSealerState, sealEvents } from './audit-sealer.ts';
export type { FirstBad, TamperProblem, VerifyLogOptions, VerifyLogResult } from './verify-log.ts';
export { rangeStartFor, verifyLog, verifyStoredBatches, verifyStoredDigests, verifyStoredRows } from './verify-log.ts';
export type { DigestPayload, LeafDigestRequest, LeafRangeDigest } from './leaf-range-scan.ts';
export { digestRanges, digestsInProcess, LeafRangeScanner } from './leaf-range-scan.ts';
export { hashedBatches, LeafHashWorker } from './leaf-hasher.ts';
export type { PayloadFields, PayloadPath } from './payload-projection.ts';
export { projectPayload, projectPayloadText } from './payload-projection.ts';
export type { CommitmentCheck, SplitPayload, SubjectSalt } from './pii-commitment.ts';
export { COMMITMENT_PREFIX, commitPersonalData, openCommitments, splitPersonalData, verifyCommitment } from './pii-commitment.ts';
export type { LeadStory, LeadStoryInput, StoryEntry, StoryProblem, StoryProblemCode } from './lead-story.ts';
export { buildLeadStory, decisionOf, renderDecision, renderLeadStory } from './lead-story.ts';
export { CSV_COLUMNS, csvField, exportCsv, exportJsonLines, inDateRange, rowToCsvLine, rowToJsonLine } from './audit-export.ts';
