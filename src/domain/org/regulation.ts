import { jurisdictionCovers } from '../shared/jurisdiction.ts';
import { MIFID_CUSTOMER_TYPES, type OrgConfig } from './org-config.schema.ts';
import type { FallbackConfig, RegulationConfig, RegulationScope } from './regulation.schema.ts';

/**
 * Whether licences apply to a lead, as its decision records it (docs/routing.md "Regulated and unregulated
 * lines"): `checked` — every licence, appointment and suitability check ran; `not_applicable` — the lead's
 * product lines are unregulated where the lead is, so none of them did.
 */
export interface Licensing {
  readonly status: 'checked' | 'not_applicable';
  readonly code: 'REGULATED_LINE' | 'UNREGULATED_LINE';
  readonly detail: string;
}

/** The org's regulation section, compiled: answers "is this line regulated in this jurisdiction?". */
export interface CompiledRegulation {
  /** false: the org has no regulation section (everything regulated; decisions keep their pre-regulation document). */
  readonly declared: boolean;
  isRegulated(productLine: string, jurisdiction: string): boolean;
  /**
   * Is the line regulated anywhere a mandate for `jurisdiction` reaches — in the jurisdiction itself or in one of its
   * subdivisions a regulated scope names (a US team reaches regulated US-NY)? What config checks ask of a team.
   */
  regulatedWithin(productLine: string, jurisdiction: string): boolean;
  /** A product is regulated where any one of its lines is; unregulated only when all of them are. */
  licensing(productLines: readonly string[], jurisdiction: string): Licensing;
}

const names = (scope: RegulationScope, line: string, jurisdiction: string): boolean =>
  (scope.productLines === undefined || scope.productLines.includes(line)) &&
  (scope.jurisdictions === undefined || scope.jurisdictions.some((j) => jurisdictionCovers(j, jurisdiction)));

export function compileRegulation(config: RegulationConfig | undefined): CompiledRegulation {
  const isRegulated = (line: string, jurisdiction: string): boolean => {
    if (!config) return true;
    // Regulated wins: a scope that says "regulated" cannot be overridden by an unregulated one or by the default.
    if ((config.regulated ?? []).some((s) => names(s, line, jurisdiction))) return true;
    if ((config.unregulated ?? []).some((s) => names(s, line, jurisdiction))) return false;
    return config.default === 'regulated';
  };
  const regulatedWithin = (line: string, jurisdiction: string): boolean =>
    isRegulated(line, jurisdiction) ||
    (config?.regulated ?? []).some(
      (scope) =>
        (scope.productLines === undefined || scope.productLines.includes(line)) &&
        (scope.jurisdictions ?? []).some((j) => jurisdictionCovers(jurisdiction, j)),
    );
  return {
    declared: config !== undefined,
    isRegulated,
    regulatedWithin,
    licensing(productLines, jurisdiction) {
      const regulated = productLines.filter((l) => isRegulated(l, jurisdiction));
      // A product without lines (an unknown product) is treated as regulated: nothing is waived for what is not known.
      if (regulated.length > 0 || productLines.length === 0)
        return {
          status: 'checked',
          code: 'REGULATED_LINE',
          detail: `${regulated.join(', ') || 'unknown product'} regulated in ${jurisdiction}: licences and suitability checked`,
        };
      return {
        status: 'not_applicable',
        code: 'UNREGULATED_LINE',
        detail: `${productLines.join(', ')} unregulated in ${jurisdiction}: no licence, appointment or suitability checks`,
      };
    },
  };
}

interface RegulationIndex {
  readonly productLines: ReadonlySet<string>;
  readonly repIds: ReadonlySet<string>;
}

/**
 * Cross-references of the regulation, fallback and default-product settings. A team that serves a regulated
 * line must say which customer types it serves (the MiFID categories its licences are written for).
 */
