import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OUTREACH_REASON_CODES } from '../../src/domain/conduct/reason-codes.ts';
import { REASON_CODES } from '../../src/domain/eligibility/reason-codes.ts';
import { ERROR_CATALOGUE } from '../../src/domain/errors/error-catalogue.ts';
import { LIFECYCLE_REASON_CODES } from '../../src/domain/lifecycle/lifecycle-reason-codes.ts';
import { SLA_REASON_CODES } from '../../src/domain/sla/sla-reason-codes.ts';
import { CRM_WRITEBACK_REASON_CODES } from '../../src/domain/crm/crm-reason-codes.ts';

type Catalogue = Readonly<Record<string, { readonly description: string } & ({ readonly category: string } | { readonly result: string })>>;

/** Each reason catalogue and the doc that lists it as `| \`CODE\` | category | description |` rows. */
const CATALOGUES: readonly { name: string; codes: Catalogue; doc: string }[] = [
  { name: 'routing', codes: REASON_CODES, doc: 'docs/routing.md' },
  { name: 'sla', codes: SLA_REASON_CODES, doc: 'docs/routing.md' },
  { name: 'lifecycle', codes: LIFECYCLE_REASON_CODES, doc: 'docs/conduct.md' },
  { name: 'outreach', codes: OUTREACH_REASON_CODES, doc: 'docs/conduct.md' },
  { name: 'crm write-back', codes: CRM_WRITEBACK_REASON_CODES, doc: 'docs/crm.md' },
];
const catalogued = new Set(CATALOGUES.flatMap((c) => Object.keys(c.codes)));

const sources = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );

/** Where reason codes are produced: decisions, eligibility, lifecycle, SLA, the outreach gate, and the use cases that open reviews. */
const PRODUCERS = [
  'src/domain/decision',
  'src/domain/eligibility',
  'src/domain/lifecycle',
  'src/domain/sla',
  'src/domain/conduct',
  'src/app',
];
/**
 * Other vocabularies that reuse the `code` / `problem` field names: customer-profile findings and fact-time
 * checks (typed unions of their own), audit verification problems, and Node's DNS error codes.
 */
const OTHER_VOCABULARIES = [
  'src/domain/eligibility/customer-profile.ts',
  'src/domain/lifecycle/fact-time.ts',
  'src/app/audit/assignment-cross-check.ts',
  'src/app/audit/audit-queries.ts',
  'src/app/audit/audit-replay.use-case.ts',
  'src/app/webhooks/webhook-target-policy.ts',
];

describe('reason code catalogues', () => {
  it('are disjoint, and every code is listed with its category (or result) and description in the docs', () => {
    expect(catalogued.size).toBe(CATALOGUES.reduce((n, c) => n + Object.keys(c.codes).length, 0));
    for (const { codes, doc } of CATALOGUES) {
      const text = readFileSync(doc, 'utf8').replace(/ +\|/g, ' |'); // Prettier's table padding is not content
      for (const [code, v] of Object.entries(codes))
        expect(text).toContain(`| \`${code}\` | ${'category' in v ? v.category : v.result} | ${v.description} |`);
    }
  });

  it('hold every reason code the code names: in a decision reason, a lifecycle refusal, an SLA action or a review', () => {
    const used = new Map<string, string>();
    for (const file of PRODUCERS.flatMap(sources).filter((f) => !OTHER_VOCABULARIES.includes(f))) {
      const text = readFileSync(file, 'utf8');
      const literals = [
        ...[...text.matchAll(/\b(?:code|reasonCode|problem): '([A-Z][A-Z0-9_]+)'/g)].map((m) => m[1]!),
        ...[...text.matchAll(/\breason(?:Code)?\('([A-Z][A-Z0-9_]+)'/g)].map((m) => m[1]!),
        ...[...text.matchAll(/\breasonCodes: \[([^\]]*)\]/g)].flatMap((m) => [...m[1]!.matchAll(/'([A-Z][A-Z0-9_]+)'/g)].map((q) => q[1]!)),
      ];
      for (const code of literals) used.set(code, file);
    }
    expect(used.size).toBeGreaterThan(20);
    // An error result's `code` is a code of the error catalogue (docs/errors.md), also catalogued.
    const errorCodes = new Set(Object.keys(ERROR_CATALOGUE));
    const strays = [...used].filter(([code]) => !catalogued.has(code) && !errorCodes.has(code));
    expect(strays).toEqual([]);
  });
});
