import { it } from 'vitest';
import { postgresFactory, postgresOrSkip, sqliteFactory, type StoreFactory } from '../store/store-harness.ts';

export interface DialectCase {
  readonly factory: StoreFactory;
  /** False when PostgreSQL is unreachable; `reason` is set under CI=true, where that is a failure. */
  readonly run: boolean;
  readonly reason?: string;
}

/** SQLite and PostgreSQL for a service-level `describe.each`; PostgreSQL runs only when reachable (see postgresOrSkip). */
export async function bothDialects(): Promise<DialectCase[]> {
  const pg = await postgresOrSkip();
  return [
    { factory: sqliteFactory, run: true },
    { factory: postgresFactory, run: pg.run, ...(pg.reason ? { reason: pg.reason } : {}) },
  ];
}

/** Stands in for a suite whose dialect cannot run: a failing test under CI, a visible skip locally. */
export function declareUnreachable(reason: string | undefined): void {
  if (reason)
    it('PostgreSQL is reachable', () => {
      throw new Error(reason);
    });
  else it.skip('PostgreSQL unreachable: skipped (see the warning above)', () => {});
}
