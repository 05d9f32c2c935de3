import { describe, expect, it } from 'vitest';
import { claimValues, governedRoles, mappedRoles, rolesAfterSignIn } from '../../src/domain/access/oidc-role-mapping.ts';
import { sameOriginPath } from '../../src/domain/access/return-to.ts';

const MAP = { 'remit-compliance': ['compliance'], 'remit-leads': ['ops', 'compliance'], sales: ['rep'] } as const;

describe('roles from ID-token claims', () => {
  it('reads a string or a list, and a dotted name walks into nested claims', () => {
    expect(claimValues({ groups: 'a' }, 'groups')).toEqual(['a']);
    expect(claimValues({ groups: ['a', 3, 'b'] }, 'groups')).toEqual(['a', 'b']);
    expect(claimValues({ realm_access: { roles: ['x'] } }, 'realm_access.roles')).toEqual(['x']);
    expect(claimValues({ 'a.b': ['flat'], a: { b: ['nested'] } }, 'a.b')).toEqual(['flat']);
    expect(claimValues({}, 'groups')).toEqual([]);
    expect(claimValues({ groups: { not: 'a list' } }, 'groups')).toEqual([]);
  });

  it('is the union over the groups, in role order; unknown groups and inherited keys map to nothing', () => {
    expect(mappedRoles({ groups: ['remit-leads', 'remit-compliance', 'staff'] }, 'groups', MAP)).toEqual(['ops', 'compliance']);
    expect(mappedRoles({ groups: ['constructor', '__proto__', 'toString'] }, 'groups', MAP)).toEqual([]);
    expect(mappedRoles({}, 'groups', MAP)).toEqual([]);
  });

  it('replaces only the roles the provider governs; the rep role needs a rep link', () => {
    const governed = governedRoles(MAP);
    expect([...governed].sort()).toEqual(['compliance', 'ops', 'rep']);
    expect(rolesAfterSignIn({ current: ['ops', 'integration-owner'], mapped: ['compliance'], governed, linkedToRep: false })).toEqual([
      'compliance',
      'integration-owner',
    ]);
    expect(rolesAfterSignIn({ current: [], mapped: ['rep', 'ops'], governed, linkedToRep: false })).toEqual(['ops']);
    expect(rolesAfterSignIn({ current: [], mapped: ['rep'], governed, linkedToRep: true })).toEqual(['rep']);
    // admin is not in the map: an admin granted in Remit stays an admin whatever the groups say.
    expect(rolesAfterSignIn({ current: ['admin'], mapped: [], governed, linkedToRep: false })).toEqual(['admin']);
  });
});

describe('sameOriginPath (no open redirect)', () => {
  it('keeps a path with its query and fragment; empty means the start page', () => {
    expect(sameOriginPath('/review/rev_1?x=1#top')).toBe('/review/rev_1?x=1#top');
    expect(sameOriginPath(undefined)).toBe('/');
    expect(sameOriginPath('')).toBe('/');
  });

  it('refuses anything that could leave the site', () => {
    for (const evil of [
      'https://evil.example',
      '//evil.example/x',
      '/\\evil.example',
      '\\\\evil.example',
      'javascript:alert(1)',
      'evil.example',
      '/ok\r\nLocation: https://evil.example',
      '/\t/evil.example',
      `/${'a'.repeat(2000)}`,
    ])
      expect(sameOriginPath(evil), evil).toBeNull();
  });
});
