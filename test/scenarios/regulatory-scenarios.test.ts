import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { OUTCOME_EXIT_CODES } from '../../src/cli/exit-codes.ts';
import { loadConfig, type LoadedConfig } from '../../src/config/load-config.ts';
import { decide } from '../../src/domain/decision/decide.ts';
import type { Decision, RepVerdict, TeamVerdict } from '../../src/domain/decision/decision.ts';
import { LeadSchema, type LeadInput } from '../../src/domain/lead/lead.schema.ts';
import { EMPTY_STATE, viewOf } from '../../src/domain/strategies/routing-state.ts';
import { EXAMPLE_DIR, LEADS_DIR, sampleLeadRows } from './sample-leads-table.ts';

/**
 * REGULATORY.md §7 scenarios 4, 5, 7, 8, 9, 10 and 12 against the example bank-insurer org
 * (examples/bank), plus one test per sample lead that its outcome matches leads/README.md.
 * Decision times are fixed: a Tuesday, 2026-11-24.
 */

/** 11:00 London/Dublin, 12:00 Frankfurt, 15:00 Dubai. */
const EMEA_AT = '2026-11-24T11:00:00Z';
/** 13:00 New York, 12:00 Texas, 10:00 California. */
const US_AT = '2026-11-24T18:00:00Z';

let loaded: LoadedConfig;

beforeAll(async () => {
  const result = await loadConfig(EXAMPLE_DIR);
  if (!result.ok)
    throw new Error(`examples/bank does not load:\n${result.error.map((p) => `${p.file}: ${p.path}: ${p.message}`).join('\n')}`);
  loaded = result.value;
});

const readLead = (file: string): LeadInput => JSON.parse(readFileSync(join(LEADS_DIR, file), 'utf8')) as LeadInput;

function route(lead: LeadInput, at: string): Decision {
  return decide({
    org: loaded.org,
    lead: LeadSchema.parse(lead),
    at: Date.parse(at),
    state: viewOf(EMPTY_STATE),
    decisionId: `test-${lead.id}`,
  }).decision;
}

function teamVerdict(d: Decision, teamId: string): TeamVerdict {
  const t = d.candidates.find((c) => c.id === teamId);
  if (!t) throw new Error(`team ${teamId} was not considered; candidates: ${d.candidates.map((c) => c.id).join(', ')}`);
  return t;
}

function repVerdict(d: Decision, teamId: string, repId: string): RepVerdict {
  const r = teamVerdict(d, teamId).reps.find((x) => x.id === repId);
  if (!r) throw new Error(`rep ${repId} was not evaluated in ${teamId}`);
  return r;
}

const codes = (reasons: readonly { code: string }[]) => reasons.map((r) => r.code);

function grantSourceRef(id: string): string | undefined {
  const grant = loaded.config.licences.find((g) => g.id === id) ?? loaded.config.appointments.find((a) => a.id === id);
  if (!grant) throw new Error(`no grant or appointment ${id}`);
  return grant.sourceRef;
}

describe('example org', () => {
  it('loads cleanly and has the advertised shape', () => {
    expect(loaded.org.teams.length).toBeGreaterThanOrEqual(8);
    expect(loaded.org.repsById.size).toBeGreaterThanOrEqual(40);
    expect(loaded.org.rules.length).toBeGreaterThanOrEqual(12);
    expect(loaded.org.version).toBe('2026.11.2');
  });
});

