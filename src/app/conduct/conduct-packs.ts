import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCompiledPacks, type CompiledPacks } from '../../config/load-packs.ts';
import type { ServiceContext } from '../shared/service-context.ts';

/** The rule packs shipped with Remit (`packs/` at the repository root). */
export const DEFAULT_PACKS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'packs');

let shipped: Promise<CompiledPacks> | null = null;

/** Loads and validates the packs in `dir`; every problem is listed in the error. */
export async function loadPacksOrThrow(dir: string = DEFAULT_PACKS): Promise<CompiledPacks> {
  const r = await loadCompiledPacks(dir);
  if (!r.ok) throw new Error(`rule packs in ${dir} are invalid:\n${r.error.map((p) => `${p.file}: ${p.path}: ${p.message}`).join('\n')}`);
  return r.value;
}

/** The packs the service checks outreach and cooling-off with: the composed ones, else the shipped ones (loaded once). */
export function conductPacks(ctx: Pick<ServiceContext, 'conduct'>): Promise<CompiledPacks> {
  if (ctx.conduct) return Promise.resolve(ctx.conduct);
  shipped ??= loadPacksOrThrow();
  return shipped;
}
