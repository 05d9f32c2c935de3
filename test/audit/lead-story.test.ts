import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import type { AuditEvent, SealedAuditRow } from '../../src/audit/audit-entry.ts';
import { exportCsv, exportJsonLines, inDateRange } from '../../src/audit/audit-export.ts';
import { AuditSealer } from '../../src/audit/audit-sealer.ts';
import { buildLeadStory, renderDecision, renderLeadStory } from '../../src/audit/lead-story.ts';
import { MerkleTree } from '../../src/audit/merkle-tree.ts';
import type { Decision } from '../../src/domain/decision/decision.ts';
import { LOG_ID, event, newKey } from './audit-fixtures.ts';
import { independentVerify } from './independent-verifier.ts';

const decision: Decision = {
  decisionId: 'dec-7',
  leadId: 'lead-7',
  outcome: 'ASSIGNED',
  team: { id: 'annuities-tx', name: 'Annuities Texas' },
  rep: { id: 'rep-dual', name: 'Dana Dual' },
  ruleSet: { version: '2026.03-1', hash: `sha256:${'1f'.repeat(32)}` },
  rule: {
    id: 'tx-annuities',
    index: 2,
    description: 'Texas variable annuities',
    rulesEvaluated: 3,
    trace: [{ path: 'all[0]', test: 'lead.jurisdiction == "US-TX"', actual: 'US-TX', result: true }],
  },
  constraints: {
    jurisdiction: 'US-TX',
    country: 'US',
    product: {
      id: 'va-plus',
      productLines: ['variable-annuity'],
      complexity: 'complex',
      massMarket: false,
      requiresAppointment: true,
      carrier: 'Acme Life',
    },
    customerType: { declared: 'retail', effective: 'retail', findings: [] },
    statuses: ['existing-customer:no'],
    appropriateness: { required: false, valid: false },
    screening: { status: 'CLEAR', tags: [], listVersions: ['ofac-sdn@2026-02-28'] },
    enhancedDueDiligenceRequired: false,
    respectWorkingHours: true,
  },
  candidates: [
    {
      id: 'annuities-tx',
      name: 'Annuities Texas',
      entity: 'acme-securities',
      pass: true,
      reasons: [],
      licences: [
        {
          id: 'lic-tx-bd',
          regulator: 'FINRA',
          jurisdiction: 'US-TX',
          activity: 'broker-dealer',
          productLines: ['variable-annuity'],
          customerTypes: ['retail'],
          validFrom: '2020-01-01',
          validTo: null,
          status: 'active',
          sourceRef: 'CRD 12345',
        },
      ],
      reliedOn: ['lic-tx-bd'],
      reps: [
        {
          id: 'rep-life',
          name: 'Lee Life',
          lawful: false,
          available: true,
          eligible: false,
          reasons: [{ code: 'NO_LICENCE_FOR_JURISDICTION', detail: 'no Series 6/7' }],
          reliedOn: [],
          licences: [],
        },
        {
          id: 'rep-dual',
          name: 'Dana Dual',
          lawful: true,
          available: true,
          eligible: true,
          reasons: [],
          reliedOn: ['s6-dana', 'tx-life-dana'],
          licences: [
            {
              id: 's6-dana',
              regulator: 'FINRA',
              jurisdiction: 'US',
              activity: 'series-6',
              productLines: ['variable-annuity'],
              customerTypes: ['retail'],
              validFrom: '2019-05-01',
              validTo: null,
              status: 'active',
              sourceRef: 'CRD 777',
            },
          ],
        },
      ],
    },
    {
      id: 'life-fl',
      name: 'Life Florida',
      entity: 'acme-insurance',
      pass: false,
      reasons: [{ code: 'NO_FIRM_LICENCE_FOR_JURISDICTION', detail: 'no US-TX grant' }],
      licences: [],
      reliedOn: [],
      reps: [],
    },
  ],
  strategy: {
    chain: [{ kind: 'weighted-round-robin', result: 'picked', note: 'largest shortfall', remaining: 1 }],
    chosenBy: 'weighted-round-robin',
    details: { ledger: [{ rep: 'rep-dual', targetShare: 1, assigned: 4, shortfall: 0.5 }] },
  },
  reasons: [],
  summary: 'Assigned to Dana Dual (dual-licensed).',
  decidedAt: '2026-03-01T09:00:05.000Z',
};