describe('§7 scenario 4 — Texas variable annuity needs the insurance licence AND Series 6/7 AND state registration', () => {
  let d: Decision;
  beforeAll(() => {
    d = route(readLead('tx-variable-annuity-dual-licensed.json'), US_AT);
  });

  it('assigns the dual-licensed, Hudson-appointed rep', () => {
    expect(d.outcome).toBe('ASSIGNED');
    expect(d.rule?.id).toBe('us-variable-annuities');
    expect(d.team?.id).toBe('us-tx-annuities');
    expect(d.rep?.id).toBe('maria-gonzalez');
    expect(repVerdict(d, 'us-tx-annuities', 'maria-gonzalez').reliedOn).toEqual([
      'txtdi-life-va-maria-gonzalez',
      'finra-s6-maria-gonzalez',
      'txssb-s63-maria-gonzalez',
      'appt-hudson-tx-maria-gonzalez',
    ]);
    expect(teamVerdict(d, 'us-tx-annuities').reliedOn).toEqual(['tx-tdi-agency', 'finra-broker-dealer', 'tx-bd-registration']);
  });

  it('excludes the life-only agent: no variable_annuity line (and no Hudson appointment)', () => {
    const ashley = repVerdict(d, 'us-tx-annuities', 'ashley-johnson');
    expect(ashley.lawful).toBe(false);
    expect(ashley.eligible).toBe(false);
    expect(ashley.reasons).toEqual([
      { code: 'LICENCE_NOT_COVERING_PRODUCT_LINE', detail: 'no variable_annuity authority in US-TX' },
      { code: 'NO_CARRIER_APPOINTMENT', detail: 'carrier hudson-annuity: none held for US-TX' },
    ]);
  });

  it('excludes the agent who holds the insurance VA line but no Series 6/7', () => {
    const tyler = repVerdict(d, 'us-tx-annuities', 'tyler-brooks');
    expect(tyler.lawful).toBe(false);
    expect(tyler.reasons[0]).toEqual({ code: 'LICENCE_NOT_COVERING_PRODUCT_LINE', detail: 'no securities authority in US-TX' });
    expect(codes(tyler.reasons)).toEqual(['LICENCE_NOT_COVERING_PRODUCT_LINE', 'APPOINTMENT_NOT_YET_VALID']);
  });

  it('keeps the out-of-office dual-licensed rep lawful but unavailable', () => {
    const robert = repVerdict(d, 'us-tx-annuities', 'robert-hayes');
    expect(robert).toMatchObject({ lawful: true, available: false, eligible: false });
    expect(codes(robert.reasons)).toEqual(['OUT_OF_OFFICE']);
  });

  it('the life-only agent is lawful for term life in Texas: the exclusion is about the VA lines, not the agent', () => {
    const life = route(
      { ...readLead('tx-variable-annuity-dual-licensed.json'), id: 'lead-tx-life-control', product: 'us-term-life-20' },
      US_AT,
    );
    expect(life.rule?.id).toBe('us-life-protection');
    const ashley = repVerdict(life, 'us-tx-annuities', 'ashley-johnson');
    expect(ashley).toMatchObject({ lawful: true, available: true, eligible: true, reasons: [] });
    expect(ashley.reliedOn).toEqual(['txtdi-life-ashley-johnson', 'appt-cascade-tx-ashley-johnson']);
  });
});

