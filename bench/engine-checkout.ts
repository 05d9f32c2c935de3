import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as ConfigModuleNs from '../src/config/load-config.ts';
import type * as DecideModuleNs from '../src/domain/decision/decide.ts';
import type * as LeadModuleNs from '../src/domain/lead/lead.schema.ts';
import type * as CanonicalModuleNs from '../src/domain/shared/canonical-json.ts';
import type * as StateModuleNs from '../src/domain/strategies/in-memory-routing-state.ts';
import type * as OrgModuleNs from './synthetic-org.ts';

/**
 * One checkout's engine for the benches that compare two checkouts (engine-ab.ts, engine-minima.ts): its own modules,
 * typed as this checkout's, the synthetic large org compiled, `n` synthetic leads parsed and a fresh routing state.
 */
export async function engineCheckout(root: string, n: number) {
  const at = (p: string) => pathToFileURL(resolve(root, p)).href;
  const { canonicalDataJson } = (await import(at('src/domain/shared/canonical-json.ts'))) as typeof CanonicalModuleNs;
  const { decide } = (await import(at('src/domain/decision/decide.ts'))) as typeof DecideModuleNs;
  const { LeadSchema } = (await import(at('src/domain/lead/lead.schema.ts'))) as typeof LeadModuleNs;
  const { InMemoryRoutingState } = (await import(at('src/domain/strategies/in-memory-routing-state.ts'))) as typeof StateModuleNs;
  const { syntheticLeads, syntheticOrg } = (await import(at('bench/synthetic-org.ts'))) as typeof OrgModuleNs;
  const { compileConfigObject } = (await import(at('src/config/load-config.ts'))) as typeof ConfigModuleNs;
  const config = syntheticOrg();
  const compiled = compileConfigObject(config);
  if (!compiled.ok) throw new Error(`${root}: org does not compile`);
  const leads = syntheticLeads(n, config.products.length).map((l) => LeadSchema.parse(l));
  return { decide, canonicalDataJson, org: compiled.value.org, leads, state: new InMemoryRoutingState() };
}