const story7: AuditEvent[] = [
  {
    kind: 'intake',
    subject: 'lead-7',
    actor: 'api:web-form',
    at: '2026-03-01T09:00:00.000Z',
    payload: { source: 'web-form', jurisdiction: 'US-TX', product: 'va-plus' },
    commitments: { 'lead.email': `hmac-sha256:${'0a'.repeat(32)}` },
  },
  { kind: 'dedupe', subject: 'lead-7', actor: 'system', at: '2026-03-01T09:00:01.000Z', payload: { duplicateOf: null, account: null } },
  {
    kind: 'screening',
    subject: 'lead-7',
    actor: 'system',
    at: '2026-03-01T09:00:02.000Z',
    payload: { status: 'CLEAR', listVersions: ['ofac-sdn@2026-02-28'], hits: [] },
  },
  { kind: 'decision', subject: 'lead-7', actor: 'system', at: '2026-03-01T09:00:05.000Z', payload: { decision } as never },
  {
    kind: 'outreach',
    subject: 'lead-7',
    actor: 'rep:rep-dual',
    at: '2026-03-01T15:00:00.000Z',
    payload: { channel: 'phone', verdict: 'allow', rule: 'US-TX quiet hours 09:00-21:00', reason: 'within hours' },
  },
].map((e) => ({ commitments: {}, ...e }) as unknown as AuditEvent);

function buildFixture() {
  const key = newKey();
  const sealer = AuditSealer.start(LOG_ID);
  const rows: SealedAuditRow[] = [];
  let s = 0;
  for (let i = 0; i < 60; i++) {
    rows.push(...sealer.seal([{ ...event(i), subject: `lead-other-${i % 5}` }]));
    if (i % 12 === 5 && s < story7.length) rows.push(...sealer.seal([story7[s++]!]));
  }
  const cp = sealer.checkpoint('2026-03-02T00:00:00.000Z', key.signer);
  if (!cp.ok) throw new Error('sign');
  const tree = MerkleTree.fromLeaves(rows.map((r) => Buffer.from(r.entryHash, 'hex')));
  const mine = rows.filter((r) => r.subject === 'lead-7');
  const proofs = new Map(mine.map((r) => [r.seq, tree.inclusionProof(r.seq, cp.value.treeSize).map((p) => p.toString('hex'))]));
  return { key, rows, cp: cp.value, mine, proofs };
}

// ---------------------------------------------------------------------------------------------
// An independent verifier: node:crypto only, no Remit code. Implements what the story's `method` says.

