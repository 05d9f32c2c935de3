import { describe, expect, it } from 'vitest';
import { compileConfigObject, loadConfig } from '../../src/config/load-config.ts';

/**
 * The crmWriteBack org section (docs/crm.md): optional with no default, so an org without it keeps its content hash;
 * field-level errors for bad input; every rep named in an owner map must exist.
 */

const example = await loadConfig('examples/bank');
if (!example.ok) throw new Error(JSON.stringify(example.error));
const base = () => structuredClone(example.value.org.config) as unknown as Record<string, unknown>;

const target = {
  id: 'hubspot-main',
  kind: 'hubspot',
  leadSource: 'hubspot',
  recordIdField: 'hubspotContactId',
  baseUrl: 'https://api.hubapi.com',
  auth: { kind: 'access_token', tokenEnv: 'HUBSPOT_PRIVATE_APP_TOKEN' },
  owners: { 'amelia-hughes': '77001' },
};

describe('crmWriteBack config', () => {
  it('an org without the section hashes as before; with it, the hash changes and the section is kept as written', () => {
    const again = compileConfigObject(base());
    expect(again.ok && again.value.org.hash).toBe(example.value.org.hash);
    const withSection = compileConfigObject({ ...base(), crmWriteBack: [target] });
    if (!withSection.ok) throw new Error(JSON.stringify(withSection.error));
    expect(withSection.value.org.hash).not.toBe(example.value.org.hash);
    expect(withSection.value.org.config.crmWriteBack).toEqual([target]);
  });

  it('bad input is refused field by field: a secret instead of its env name, a bad version, a duplicate id, unknown rep or status', () => {
    const bad = compileConfigObject({
      ...base(),
      crmWriteBack: [
        target,
        { ...target, id: 'hs-2', auth: { kind: 'client_credentials', clientIdEnv: 'hs_id', clientSecret: 'shh' } },
        { ...target, id: 'sf', kind: 'salesforce', apiVersion: '62' },
      ],
    });
    expect(bad.ok ? [] : bad.error.map((p) => `${p.path}: ${p.message}`)).toEqual([
      'crmWriteBack[1].auth.clientIdEnv: an environment variable name (A-Z, 0-9, _)',
      'crmWriteBack[1].auth.clientSecretEnv: Invalid input: expected string, received undefined',
      'crmWriteBack[1].auth: Unrecognized key: "clientSecret"',
      'crmWriteBack[2].apiVersion: vNN.N, e.g. v62.0',
    ]);
    const duplicate = compileConfigObject({ ...base(), crmWriteBack: [target, target] });
    expect(duplicate.ok ? [] : duplicate.error.map((p) => `${p.path}: ${p.message}`)).toEqual([
      'crmWriteBack[1].id: duplicate write-back target id "hubspot-main"',
    ]);
    const unknownRep = compileConfigObject({
      ...base(),
      crmWriteBack: [{ ...target, owners: { 'nobody-here': '1' }, statuses: { ASSIGNED: 'IN_PROGRESS', OPENED: 'OPEN' } }],
    });
    expect(unknownRep.ok ? [] : unknownRep.error.map((p) => `${p.path}: ${p.message}`)).toEqual([
      'crmWriteBack[0].owners.nobody-here: unknown rep "nobody-here"',
      expect.stringMatching(/^crmWriteBack\[0\]\.statuses\.OPENED: unknown lead status "OPENED" \(NEW, ASSIGNED/),
    ]);
  });
});