describe('§7 scenario 5 — licence expired yesterday / carrier appointment ended', () => {
  let d: Decision;
  beforeAll(() => {
    d = route(readLead('ca-life-expired-licence.json'), US_AT);
  });

  it('excludes the California agent whose producer licence expired on 2026-11-23', () => {
    const jessica = repVerdict(d, 'us-ca-life', 'jessica-nguyen');
    expect(jessica.lawful).toBe(false);
    expect(jessica.reasons).toEqual([{ code: 'LICENCE_EXPIRED', detail: 'cadoi-life-jessica-nguyen expired 2026-11-24T00:00:00.000Z' }]);
  });

  it('the same agent was lawful the day before (the expiry date, not the agent, decides)', () => {
    const dayBefore = route(readLead('ca-life-expired-licence.json'), '2026-11-23T18:00:00Z');
    const jessica = repVerdict(dayBefore, 'us-ca-life', 'jessica-nguyen');
    expect(jessica.lawful).toBe(true);
    expect(jessica.reliedOn).toEqual(['cadoi-life-jessica-nguyen', 'appt-cascade-ca-jessica-nguyen']);
  });

  it('5b: excludes the agent whose Cascade appointment ended with APPOINTMENT_EXPIRED', () => {
    const emily = repVerdict(d, 'us-ca-life', 'emily-tran');
    expect(emily.lawful).toBe(false);
    expect(emily.reasons).toEqual([
      { code: 'APPOINTMENT_EXPIRED', detail: 'carrier cascade-life: appt-cascade-ca-emily-tran expired 2026-11-01T00:00:00.000Z' },
    ]);
    const before = route(readLead('ca-life-expired-licence.json'), '2026-10-30T18:00:00Z');
    expect(repVerdict(before, 'us-ca-life', 'emily-tran').lawful).toBe(true);
  });

  it('assigns the validly licensed and appointed agent and records which licence data was relied on', () => {
    expect(d.outcome).toBe('ASSIGNED');
    expect(d.team?.id).toBe('us-ca-life');
    expect(d.rep?.id).toBe('carlos-mendoza');
    const carlos = repVerdict(d, 'us-ca-life', 'carlos-mendoza');
    expect(carlos.reliedOn).toEqual(['cadoi-life-carlos-mendoza', 'appt-cascade-ca-carlos-mendoza']);
    expect(carlos.reliedOn.map(grantSourceRef)).toEqual([
      'NIPR PDB producer report NPN 19500218, snapshot 2026-11-23',
      'NIPR appointments, snapshot 2026-11-23',
    ]);
    const team = teamVerdict(d, 'us-ca-life');
    expect(team.reliedOn).toEqual(['ca-doi-agency']);
    expect(team.licences.find((l) => l.id === 'ca-doi-agency')).toMatchObject({
      regulator: 'CA-DOI',
      jurisdiction: 'US-CA',
      validTo: '2099-12-31',
      status: 'active',
      sourceRef: 'NIPR PDB entity report, snapshot 2026-11-23',
    });
    expect(d.ruleSet).toEqual({ version: '2026.11.2', hash: loaded.org.hash });
    expect(d.decidedAt).toBe('2026-11-24T18:00:00.000Z');
  });
});

describe('§7 scenario 7 — UK retail prospect, HNW statement 13 months old, non-mass-market investment', () => {
  it('is treated as retail and refused (not promoted) until re-certified', () => {
    const d = route(readLead('uk-hnw-expired-statement.json'), EMEA_AT);
    expect(d.outcome).toBe('REFUSED');
    expect(d.rule).toBeNull();
    expect(d.team).toBeNull();
    expect(d.rep).toBeNull();
    expect(d.candidates).toEqual([]);
    expect(codes(d.reasons)).toEqual(['RETAIL_STATUS_REQUIRED']);
    expect(d.reasons[0]?.detail).toBe(
      'needs a valid hnw or sophisticated status; hnw statement of 2025-10-20 expired 2026-10-20T00:00:00.000Z (valid 12 months)',
    );
    expect(d.constraints.customerType.effective).toBe('retail');
    expect(d.constraints.statuses).toEqual([]);
    expect(codes(d.constraints.customerType.findings)).toEqual(['STATUS_EXPIRED']);
  });

  it('once re-certified the same prospect is routed to the private bank', () => {
    const d = route(readLead('uk-hnw-valid-statement-private-bank.json'), EMEA_AT);
    expect(d.outcome).toBe('ASSIGNED');
    expect(d.constraints.statuses).toEqual(['hnw']);
    expect(d.rule?.id).toBe('uk-private-banking');
    expect(d.team?.id).toBe('uk-private-bank');
    expect(d.rep?.id).toBe('edward-ashworth');
  });
});

