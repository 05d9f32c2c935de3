import { contentHash } from '../shared/canonical-json.ts';
import { parseStart } from '../shared/dates.ts';
import type { OutreachRule } from './outreach-rule.ts';
import type { LocationTables } from './recipient-locations.ts';
import { buildRule } from './rule-factories.ts';
import type { AreaCodePackData, OutreachPackData, PackCitation, TimeZonePackData, Versioned } from './rule-pack.schema.ts';

/** Compiled outreach packs plus the lookup tables that place a recipient. Build once, reuse for every check. */
export interface OutreachGate {
  readonly packs: readonly CompiledOutreachPack[];
  readonly tables: LocationTables;
  readonly tablePacks: readonly PackCitation[];
}

export interface CompiledOutreachPack {
  readonly citation: PackCitation;
  /** Epoch ms from which this version applies. */
  readonly effectiveFrom: number;
  readonly rules: readonly OutreachRule[];
}

export const versioned = <T>(data: T): Versioned<T> => ({ data, hash: contentHash(data) });

const citationOf = (p: { data: { id: string; version: string }; hash: string }): PackCitation => ({
  packId: p.data.id,
  version: p.data.version,
  hash: p.hash,
});

/** Packs are assumed valid (validated by the schema at load); a rule citing an unknown source is a bug. */
export function compileOutreachGate(
  outreach: readonly Versioned<OutreachPackData>[],
  areaCodes: Versioned<AreaCodePackData>,
  timeZones: Versioned<TimeZonePackData>,
): OutreachGate {
  const packs = outreach.map((p) => {
    const citation = citationOf(p);
    const rules = p.data.rules.map((spec) => {
      const source = p.data.sources.find((s) => s.id === spec.source);
      if (!source) throw new Error(`pack ${p.data.id}: rule ${spec.id} cites unknown source ${spec.source}`);
      return buildRule(spec, { pack: citation, source });
    });
    return { citation, effectiveFrom: parseStart(p.data.effective), rules };
  });
  return {
    packs,
    tables: { areaCodes: new Map(Object.entries(areaCodes.data.areaCodes)), zones: new Map(Object.entries(timeZones.data.zones)) },
    tablePacks: [citationOf(areaCodes), citationOf(timeZones)],
  };
}

/**
 * Several versions of one pack may be loaded: use the latest one effective at `at`. When none is
 * effective yet the earliest is used — rules are safety rails, so a gap never means "no rules".
 */
export function packsInForce(gate: OutreachGate, at: number): CompiledOutreachPack[] {
  const byId = new Map<string, CompiledOutreachPack[]>();
  for (const p of gate.packs) byId.set(p.citation.packId, [...(byId.get(p.citation.packId) ?? []), p]);
  return [...byId.values()].map((versions) => {
    const sorted = [...versions].sort((a, b) => a.effectiveFrom - b.effectiveFrom);
    return [...sorted].reverse().find((v) => v.effectiveFrom <= at) ?? sorted[0]!;
  });
}
