import type { CompiledOrg } from '../../domain/org/compiled-org.ts';

/**
 * The one owner check for every account import path (API and CSV, finding W14): an owner must be a
 * rep of the org version in force, or account-owner routing would point at nobody. null when fine.
 */
export const ownerRepProblem = (org: CompiledOrg, ownerRep: string | null): string | null =>
  ownerRep !== null && !org.repsById.has(ownerRep) ? `unknown rep "${ownerRep}"` : null;