describe('§7 scenario 8 — EU retail client, complex product → appropriateness step before a product rep', () => {
  it('without an assessment only the appropriateness desk may take it; the advisory team is excluded', () => {
    const d = route(readLead('eu-retail-complex-appropriateness.json'), EMEA_AT);
    expect(d.constraints.appropriateness).toEqual({ required: true, valid: false });
    const advisory = teamVerdict(d, 'eu-advisory');
    expect(advisory.pass).toBe(false);
    expect(codes(advisory.reasons)).toEqual(['APPROPRIATENESS_ASSESSMENT_REQUIRED']);
    expect(advisory.reps).toEqual([]);
    expect(d.outcome).toBe('ASSIGNED');
    expect(d.team?.id).toBe('eu-appropriateness-desk');
    expect(d.rep?.id).toBe('matthias-wolf');
    expect(teamVerdict(d, 'eu-appropriateness-desk').reliedOn).toEqual(['cbi-de-branch']);
  });

  it('with a valid assessment the product adviser takes it directly', () => {
    const d = route(readLead('eu-retail-complex-assessed.json'), EMEA_AT);
    expect(d.constraints.appropriateness).toEqual({ required: false, valid: true });
    expect(d.outcome).toBe('ASSIGNED');
    expect(d.team?.id).toBe('eu-advisory');
    expect(d.rep?.id).toBe('sophie-schneider');
    expect(codes(repVerdict(d, 'eu-advisory', 'julien-moreau').reasons)).toEqual(['NO_LICENCE_FOR_JURISDICTION']);
  });

  it('an assessment older than 24 months no longer counts', () => {
    const lead = readLead('eu-retail-complex-assessed.json');
    const stale = {
      ...lead,
      id: 'lead-de-note-stale',
      customer: { ...lead.customer, appropriateness: { assessedAt: '2024-10-01', result: 'appropriate' as const } },
    };
    const d = route(stale, EMEA_AT);
    expect(d.constraints.appropriateness).toEqual({ required: true, valid: false });
    expect(codes(d.constraints.customerType.findings)).toEqual(['APPROPRIATENESS_EXPIRED']);
    expect(d.team?.id).toBe('eu-appropriateness-desk');
  });
});

describe('§7 scenario 9 — elective professional meeting only 1 of 3 criteria stays retail', () => {
  it('is reclassified retail and refused a professional-only product', () => {
    const d = route(readLead('elective-professional-one-criterion.json'), EMEA_AT);
    expect(d.constraints.customerType).toEqual({
      declared: 'professional',
      effective: 'retail',
      findings: [{ code: 'ELECTIVE_PROFESSIONAL_CRITERIA_NOT_MET', detail: '1 of 3 criteria met, 2 required' }],
    });
    expect(d.outcome).toBe('REFUSED');
    expect(codes(d.reasons)).toEqual(['PRODUCT_OUTSIDE_TARGET_MARKET']);
    expect(d.rule).toBeNull();
  });

  it('is served as a retail client for the retail-terms product (appropriateness applies)', () => {
    const d = route(
      { ...readLead('elective-professional-one-criterion.json'), id: 'lead-uk-cfd-retail-terms', product: 'uk-cfd-retail' },
      EMEA_AT,
    );
    expect(d.constraints.customerType.effective).toBe('retail');
    expect(d.constraints.appropriateness).toEqual({ required: true, valid: false });
    expect(d.outcome).toBe('ASSIGNED');
    expect(d.team?.id).toBe('uk-cfd-trading');
  });

  it('meeting 2 of 3 criteria makes the customer professional', () => {
    const d = route(readLead('elective-professional-two-criteria.json'), EMEA_AT);
    expect(d.constraints.customerType).toEqual({ declared: 'professional', effective: 'professional', findings: [] });
    expect(d.outcome).toBe('ASSIGNED');
    expect(d.team?.id).toBe('uk-cfd-trading');
    expect(d.rep?.id).toBe('zara-ahmed');
  });
});

