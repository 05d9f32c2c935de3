import type { StoreFaultReason } from './unit-of-work.ts';

/** Errors the storage port raises on purpose (other failures are the driver's own errors). */

export class StoreInputError extends Error {
  override readonly name = 'StoreInputError';
}

/** The routing state view was asked about a pool or rep the transaction did not lock. */
export class ScopeViolationError extends Error {
  override readonly name = 'ScopeViolationError';
}

/**
 * An audit inbox entry names a `decisions` row that is not there (both are written in one transaction and decisions are
 * append-only, so this means the store was altered): the sealer stops rather than seal the entry incomplete or skip it.
 */
export class AuditReferenceError extends Error {
  override readonly name = 'AuditReferenceError';
}

export class MigrationError extends Error {
  override readonly name = 'MigrationError';
}

/**
 * The store cannot be trusted with a write: its file was removed or replaced while open, a page is
 * corrupt, or the database does not answer. Reported as STORE_UNAVAILABLE (HTTP 503, CLI exit 8).
 */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
  readonly reason: StoreFaultReason;
  constructor(reason: StoreFaultReason, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.reason = reason;
  }
}

/**
 * The configured SQLite file is gone but evidence (the marker next to it, or an audit signing key
 * file created with it) says a store existed there: opening would silently create an empty one.
 * Reported as STORE_MISSING (CLI exit 8) unless `--init` is given.
 */
export class StoreMissingError extends Error {
  override readonly name = 'StoreMissingError';
  readonly path: string;
  /** The file that shows a store existed. */
  readonly evidence: string;
  constructor(path: string, evidence: string, what = 'the store marker') {
    super(
      `the store ${path} is missing, but ${what} ${evidence} shows one existed: refusing to create an empty store in its place. ` +
        'Restore the file (with its -wal) from a backup, or run `remit serve --init` to start a new empty store deliberately.',
    );
    this.path = path;
    this.evidence = evidence;
  }
}
