import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPacks, validatePacks } from '../../src/config/load-packs.ts';
import { PACKS_DIR } from './support/packs.ts';

const US_STATES = (
  'AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX ' +
  'UT VT VA WA WV WI WY'
).split(' ');

describe('rule packs in packs/', () => {
  it('all load and validate, each with a content hash', async () => {
    const r = await loadPacks(PACKS_DIR);
    if (!r.ok) throw new Error(r.error.map((p) => `${p.file}: ${p.path}: ${p.message}`).join('\n'));
    const ids = r.value.outreach.map((p) => p.data.id).sort();
    expect(ids).toEqual(['difc', 'eu', 'gb', 'us-federal', 'us-states']);
    expect(r.value.coolingOff.map((p) => p.data.id).sort()).toEqual(['cooling-off-eu', 'cooling-off-gb', 'cooling-off-us']);
    for (const p of [...r.value.outreach, ...r.value.coolingOff, r.value.areaCodes, r.value.timeZones])
      expect(p.hash).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('the NANP table covers every state and DC, and places well-known codes correctly', async () => {
    const r = await loadPacks(PACKS_DIR);
    if (!r.ok) throw new Error('packs invalid');
    const codes = r.value.areaCodes.data.areaCodes;
    const states = new Set(Object.values(codes));
    for (const s of US_STATES) expect(states.has(`US-${s}`), s).toBe(true);
    expect(Object.values(codes).filter((j) => j.startsWith('US-')).length).toBeGreaterThan(330);
    expect(codes['305']).toBe('US-FL');
    expect(codes['405']).toBe('US-OK');
    expect(codes['410']).toBe('US-MD');
    expect(codes['206']).toBe('US-WA');
    expect(codes['212']).toBe('US-NY');
    expect(codes['416']).toBe('CA-ON');
    // Every US state has a time zone entry.
    for (const s of US_STATES) expect(r.value.timeZones.data.zones[`US-${s}`], s).toBeDefined();
  });

  it('lists every problem with file and path', async () => {
    const r = validatePacks([
      {
        file: 'outreach/bad.yaml',
        text: [
          'id: bad',
          'kind: outreach',
          'version: "1"',
          'effective: "2026-01-01"',
          'sources: [{ id: s1, citation: c, url: "https://example.com" }]',
          'rules:',
          '  - { id: r1, kind: quiet_hours, title: t, source: nope, jurisdictions: [US], channels: [call], allowed: { from: "21:00", ' +
            'to: "08:00" } }',
          '  - { id: r2, kind: call_cap, title: t, source: s1, jurisdictions: [usa], channels: [fax], max: 0, perHours: 24, per: subject }',
        ].join('\n'),
      },
      { file: 'broken.yaml', text: 'id: [unclosed' },
    ]);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const lines = r.error.map((p) => `${p.file}: ${p.path}`);
    expect(lines).toEqual(
      expect.arrayContaining([
        'outreach/bad.yaml: rules[1].jurisdictions[0]',
        'outreach/bad.yaml: rules[1].channels[0]',
        'outreach/bad.yaml: rules[1].max',
        'broken.yaml: ',
      ]),
    );
  });

  it('semantic checks: unknown source, empty window, unknown time zone', () => {
    const r = validatePacks([
      {
        file: 'x.yaml',
        text: [
          'id: x',
          'kind: outreach',
          'version: "1"',
          'effective: "2026-01-01"',
          'sources: [{ id: s1, citation: c, url: "https://example.com" }]',
          'rules:',
          '  - { id: r1, kind: quiet_hours, title: t, source: nope, jurisdictions: [US], channels: [call], allowed: { from: "21:00", ' +
            'to: "08:00" } }',
        ].join('\n'),
      },
      {
        file: 'tz.yaml',
        text:
          'id: tz\nkind: time_zones\nversion: "1"\neffective: "2026-01-01"\nsources: [{ id: s1, citation: c, url: ' +
          '"https://example.com" }]\nzones: { US-FL: [Mars/Olympus] }',
      },
    ]);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ file: 'x.yaml', path: 'rules[0].source' }),
        expect.objectContaining({ file: 'x.yaml', path: 'rules[0].allowed' }),
        expect.objectContaining({ file: 'tz.yaml', path: 'zones.US-FL[0]' }),
        expect.objectContaining({ message: expect.stringContaining('nanp_area_codes') }),
      ]),
    );
  });

  it('reads a directory tree', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'remit-packs-'));
    await mkdir(join(dir, 'outreach'));
    await writeFile(join(dir, 'outreach', 'a.yaml'), 'id: a\nkind: outreach\n');
    const r = await loadPacks(dir, dir);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.some((p) => p.file === join('outreach', 'a.yaml'))).toBe(true);
  });
});