describe('lead story (C7, scenario 15)', () => {
  it('assembles the lead’s entries in order, each with an inclusion proof that verifies', () => {
    const f = buildFixture();
    const story = buildLeadStory({
      logId: LOG_ID,
      subject: 'lead-7',
      rows: [...f.mine].reverse(),
      checkpoint: f.cp,
      keys: f.key.ring,
      proofs: f.proofs,
    });
    expect(story.integrity).toMatchObject({ verified: true, problems: [] });
    expect(story.entries.map((e) => e.kind)).toEqual(['intake', 'dedupe', 'screening', 'decision', 'outreach']);
    expect(story.entries.map((e) => e.seq)).toEqual([...f.mine].map((r) => r.seq));
  });

  it('an independent verifier (node:crypto only) accepts the JSON and rejects it when one byte changes', () => {
    const f = buildFixture();
    const json = JSON.stringify(
      buildLeadStory({ logId: LOG_ID, subject: 'lead-7', rows: f.mine, checkpoint: f.cp, keys: f.key.ring, proofs: f.proofs }),
    );
    expect(independentVerify(json)).toBe(true);
    const flips = [
      json.replace('"rep-dual","name":"Dana Dual"', '"rep-dual","name":"Dana Duel"'), // the recorded decision
      json.replace('within hours', 'within hourz'), // the outreach check, in the payload and its leaf text alike
      json.replace(/("auditPath":\["[0-9a-f])/, (m) => m.slice(0, -1) + (m.endsWith('0') ? '1' : '0')), // the proof
      json.replace(/("rootHash":")([0-9a-f])/, (_m, a: string, b: string) => a + (b === '0' ? '1' : '0')), // the JSON copy of the root
      json.replace(/(root: )([0-9a-f])/, (_m, a: string, b: string) => a + (b === '0' ? '1' : '0')), // the signed head
      json.replace('"seq":', '"seq":1'), // a position
    ];
    expect(flips.every((t) => t !== json)).toBe(true);
    expect(flips.map(independentVerify)).toEqual([false, false, false, false, false, false]);
  });

  it('the Remit side also reports a doctored proof or entry, and entries newer than the checkpoint', () => {
    const f = buildFixture();
    const first = f.mine[0]!;
    const badProofs = new Map(f.proofs);
    badProofs.set(first.seq, [...f.proofs.get(first.seq)!].reverse());
    const s1 = buildLeadStory({ logId: LOG_ID, subject: 'lead-7', rows: f.mine, checkpoint: f.cp, keys: f.key.ring, proofs: badProofs });
    expect(s1.integrity.problems.map((p) => [p.seq, p.code])).toEqual([[first.seq, 'INCLUSION_PROOF_INVALID']]);
    const edited = f.mine.map((r) => (r.kind === 'decision' ? { ...r, actor: 'user:mallory' } : r));
    const s2 = buildLeadStory({ logId: LOG_ID, subject: 'lead-7', rows: edited, checkpoint: f.cp, keys: f.key.ring, proofs: f.proofs });
    expect(s2.integrity.problems.map((p) => p.code)).toEqual(['LEAF_HASH_MISMATCH', 'INCLUSION_PROOF_INVALID']);
    const older = { ...f.cp, treeSize: 3 };
    const s3 = buildLeadStory({ logId: LOG_ID, subject: 'lead-7', rows: f.mine, checkpoint: older, keys: f.key.ring, proofs: f.proofs });
    expect(s3.integrity.problems.map((p) => p.code)).toContain('CHECKPOINT_SIGNATURE');
    expect(s3.integrity.problems.map((p) => p.code)).toContain('NOT_YET_CHECKPOINTED');
    expect(renderLeadStory(s1)).toContain('Integrity: NOT VERIFIED');
  });

  it('renders a readable report with the decision’s key parts', () => {
    const f = buildFixture();
    const text = renderLeadStory(
      buildLeadStory({ logId: LOG_ID, subject: 'lead-7', rows: f.mine, checkpoint: f.cp, keys: f.key.ring, proofs: f.proofs }),
    );
    for (const expected of [
      'Audit story of lead-7',
      'Intake',
      'Duplicate check',
      'Screening',
      'Decision dec-7: ASSIGNED → team Annuities Texas (annuities-tx), rep Dana Dual (rep-dual)',
      `Rule set 2026.03-1 (sha256:${'1f'.repeat(32)})`,
      'jurisdiction US-TX',
      'product va-plus [variable-annuity], complexity complex',
      'licence lic-tx-bd: FINRA US-TX broker-dealer [variable-annuity]',
      'Life Florida (life-fl, entity acme-insurance): FAIL — NO_FIRM_LICENCE_FOR_JURISDICTION (no US-TX grant)',
      'rep Lee Life (rep-life): lawful no, available yes, excluded — NO_LICENCE_FOR_JURISDICTION (no Series 6/7)',
      'rep Dana Dual (rep-dual): lawful yes, available yes, eligible; relied on s6-dana, tx-life-dana  ← chosen',
      'licence s6-dana: FINRA US series-6 [variable-annuity] for retail, 2019-05-01 to open, active, source CRD 777',
      'Rep chosen by weighted-round-robin',
      'Outreach check',
      'verdict: allow',
      'personal data committed (values held outside the log): lead.email',
      'Integrity: VERIFIED',
    ])
      expect(text).toContain(expected);
  });

  it('renders each screening hit: name score, disposition with its reason, and every corroborating fact (docs/screening.md)', () => {
    const held: Decision = {
      ...decision,
      constraints: {
        ...decision.constraints,
        screening: {
          status: 'potential_match',
          tags: ['ofac-sdn', 'sanctions'],
          listVersions: ['ofac-sdn@0123456789ab'],
          policyHash: `sha256:${'ab'.repeat(32)}`,
          hits: [
            {
              listId: 'ofac-sdn',
              entryId: '2676',
              nameScore: 1,
              priorityScore: 0.75,
              disposition: 'review',
              reasonCode: 'NAME_MATCH',
              priority: 'low',
              effects: [{ fact: 'dob', outcome: 'disagree', effect: -0.2, hard: true, mayClear: false }],
            },
          ],
        },
      },
    };
    const text = renderDecision(held).join('\n');
    expect(text).toContain(`policy sha256:${'ab'.repeat(32)}`);
    expect(text).toContain('hit ofac-sdn/2676: name 1 → review (NAME_MATCH, priority low)');
    expect(text).toContain('dob disagree -0.2, hard: not allowed to clear');
  });

  it('exports date ranges as JSON lines and CSV that round-trip', async () => {
    const f = buildFixture();
    const range = { fromAt: '2026-03-01T09:00:00.000Z', toAt: '2026-03-01T09:00:30.000Z' };
    const selected = f.rows.filter((r) => inDateRange(r.at, range));
    expect(selected.length).toBeGreaterThan(20);
    const lines: string[] = [];
    for await (const l of exportJsonLines(selected)) lines.push(l);
    expect(lines.map((l) => JSON.parse(l) as SealedAuditRow)).toEqual(selected);
    let csv = '';
    for await (const l of exportCsv(selected)) csv += l;
    const parsed = parse(csv, { columns: true }) as Record<string, string>[];
    expect(parsed.length).toBe(selected.length);
    expect(
      parsed.map((r) => ({ seq: Number(r['seq']), payload: JSON.parse(r['payload']!) as unknown, entryHash: r['entryHash'] })),
    ).toEqual(selected.map((r) => ({ seq: r.seq, payload: r.payload, entryHash: r.entryHash })));
  });
});
