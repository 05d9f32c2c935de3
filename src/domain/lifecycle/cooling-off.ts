import type {
  CoolingOffEntry,
  CoolingOffEvent,
  CoolingOffPackData,
  PackCitation,
  PackSource,
  Versioned,
} from '../conduct/rule-pack.schema.ts';
import type { COOLING_OFF_STEPS } from '../conduct/rule-pack.schema.ts';
import { parseStart } from '../shared/dates.ts';
import { jurisdictionCovers } from '../shared/jurisdiction.ts';
import { toIso } from '../shared/zoned-time.ts';
import type { CoolingOffReasonCode } from './lifecycle-reason-codes.ts';
import { compileWindow, type CoolingOffWindow } from './cooling-off-window.ts';

export type CoolingOffStep = (typeof COOLING_OFF_STEPS)[number];

export interface CompiledCoolingOffEntry {
  readonly entry: CoolingOffEntry;
  readonly pack: PackCitation;
  readonly source: PackSource;
  readonly window: CoolingOffWindow;
}

export interface CoolingOffTable {
  readonly packs: readonly {
    readonly citation: PackCitation;
    readonly effectiveFrom: number;
    readonly entries: readonly CompiledCoolingOffEntry[];
  }[];
}

/** What the lifecycle knows about the lead when a step is attempted. Instants are epoch ms. */
export interface CoolingOffFacts {
  readonly jurisdiction: string;
  readonly productLines: readonly string[];
  /** E.g. distance_contract, replacement, senior, soa_exception. */
  readonly flags?: readonly string[] | undefined;
  /** Customer's IANA zone; needed for day-based windows. */
  readonly timeZone?: string | undefined;
  readonly events: Partial<Record<CoolingOffEvent, number>>;
}

export interface CoolingOffCitation {
  readonly entryId: string;
  readonly packId: string;
  readonly packVersion: string;
  readonly packHash: string;
  readonly source: { readonly citation: string; readonly url: string };
  readonly window: string;
  readonly countsFrom: CoolingOffEvent;
  /** ISO; null when the counting event has not happened. */
  readonly earliestAllowedAt: string | null;
}

export type CoolingOffCheck =
  | { readonly blocked: false; readonly checked: readonly CoolingOffCitation[] }
  | {
      readonly blocked: true;
      readonly code: CoolingOffReasonCode;
      readonly detail: string;
      /** Earliest time every applicable window allows the step (ISO); null when it cannot be known yet. */
      readonly earliestAllowedAt: string | null;
      /** The entry that holds the step back longest. */
      readonly entry: CoolingOffCitation;
      readonly checked: readonly CoolingOffCitation[];
    };

export function compileCoolingOff(packs: readonly Versioned<CoolingOffPackData>[]): CoolingOffTable {
  return {
    packs: packs.map((p) => {
      const citation: PackCitation = { packId: p.data.id, version: p.data.version, hash: p.hash };
      const entries = p.data.entries.map((entry) => {
        const source = p.data.sources.find((s) => s.id === entry.source);
        if (!source) throw new Error(`pack ${p.data.id}: entry ${entry.id} cites unknown source ${entry.source}`);
        return { entry, pack: citation, source, window: compileWindow(entry.window) };
      });
      return { citation, effectiveFrom: parseStart(p.data.effective), entries };
    }),
  };
}

/** Latest version of each pack effective at `at` (the earliest when none is yet: a gap never means "no rules"). */
function entriesInForce(table: CoolingOffTable, at: number): CompiledCoolingOffEntry[] {
  const byId = new Map<string, CoolingOffTable['packs'][number][]>();
  for (const p of table.packs) byId.set(p.citation.packId, [...(byId.get(p.citation.packId) ?? []), p]);
  return [...byId.values()].flatMap((versions) => {
    const sorted = [...versions].sort((a, b) => a.effectiveFrom - b.effectiveFrom);
    return ([...sorted].reverse().find((v) => v.effectiveFrom <= at) ?? sorted[0]!).entries;
  });
}

function applies(e: CoolingOffEntry, step: CoolingOffStep, facts: CoolingOffFacts): boolean {
  const flags = facts.flags ?? [];
  return (
    e.blocks === step &&
    e.jurisdictions.some((j) => jurisdictionCovers(j, facts.jurisdiction)) &&
    (e.productLines === '*' || facts.productLines.some((l) => (e.productLines as readonly string[]).includes(l))) &&
    !facts.productLines.some((l) => e.exemptProductLines.includes(l)) &&
    (e.whenFlags === undefined || e.whenFlags.some((f) => flags.includes(f))) &&
    !e.unlessFlags.some((f) => flags.includes(f))
  );
}

const cite = (c: CompiledCoolingOffEntry, earliest: number | null): CoolingOffCitation => ({
  entryId: c.entry.id,
  packId: c.pack.packId,
  packVersion: c.pack.version,
  packHash: c.pack.hash,
  source: { citation: c.source.citation, url: c.source.url },
  window: c.window.label,
  countsFrom: c.entry.countsFrom,
  earliestAllowedAt: earliest === null ? null : toIso(earliest),
});

/**
 * May `step` happen at `at`? Every applicable entry must have elapsed since the event it counts from;
 * the answer names the entry that holds the step back longest and the earliest allowed time.
 */
export function checkCoolingOff(table: CoolingOffTable, step: CoolingOffStep, facts: CoolingOffFacts, at: number): CoolingOffCheck {
  const applicable = entriesInForce(table, at).filter((c) => applies(c.entry, step, facts));
  const evaluated = applicable.map((c) => {
    const eventAt = facts.events[c.entry.countsFrom];
    if (eventAt === undefined) return { c, earliest: null, problem: 'COOLING_OFF_EVENT_MISSING' as const };
    if (c.window.needsZone && !facts.timeZone) return { c, earliest: null, problem: 'CUSTOMER_TIME_ZONE_UNKNOWN' as const };
    return { c, earliest: c.window.earliest(eventAt, facts.timeZone ?? 'UTC'), problem: null };
  });
  const checked = evaluated.map((e) => cite(e.c, e.earliest));
  const unknown = evaluated.find((e) => e.problem !== null);
  if (unknown) {
    const detail =
      unknown.problem === 'COOLING_OFF_EVENT_MISSING'
        ? `${unknown.c.entry.id}: ${step} needs ${unknown.c.window.label} after ${unknown.c.entry.countsFrom}, which has not been recorded`
        : `${unknown.c.entry.id}: ${unknown.c.window.label} are counted in the customer's time zone, which is unknown`;
    return { blocked: true, code: unknown.problem!, detail, earliestAllowedAt: null, entry: cite(unknown.c, null), checked };
  }
  const holding = evaluated.filter((e) => e.earliest! > at).sort((a, b) => b.earliest! - a.earliest!);
  const longest = holding[0];
  if (!longest) return { blocked: false, checked };
  return {
    blocked: true,
    code: 'COOLING_OFF_ACTIVE',
    detail:
      `${longest.c.entry.id} (${longest.c.entry.title}): ${step} not before ${toIso(longest.earliest!)} — ` +
      `${longest.c.window.label} after ${longest.c.entry.countsFrom} at ${toIso(facts.events[longest.c.entry.countsFrom]!)}`,
    earliestAllowedAt: toIso(longest.earliest!),
    entry: cite(longest.c, longest.earliest),
    checked,
  };
}
