import { toIso } from '../shared/zoned-time.ts';
import { packsInForce, type OutreachGate } from './outreach-gate.ts';
import type { OutreachAlert, OutreachDecision, OutreachInput, RuleVerdict } from './outreach-input.ts';
import type { OutreachContext, OutreachRule, RuleOutcome } from './outreach-rule.ts';
import { resolveLocations } from './recipient-locations.ts';

/** How far ahead nextAllowedAt is searched; beyond it the answer is "not by waiting". */
const HORIZON_MS = 400 * 86_400_000;
const MAX_ROUNDS = 32;

/**
 * The outreach gate (C4): every rule in force evaluates itself; any fail denies. When every failing rule
 * can pass later with the same facts (quiet hours, call caps), nextAllowedAt is the first instant at
 * which ALL rules pass — found by jumping to the latest retry time and re-checking until stable.
 */
export function checkOutreach(input: OutreachInput, gate: OutreachGate): OutreachDecision {
  const packs = packsInForce(gate, input.at);
  const rules = packs.flatMap((p) => p.rules);
  const ctx: OutreachContext = { input, locations: resolveLocations(input.recipient, gate.tables) };
  const outcomes = rules.map((r) => r.evaluate(ctx, input.at));
  const denied = outcomes.some((o) => o.result === 'fail');
  const alerts = dedupeAlerts(outcomes.flatMap((o) => o.alerts ?? []));
  return {
    decision: denied ? 'deny' : 'allow',
    at: toIso(input.at),
    channel: input.channel,
    rules: rules.map((r, i) => verdict(r, outcomes[i]!)),
    nextAllowedAt: denied ? nextAllowed(rules, ctx, input.at, outcomes) : null,
    alerts,
    packs: [...packs.map((p) => p.citation), ...gate.tablePacks].map((c) => ({ packId: c.packId, version: c.version, hash: c.hash })),
  };
}

function nextAllowed(rules: readonly OutreachRule[], ctx: OutreachContext, at: number, first: readonly RuleOutcome[]): string | null {
  let outcomes = first;
  let t = at;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    let latest = t;
    for (const o of outcomes) {
      if (o.result !== 'fail') continue;
      if (o.retryAt === null || o.retryAt <= t) return null;
      latest = Math.max(latest, o.retryAt);
    }
    if (latest === t) return toIso(t);
    if (latest - at > HORIZON_MS) return null;
    t = latest;
    outcomes = rules.map((r) => r.evaluate(ctx, t));
  }
  return null;
}

const verdict = (rule: OutreachRule, o: RuleOutcome): RuleVerdict => ({
  id: rule.id,
  kind: rule.kind,
  packId: rule.pack.packId,
  packVersion: rule.pack.version,
  packHash: rule.pack.hash,
  result: o.result,
  reasonCode: o.reasonCode,
  detail: o.detail,
  source: { citation: rule.source.citation, url: rule.source.url },
});

function dedupeAlerts(alerts: readonly OutreachAlert[]): OutreachAlert[] {
  const seen = new Set<string>();
  return alerts.filter((a) => {
    const key = `${a.code}|${a.ruleId}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
