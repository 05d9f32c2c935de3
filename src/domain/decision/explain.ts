import type { Decision, TeamVerdict } from './decision.ts';

const reasonList = (reasons: readonly { code: string; detail: string }[]) => reasons.map((r) => `${r.code} (${r.detail})`).join('; ');

function teamLine(t: TeamVerdict, licensed: boolean): string {
  const held =
    t.licences.length > 0
      ? t.licences
          .map(
            (l) =>
              `${l.id} [${l.regulator} ${l.jurisdiction} ${l.productLines.join('+')} ${l.status}${l.validTo ? ` to ${l.validTo}` : ''}]`,
          )
          .join(', ')
      : 'no licences in the jurisdiction';
  const verdict = `  - ${t.name} (${t.id}) ${t.pass ? 'PASS' : 'FAIL'}${t.pass ? '' : `: ${reasonList(t.reasons)}`}`;
  return licensed ? `${verdict}\n      firm licences: ${held}` : verdict;
}

/** A readable narrative of a decision, for people; the JSON document remains the record. */
export function explainDecision(d: Decision): string {
  const c = d.constraints;
  const product = c.product ? `${c.product.id} [${c.product.productLines.join('+')}, ${c.product.complexity}]` : 'unknown product';
  const customer =
    c.customerType.declared === c.customerType.effective
      ? c.customerType.effective
      : `${c.customerType.effective} (declared ${c.customerType.declared})`;
  const lines: string[] = [];
  const head = `Lead ${d.leadId} (${c.jurisdiction}, ${product}, ${customer})`;
  if (d.outcome === 'ASSIGNED') lines.push(`${head} → ${d.team!.name} (${d.team!.id}), rep ${d.rep!.name} (${d.rep!.id})`);
  else lines.push(`${head} → ${d.outcome}${d.team ? ` for ${d.team.name} (${d.team.id})` : ''}: ${reasonList(d.reasons)}`);
  lines.push(`Decided ${d.decidedAt} under rule set ${d.ruleSet.version} (${d.ruleSet.hash}).`);
  if (d.licensing) lines.push(`Licensing: ${d.licensing.status} — ${d.licensing.code} (${d.licensing.detail}).`);
  for (const f of c.customerType.findings) lines.push(`Customer: ${f.code} — ${f.detail}.`);
  if (c.appropriateness.required && d.candidates.length > 0)
    lines.push('Appropriateness assessment required: only assessors may take this lead.');
  if (c.enhancedDueDiligenceRequired) lines.push('PEP: only enhanced-due-diligence teams may take this lead.');
  if (d.rule) {
    lines.push(`Rule ${d.rule.id}${d.rule.description ? ` ("${d.rule.description}")` : ''} fired (rule ${d.rule.index + 1}):`);
    for (const t of d.rule.trace)
      lines.push(`  ${t.result ? '✓' : '✗'} ${t.path} ${t.test}${t.actual !== undefined ? ` — saw ${JSON.stringify(t.actual)}` : ''}`);
  }
  // An unregulated line checks no licences (Licensing: not_applicable above): no licence lines to show.
  const licensed = d.licensing?.status !== 'not_applicable';
  if (d.candidates.length > 0) {
    lines.push('Teams considered:');
    for (const t of d.candidates) lines.push(teamLine(t, licensed));
  }
  const chosen = d.team ? d.candidates.find((t) => t.id === d.team!.id) : undefined;
  if (chosen && d.rep && licensed) {
    const rep = chosen.reps.find((r) => r.id === d.rep!.id);
    lines.push(
      `Team ${chosen.id} relied on firm licence(s) ${chosen.reliedOn.join(', ')}; rep ${d.rep.id} on ` +
        `${rep?.reliedOn.join(', ') || 'no individual licences'}.`,
    );
  }
  for (const t of d.candidates.filter((x) => x.reps.length > 0)) {
    const excluded = t.reps.filter((r) => !r.eligible);
    if (excluded.length > 0)
      lines.push(`Reps excluded in ${t.id}: ${excluded.map((r) => `${r.id} ${r.reasons.map((x) => x.code).join('+')}`).join(', ')}.`);
  }
  if (d.strategy) {
    lines.push(`Chosen by ${d.strategy.chosenBy}:`);
    for (const s of d.strategy.chain) lines.push(`  ${s.kind}: ${s.result} — ${s.note}`);
    const details = d.strategy.details as {
      ledger?: { rep: string; targetShare: number; assigned: number; shortfall: number }[];
      tieBreak?: { tied: string[]; chosen: string } | null;
    } | null;
    if (details?.ledger) {
      lines.push('  ledger (rep: target share, assigned, shortfall):');
      for (const r of details.ledger)
        lines.push(`    ${r.rep}: ${(r.targetShare * 100).toFixed(1)}%, ${r.assigned}, ${r.shortfall.toFixed(3)}`);
      if (details.tieBreak) lines.push(`  tie between ${details.tieBreak.tied.join(', ')} → ${details.tieBreak.chosen}`);
    }
  }
  return lines.join('\n');
}
