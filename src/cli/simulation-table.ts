import type { LeadChange, SimulationDiff } from '../app/routing/simulate.use-case.ts';

const who = (v: { outcome: string; teamId: string | null; repId: string | null }) =>
  `${v.outcome}${v.teamId ? ` ${v.teamId}` : ''}${v.repId ? `/${v.repId}` : ''}`;

function table(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => `  ${r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')}`.trimEnd());
}

function section(title: string, changes: readonly LeadChange[], max: number): string[] {
  if (changes.length === 0) return [];
  const rows = [['lead', 'received', 'where / product', 'recorded', '', 'simulated', 'reasons']];
  for (const c of changes.slice(0, max)) {
    rows.push([
      c.leadId,
      c.receivedAt.slice(0, 16).replace('T', ' '),
      `${c.jurisdiction} ${c.product}`,
      who(c.recorded),
      '→',
      who(c.simulated),
      c.simulated.reasonCodes.slice(0, 4).join(','),
    ]);
  }
  const more = changes.length > max ? [`  … and ${changes.length - max} more (use --json for all)`] : [];
  return [`${title} (${changes.length})`, ...table(rows), ...more, ''];
}

/** The simulation diff as a readable report (the JSON form is the SimulationDiff itself). */
export function formatSimulation(d: SimulationDiff, maxRows = 50): string {
  const lines = [
    `Simulated ${d.replayed} recorded lead(s) against draft ${d.draft.version} (${d.draft.hash.slice(0, 19)}…)`,
    `  received ${d.window.from ?? '—'} … ${d.window.to ?? '—'}; skipped ${d.skipped.duplicates} duplicate(s), ${d.skipped.undecided} ` +
      `undecided; recorded under ${Object.keys(d.recordedVersions).length} org version(s)`,
    '',
  ];
  lines.push(...evaluationLines(d));
  if (d.unchanged) return `${lines.join('\n')}No change: every lead would be routed exactly as recorded.\n`;
  lines.push(
    ...section('New refusals', d.newRefusals, maxRows),
    ...section('No longer refused', d.noLongerRefused, maxRows),
    ...section('New holds', d.newHolds, maxRows),
    ...section('No longer held', d.noLongerHeld, maxRows),
    ...section('Other outcome changes', d.outcomeChanges, maxRows),
    ...section('Team changes', d.teamChanges, maxRows),
    ...section('Rep changes (same team)', d.repChanges, maxRows),
  );
  const outcomeRows = [['outcome', 'recorded', 'simulated', 'shift']];
  for (const [o, c] of Object.entries(d.outcomes))
    if (c.recorded || c.simulated) outcomeRows.push([o, String(c.recorded), String(c.simulated), signed(c.simulated - c.recorded)]);
  lines.push('Outcomes', ...table(outcomeRows), '');
  if (d.fairness.length > 0) {
    const rows = [['rep', 'team', 'recorded', 'simulated', 'shift']];
    for (const f of d.fairness.slice(0, maxRows))
      rows.push([f.repId, f.teamId ?? '', String(f.recorded), String(f.simulated), signed(f.shift)]);
    lines.push('Fairness shift (assigned leads per rep)', ...table(rows), '');
  }
  return `${lines.join('\n')}`;
}

/** With --outcomes: conversion per lead, recorded vs the draft's off-policy estimates (docs/outcome-routing.md). */
function evaluationLines(d: SimulationDiff): string[] {
  const e = d.evaluation;
  if (!e) return [];
  const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
  const p = e.proposed;
  return [
    `Evaluation on ${e.leadsWithOutcome} assigned lead(s) with a known outcome (conversion per lead)`,
    ...table([
      ['policy', 'estimate', 'method'],
      ['recorded', pct(e.current), 'observed'],
      ['draft', pct(p.ips), 'inverse propensity (IPS)'],
      ['draft', pct(p.snips), 'self-normalised IPS'],
      ['draft', pct(p.doublyRobust), 'doubly robust'],
    ]),
    `  effective sample size ${p.effectiveSampleSize.toFixed(1)}; lawful-set violations ${e.lawfulSetViolations}`,
    '',
  ];
}

const signed = (n: number) => (n > 0 ? `+${n}` : String(n));
