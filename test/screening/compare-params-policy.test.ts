import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { compileConfigObject } from '../../src/config/load-config.ts';
import { recordedPolicy } from '../../src/app/intake/screen-intake.ts';
import { runCli } from '../../src/cli/main.ts';
import { DEFAULT_SCREENING_POLICY, ScreeningPolicySchema } from '../../src/domain/org/screening-policy.schema.ts';
import { SCREENING_COMPARE_PARAMS } from '../../src/screening/name-compare.ts';
import { screeningCompareParams } from '../../src/screening/screening-compare-params.ts';
import { ScreeningService } from '../../src/screening/screening-service.ts';
import { baseConfig } from '../support/org-builder.ts';

/**
 * The name-comparison parameters screening uses are part of the screening policy (org config `screening.nameCompare`,
 * docs/screening.md): a changed parameter is a new org hash and a new recorded policy, and it changes results.
 */
const dir = mkdtempSync(join(tmpdir(), 'remit-compare-policy-'));
const listFile = join(dir, 'block.csv');
// Brenda Larry Jones ~ Brenda Jones: two of three names; under the screening defaults (extraCost 0.25) 0.889, under the line.
writeFileSync(listFile, 'id,name,aliases,type,dob,country,reason\nB1,Brenda Larry Jones,,person,,,fraud\n');
const service = new ScreeningService({ now: () => new Date('2026-12-06T00:00:00Z') });
service.loadAll([`blocklist-csv:${listFile}`]);

const policyOf = (nameCompare: unknown) => ScreeningPolicySchema.parse({ nameCompare });

describe('name-comparison parameters in the screening policy', () => {
  it('an org that sets none keeps its canonical form; screening then uses exactly the screening defaults', () => {
    const c = compileConfigObject(baseConfig());
    if (!c.ok) throw new Error('config should compile');
    expect('nameCompare' in c.value.org.config.screening).toBe(false);
    expect(screeningCompareParams(c.value.org.config.screening)).toBe(SCREENING_COMPARE_PARAMS);
    // …and the recorded policy still carries every parameter used, so a changed default is a new policy hash.
    expect(recordedPolicy(DEFAULT_SCREENING_POLICY).values.nameCompare).toEqual(SCREENING_COMPARE_PARAMS);
  });

  it('a changed parameter is a new org hash, a new recorded policy hash and recorded value', () => {
    const base = compileConfigObject(baseConfig());
    const changed = compileConfigObject({ ...baseConfig(), screening: { nameCompare: { extraCost: 0.2 } } });
    if (!base.ok || !changed.ok) throw new Error('configs should compile');
    expect(changed.value.org.hash).not.toBe(base.value.org.hash);
    const before = recordedPolicy(base.value.org.config.screening);
    const after = recordedPolicy(changed.value.org.config.screening);
    expect(after.hash).not.toBe(before.hash);
    expect(after.values.nameCompare).toEqual({ ...SCREENING_COMPARE_PARAMS, extraCost: 0.2 });
    // The recorded hash describes the values applied: setting a default explicitly records the same policy.
    expect(recordedPolicy(policyOf({ extraCost: SCREENING_COMPARE_PARAMS.extraCost })).hash).toBe(before.hash);
  });

  it('changes a borderline result: an extra middle name costing less reaches the review line', () => {
    const q = { name: 'Brenda Jones', kind: 'person' as const };
    const strict = service.screen(q, { policy: DEFAULT_SCREENING_POLICY });
    const lenient = service.screen(q, { policy: policyOf({ extraCost: 0.2 }) });
    expect(strict.isMatch).toBe(false);
    expect(lenient.isMatch).toBe(true);
    expect(lenient.hits[0]).toMatchObject({ entryId: 'B1', nameScore: 0.9091, disposition: { reasonCode: 'NAME_MATCH' } });
    // The same query under the explicit screening defaults is byte-identical to the default policy's result.
    expect(JSON.stringify(service.screen(q, { policy: policyOf({ ...SCREENING_COMPARE_PARAMS }) }))).toBe(JSON.stringify(strict));
  });

  it('rejects parameters that would turn a cost or a conflict factor around, field by field', () => {
    const r = compileConfigObject({
      ...baseConfig(),
      screening: { nameCompare: { extraCost: -0.1, conflictCost: 0.5, numberConflictFactor: 1.2, minTokenSim: 0.5, unknown: 1 } },
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.map((p) => p.path).sort()).toEqual([
      'screening.nameCompare',
      'screening.nameCompare.conflictCost',
      'screening.nameCompare.extraCost',
      'screening.nameCompare.minTokenSim',
      'screening.nameCompare.numberConflictFactor',
    ]);
  });

  it("remit screen uses the org's policy with --config, else the defaults", async () => {
    const config = join(dir, 'org.json');
    writeFileSync(config, JSON.stringify({ ...baseConfig(), screening: { nameCompare: { extraCost: 0.2 } } }));
    const screen = async (extra: string[]) => {
      let stdout = '';
      const out = vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => {
        stdout += String(c);
        return true;
      });
      try {
        expect(
          await runCli(['screen', '--list', `blocklist-csv:${listFile}`, '--name', 'Brenda Jones', '--kind', 'person', ...extra]),
        ).toBe(0);
      } finally {
        out.mockRestore();
        process.exitCode = undefined;
      }
      return JSON.parse(stdout) as { isMatch: boolean };
    };
    expect((await screen([])).isMatch).toBe(false);
    expect((await screen(['--config', config])).isMatch).toBe(true);
  });
});
