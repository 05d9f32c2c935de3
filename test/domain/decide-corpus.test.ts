import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decisionCorpus, type DecisionCorpus } from './decision-corpus.ts';

/**
 * Byte-identical decisions (issue 18): the engine may get faster, never different. The digests in
 * test/fixtures/decision-corpus.json were recorded with the engine before its optimisation; every decision of the
 * seeded corpus (decision-corpus.ts) must still serialise to the same canonical bytes. A deliberate change to what a
 * decision says re-records them with REMIT_RECORD_DECISION_CORPUS=1 (and says why in its commit).
 */
const FIXTURE = 'test/fixtures/decision-corpus.json';

describe('decision corpus', () => {
  it('every decision is byte-identical to the one recorded before the engine was optimised', async () => {
    const { groups, seen, dataTextMismatches } = await decisionCorpus();
    if (process.env.REMIT_RECORD_DECISION_CORPUS === '1') writeFileSync(FIXTURE, `${JSON.stringify(groups, null, 1)}\n`);
    const recorded = JSON.parse(readFileSync(FIXTURE, 'utf8')) as DecisionCorpus;
    expect(Object.keys(groups)).toEqual(Object.keys(recorded));
    for (const [group, list] of Object.entries(groups)) {
      const want = recorded[group]!;
      expect(list.length, group).toBe(want.length);
      const firstDiff = list.findIndex((d, i) => d !== want[i]);
      expect(firstDiff, `${group}: first differing decision`).toBe(-1);
    }
    // The text a decision is recorded with (kept texts of reused verdicts included) is that of a fresh copy.
    expect(dataTextMismatches).toBe(0);
    // Not vacuous: the corpus reaches every outcome, the fallback owner, licence refusals, gates and the outcome-aware step.
    const keys = [...seen.keys()].join('\n');
    for (const expected of [
      /^ASSIGNED ASSIGNED weighted-round-robin/m,
      /^ASSIGNED ASSIGNED outcome-aware/m,
      /^ASSIGNED ASSIGNED account-owner/m,
      /^ASSIGNED FALLBACK_OWNER/m,
      /^QUEUED NO_AVAILABLE_REP/m,
      /^REFUSED NO_LAWFUL_CANDIDATE/m,
      /^REFUSED UNKNOWN_PRODUCT/m,
      /^HELD /m,
      /^NURTURE /m,
    ])
      expect(keys).toMatch(expected);
  }, 120_000);
});