export function checkRegulation(
  config: OrgConfig,
  regulation: CompiledRegulation,
  index: RegulationIndex,
  issues: { path: readonly (string | number)[]; message: string }[],
): void {
  for (const side of ['regulated', 'unregulated'] as const)
    config.regulation?.[side]?.forEach((scope, i) =>
      scope.productLines?.forEach((line, j) => {
        if (!index.productLines.has(line))
          issues.push({ path: ['regulation', side, i, 'productLines', j], message: `product line "${line}" is not used by any product` });
      }),
    );
  const checkOwner = (fallback: FallbackConfig | undefined, path: readonly (string | number)[]) => {
    if (fallback?.kind === 'owner' && !index.repIds.has(fallback.rep))
      issues.push({ path: [...path, 'rep'], message: `unknown rep "${fallback.rep}"` });
  };
  checkOwner(config.fallback, ['fallback']);
  config.rules.forEach((r, i) => {
    if (r.then.kind === 'route') checkOwner(r.then.fallback, ['rules', i, 'then', 'fallback']);
  });
  if (config.defaultProduct !== undefined && !config.products.some((p) => p.id === config.defaultProduct))
    issues.push({ path: ['defaultProduct'], message: `unknown product "${config.defaultProduct}"` });
  config.teams.forEach((t, i) => {
    if (t.mandate.customerTypes !== undefined) return;
    const regulated = t.mandate.productLines.flatMap((line) =>
      t.mandate.jurisdictions.filter((j) => regulation.regulatedWithin(line, j)).map((j) => `${line} in ${j}`),
    );
    if (regulated.length > 0)
      issues.push({
        path: ['teams', i, 'mandate', 'customerTypes'],
        message: `required: the team serves regulated lines (${regulated.slice(0, 3).join(', ')}${regulated.length > 3 ? ' …' : ''})`,
      });
  });
}

type Issues = { path: readonly (string | number)[]; message: string }[];

/**
 * docs/routing.md "Customer types": every type named must be one of the org's (MiFID's when it declares none), and
 * whatever a regulated line touches — licences, teams serving it, products with it — uses MiFID's categories only:
 * the licences and suitability rules are written for them.
 */
export function checkCustomerTypes(config: OrgConfig, regulation: CompiledRegulation, issues: Issues): void {
  const known = config.customerTypes ?? MIFID_CUSTOMER_TYPES;
  const check = (types: readonly string[] | undefined, path: readonly (string | number)[], regulated: boolean) =>
    types?.forEach((t, j) => {
      if (!known.includes(t)) issues.push({ path: [...path, j], message: `unknown customer type "${t}" (known: ${known.join(', ')})` });
      else if (regulated && !MIFID_CUSTOMER_TYPES.includes(t))
        issues.push({
          path: [...path, j],
          message: `"${t}" on a regulated line: regulated lines use MiFID's ${MIFID_CUSTOMER_TYPES.join(', ')}`,
        });
    });
  const jurisdictions = [...new Set(config.teams.flatMap((t) => t.mandate.jurisdictions))];
  const regulatedLine = (line: string, where: readonly string[]) => where.some((j) => regulation.regulatedWithin(line, j));
  config.products.forEach((p, i) =>
    check(
      p.targetCustomerTypes,
      ['products', i, 'targetCustomerTypes'],
      p.productLines.some((l) => regulatedLine(l, jurisdictions)),
    ),
  );
  config.teams.forEach((t, i) =>
    check(
      t.mandate.customerTypes,
      ['teams', i, 'mandate', 'customerTypes'],
      t.mandate.productLines.some((l) => regulatedLine(l, t.mandate.jurisdictions)),
    ),
  );
  config.licences.forEach((g, i) => check(g.customerTypes, ['licences', i, 'customerTypes'], true));
  // The suitability policy is MiFID's by nature (its defaults name retail even for an org that serves only smb).
  config.suitability.appropriateness.requiredForComplexProductsFor.forEach((t, j) => {
    if (!MIFID_CUSTOMER_TYPES.includes(t))
      issues.push({
        path: ['suitability', 'appropriateness', 'requiredForComplexProductsFor', j],
        message: `"${t}" is not a MiFID customer type (${MIFID_CUSTOMER_TYPES.join(', ')})`,
      });
  });
}
