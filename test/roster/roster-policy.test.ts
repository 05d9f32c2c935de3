import { describe, expect, it } from 'vitest';
import { compileConfigObject, loadConfig } from '../../src/config/load-config.ts';
import { accountHeirs } from '../../src/domain/org/accounts-on-leave.ts';
import type { OrgConfig } from '../../src/domain/org/org-config.schema.ts';
import { rosterPolicyOf } from '../../src/domain/org/roster-policy.schema.ts';

const example = await loadConfig('examples/bank');
if (!example.ok) throw new Error(JSON.stringify(example.error));
const base = () => structuredClone(example.value.org.config) as unknown as Record<string, unknown>;

/** The org's `roster` section (docs/operations.md "Automatic reassignment", "Account owners"): defaults, validation, heirs. */
describe('roster policy', () => {
  it('defaults: every automatic reassignment on, accounts kept', () => {
    expect(rosterPolicyOf(undefined)).toEqual({
      autoReassign: { onPause: true, onLeave: true, onLicenceLoss: true },
      accountsOnLeave: { kind: 'none' },
    });
    const compiled = compileConfigObject({ ...base(), roster: { autoReassign: { onLicenceLoss: false } } });
    expect(compiled.ok && rosterPolicyOf(compiled.value.org.config.roster).autoReassign).toEqual({
      onPause: true,
      onLeave: true,
      onLicenceLoss: false,
    });
  });

  it('an unknown pool or rep, an unknown kind or field is a config problem at its path', () => {
    const problems = (roster: unknown) => {
      const r = compileConfigObject({ ...base(), roster });
      return r.ok ? [] : r.error.map((p) => p.path);
    };
    expect(problems({ accountsOnLeave: { kind: 'pool', pool: 'nope' } })).toEqual(['roster.accountsOnLeave.pool']);
    expect(problems({ accountsOnLeave: { kind: 'rep', rep: 'nobody' } })).toEqual(['roster.accountsOnLeave.rep']);
    expect(problems({ accountsOnLeave: { kind: 'team-lead' } }).length).toBeGreaterThan(0);
    expect(problems({ autoReassign: { onHoliday: true } }).length).toBeGreaterThan(0);
    expect(problems({ accountsOnLeave: { kind: 'pool', pool: 'uk-everyday' } })).toEqual([]);
  });

  it('heirs: a pool gives each account to the active member owning fewest (leaver, paused excluded); a rep only when active', () => {
    const config = example.value.org.config as OrgConfig;
    const withPool: OrgConfig = {
      ...config,
      pools: [
        {
          id: 'p',
          name: 'P',
          members: [{ rep: 'amelia-hughes' }, { rep: 'oliver-bennett' }, { rep: 'priya-shah' }, { rep: 'tom-fletcher' }],
        },
      ],
    };
    const heirs = accountHeirs(
      withPool,
      'amelia-hughes',
      { kind: 'pool', pool: 'p' },
      ['a3', 'a1', 'a2'],
      new Map([['oliver-bennett', 1]]),
    );
    // tom-fletcher is paused in the example. priya owns none, oliver one: a1 → priya (0 < 1); a2: 1 each, id order →
    // oliver; a3 → priya (1 < 2).
    expect([...heirs.entries()].sort()).toEqual([
      ['a1', 'priya-shah'],
      ['a2', 'oliver-bennett'],
      ['a3', 'priya-shah'],
    ]);
    expect(accountHeirs(config, 'amelia-hughes', { kind: 'rep', rep: 'tom-fletcher' }, ['a1'], new Map())).toEqual(new Map([['a1', null]]));
    expect(accountHeirs(config, 'amelia-hughes', { kind: 'rep', rep: 'priya-shah' }, ['a1'], new Map())).toEqual(
      new Map([['a1', 'priya-shah']]),
    );
    expect(accountHeirs(config, 'amelia-hughes', { kind: 'none' }, ['a1'], new Map())).toEqual(new Map());
  });
});
