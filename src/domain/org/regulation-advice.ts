import { jurisdictionCovers } from '../shared/jurisdiction.ts';
import type { CompiledOrg } from './compiled-org.ts';

/**
 * What `remit validate` says about a valid config that will probably not route as its author expects
 * (docs/cli.md "validate"): advice, never an error — the config is valid and the exit code stays 0.
 */
export const CONFIG_ADVICE_CODES = {
  REGULATED_WITHOUT_LICENCES: {
    level: 'warning',
    description:
      'The org holds no licence grants, yet some of its lines are regulated (no regulation section: all are): every lead on them is ' +
      'refused JURISDICTION_NOT_LICENSED. Declare `regulation` if they are not regulated.',
  },
  REGULATED_LINE_WITHOUT_FIRM_GRANT: {
    level: 'warning',
    description: "A team's mandate covers a regulated line in a jurisdiction where its legal entity holds no grant for that line.",
  },
  LICENCES_IGNORED_FOR_UNREGULATED_LINES: {
    level: 'info',
    description: 'Licence grants that cover only unregulated lines: kept in the config (and the licence matrix) but never checked.',
  },
} as const;
export type ConfigAdviceCode = keyof typeof CONFIG_ADVICE_CODES;

export interface ConfigAdvice {
  readonly level: 'warning' | 'info';
  readonly code: ConfigAdviceCode;
  readonly message: string;
}

const advice = (code: ConfigAdviceCode, message: string): ConfigAdvice => ({ level: CONFIG_ADVICE_CODES[code].level, code, message });

const listed = (items: readonly string[], max = 5) =>
  `${items.slice(0, max).join(', ')}${items.length > max ? ` … (${items.length})` : ''}`;

/** The regulation advice for a compiled org, warnings first. */
export function regulationAdvice(org: CompiledOrg): ConfigAdvice[] {
  const out: ConfigAdvice[] = [];
  const regulatedSlices = org.teams.flatMap((t) =>
    t.mandate.productLines.flatMap((line) =>
      t.mandate.jurisdictions.filter((j) => org.regulation.regulatedWithin(line, j)).map((j) => ({ team: t, line, jurisdiction: j })),
    ),
  );
  if (org.config.licences.length === 0) {
    if (regulatedSlices.length > 0)
      out.push(
        advice(
          'REGULATED_WITHOUT_LICENCES',
          `no licence grants, but ${regulatedSlices.length} regulated team line(s) (${listed(
            regulatedSlices.map((s) => `${s.team.id}: ${s.line} in ${s.jurisdiction}`),
          )}): every such lead will be refused JURISDICTION_NOT_LICENSED; ` +
            (org.regulation.declared ? 'check the regulation section' : "declare `regulation: {default: 'unregulated'}` if they are not"),
        ),
      );
  } else {
    const uncovered = regulatedSlices.filter(
      (s) =>
        !(org.entityGrants.get(s.team.entity) ?? []).some(
          (g) =>
            g.productLines.includes(s.line) &&
            (jurisdictionCovers(g.jurisdiction, s.jurisdiction) || jurisdictionCovers(s.jurisdiction, g.jurisdiction)),
        ),
    );
    for (const s of uncovered)
      out.push(
        advice(
          'REGULATED_LINE_WITHOUT_FIRM_GRANT',
          `team ${s.team.id}: regulated ${s.line} in ${s.jurisdiction}, but entity ${s.team.entity} holds no grant for it`,
        ),
      );
  }
  if (org.regulation.declared) {
    const ignored = org.config.licences.filter((g) => g.productLines.every((l) => !org.regulation.isRegulated(l, g.jurisdiction)));
    if (ignored.length > 0)
      out.push(
        advice(
          'LICENCES_IGNORED_FOR_UNREGULATED_LINES',
          `${ignored.length} licence grant(s) cover only unregulated lines and are not checked: ${listed(ignored.map((g) => g.id))}`,
        ),
      );
  }
  return out;
}
