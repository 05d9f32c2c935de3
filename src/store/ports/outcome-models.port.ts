// Conversion model snapshots (migration 0028, docs/outcome-routing.md "Snapshots and replay").

/** One stored model: immutable, keyed by its content hash (the version the decisions that read it record). */
export interface OutcomeModelRecord {
  readonly version: string;
  /** The ConversionModelSnapshot as JSON text. */
  readonly modelJson: string;
  /** How many outcome rows existed when it was built (the rebuild watermark). */
  readonly outcomeRows: number;
  readonly builtAt: string;
}

export interface OutcomeModelRepository {
  /**
   * Stores the model (kept as it is if that version is already stored: same content, same hash) and makes it the
   * current one. Fails with StoreInputError on bad input.
   */
  publish(record: OutcomeModelRecord): Promise<void>;
  /** The current model, if one was ever built. */
  head(): Promise<OutcomeModelRecord | undefined>;
  /** The current model's version only (what a decision reads per lead; the model itself is cached by version). */
  headVersion(): Promise<string | undefined>;
  /** A stored model by version (replay reads the one a decision recorded). */
  get(version: string): Promise<OutcomeModelRecord | undefined>;
}
