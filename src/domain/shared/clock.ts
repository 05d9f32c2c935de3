/** Time and identity are inputs to the domain, never ambient: that is what makes a decision replayable. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

export interface IdSource {
  next(prefix: string): string;
}

/** Deterministic ids for tests and replays: prefix + zero-padded counter. */
export function sequentialIds(start = 1): IdSource {
  let n = start;
  return { next: (prefix) => `${prefix}-${String(n++).padStart(6, '0')}` };
}
