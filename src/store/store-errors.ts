/** Errors the storage port raises on purpose (other failures are the driver's own errors). */

export class StoreInputError extends Error {
  override readonly name = 'StoreInputError';
}

/** The routing state view was asked about a pool or rep the transaction did not lock. */
export class ScopeViolationError extends Error {
  override readonly name = 'ScopeViolationError';
}

export class MigrationError extends Error {
  override readonly name = 'MigrationError';
}