describe('§7 scenario 10 — DIFC retail client and a professional-only product', () => {
  it('is not routed and not promoted', () => {
    const d = route(readLead('difc-retail-professional-only-refused.json'), EMEA_AT);
    expect(d.outcome).toBe('REFUSED');
    expect(d.reasons).toEqual([
      { code: 'PRODUCT_OUTSIDE_TARGET_MARKET', detail: 'difc-private-credit-fund targets professional; customer is retail' },
    ]);
    expect(d.rule).toBeNull();
    expect(d.candidates).toEqual([]);
    expect(d.team).toBeNull();
    expect(d.rep).toBeNull();
  });

  it('the same retail client may be served a retail-permitted DIFC product', () => {
    const d = route(
      { ...readLead('difc-retail-professional-only-refused.json'), id: 'lead-difc-portfolio', product: 'difc-discretionary-portfolio' },
      EMEA_AT,
    );
    expect(d.outcome).toBe('ASSIGNED');
    expect(d.team?.id).toBe('difc-private-bank');
    expect(teamVerdict(d, 'difc-private-bank').reliedOn).toEqual(['dfsa-difc-advising-retail']);
  });

  it('a per-se professional client is routed for the professional-only fund', () => {
    const d = route(readLead('difc-professional-private-credit.json'), EMEA_AT);
    expect(d.constraints.customerType.effective).toBe('professional');
    expect(d.outcome).toBe('ASSIGNED');
    expect(d.team?.id).toBe('difc-private-bank');
    expect(d.rep?.id).toBe('omar-al-farsi');
    expect(teamVerdict(d, 'difc-private-bank').reliedOn).toEqual(['dfsa-difc-private-credit-professional']);
    expect(codes(repVerdict(d, 'difc-private-bank', 'hassan-al-mansoori').reasons)).toEqual(['OUT_OF_OFFICE']);
  });
});

describe('§7 scenario 12 — jurisdiction where the firm holds no licence at all', () => {
  it.each([
    ['br-lead-unlicensed-jurisdiction.json', 'BR'],
    ['jp-lead-unlicensed-jurisdiction.json', 'JP-13'],
    ['nl-passport-withdrawn.json', 'NL'],
  ])('%s is refused at pre-screen', (file, jurisdiction) => {
    const d = route(readLead(file), EMEA_AT);
    expect(d.outcome).toBe('REFUSED');
    expect(d.reasons).toEqual([{ code: 'JURISDICTION_NOT_LICENSED', detail: `the firm holds no valid licence covering ${jurisdiction}` }]);
    expect(d.rule).toBeNull();
    expect(d.candidates).toEqual([]);
  });

  it('the Dutch passport did count while it was valid', () => {
    const d = route(readLead('nl-passport-withdrawn.json'), '2024-06-30T11:00:00Z');
    expect(codes(d.reasons)).not.toContain('JURISDICTION_NOT_LICENSED');
    expect(d.rule?.id).toBe('outside-service-footprint');
  });

  it('a licensed country passes pre-screen even when no team serves the lead', () => {
    const d = route(readLead('us-illinois-outside-footprint.json'), US_AT);
    expect(d.rule?.id).toBe('outside-service-footprint');
    expect(codes(d.reasons)).toEqual(['OUTSIDE_SERVICE_FOOTPRINT']);
  });
});

// ---- sample leads vs examples/bank/leads/README.md ------------------------------------------

const ROWS = sampleLeadRows();

describe('sample leads match examples/bank/leads/README.md', () => {
  it('every lead file has exactly one row and every row names an existing file', () => {
    const files = readdirSync(LEADS_DIR)
      .filter((f) => f.endsWith('.json'))
      .sort();
    expect(ROWS.map((r) => r.file).sort()).toEqual(files);
    expect(files.length).toBeGreaterThanOrEqual(12);
  });

  it.each(ROWS.map((r) => [r.file, r] as const))('%s', (file, row) => {
    const d = route(readLead(file), row.at);
    expect(d.outcome).toBe(row.outcome);
    expect(OUTCOME_EXIT_CODES[d.outcome]).toBe(row.exit);
    expect(d.rule?.id ?? null).toBe(row.rule);
    expect(d.team?.id ?? null).toBe(row.team);
    expect(d.rep?.id ?? null).toBe(row.rep);
    expect(d.reasons[0]?.code).toBe(row.reason ?? 'ASSIGNED');
  });
});
