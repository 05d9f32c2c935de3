import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreInputError } from '../../../src/store/store-errors.ts';
import type { Store } from '../../../src/store/unit-of-work.ts';
import type { StoreHarness } from '../store-harness.ts';
import { STORES, iso, serviceSeeds, storeReachable } from './contract-support.ts';

/** Storage contract: personal data repository, on SQLite and PostgreSQL alike. */
describe.each(STORES)('personal data repository: $factory.name', ({ factory, run }) => {
  if (!storeReachable(run)) return;
  let h: StoreHarness;
  let store: Store;
  beforeEach(async () => {
    h = await factory.create();
    store = h.store;
  });
  afterEach(async () => {
    await h.cleanup();
  });
  const { seedOrg, seedLead, rawQuery } = serviceSeeds(factory, () => h);

  it('personal data: put, get, replace, erase in place (the values are gone from the table)', async () => {
    await seedOrg();
    await seedLead(store, 'P1');
    await seedLead(store, 'P2');
    const email = 'ann.lee+erase-me@example.com';
    const rec = {
      leadId: 'P1',
      salt: 'a1b2c3d4e5f60718',
      contactJson: JSON.stringify({ firstName: 'Ann', lastName: 'Lee', email, phone: '+447700900123' }),
      rawJson: `{"contact": {"email": "${email}"},  "extra": [1, 2]}`,
      consentJson: '{"marketing":true,"basis":"consent"}',
      createdAt: iso(1),
    };
    expect(await store.personalData.get('P1')).toBeUndefined();
    await store.personalData.put(rec);
    expect(await store.personalData.get('P1')).toEqual({ ...rec, erasedAt: null }); // raw JSON text byte for byte
    await store.personalData.put({ ...rec, leadId: 'P2', consentJson: null });
    expect((await store.personalData.get('P2'))?.consentJson).toBeNull();
    // put again before erasure replaces the values.
    const replaced = { ...rec, contactJson: JSON.stringify({ firstName: 'Ann', email }) };
    await store.personalData.put(replaced);
    expect((await store.personalData.get('P1'))?.contactJson).toBe(replaced.contactJson);

    expect(await store.personalData.erase('ghost', iso(2))).toBe(false);
    expect(await store.personalData.erase('P1', iso(2))).toBe(true);
    expect(await store.personalData.get('P1')).toEqual({
      leadId: 'P1',
      salt: '',
      contactJson: '{}',
      rawJson: '{}',
      consentJson: null,
      createdAt: iso(1),
      erasedAt: iso(2),
    });
    // Erasing again keeps the first erasure time; storing values again is refused.
    expect(await store.personalData.erase('P1', iso(3))).toBe(true);
    expect((await store.personalData.get('P1'))?.erasedAt).toBe(iso(2));
    await expect(store.personalData.put(rec)).rejects.toThrow(/erased/);
    // The other lead is untouched.
    expect((await store.personalData.get('P2'))?.contactJson).toBe(rec.contactJson);

    // Straight from the table: the erased email appears only in P2's row, nowhere in P1's.
    const rows = await rawQuery(`select * from personal_data order by lead_id`);
    expect(rows).toHaveLength(2);
    expect(JSON.stringify(rows[0])).not.toContain(email);
    expect(JSON.stringify(rows[0])).not.toContain('a1b2c3d4e5f60718');
    expect(JSON.stringify(rows[1])).toContain(email);
    expect(await store.personalData.erase('P2', iso(4))).toBe(true);
    expect(JSON.stringify(await rawQuery(`select * from personal_data`))).not.toContain(email);
    // The database refuses an "erased" row that still holds values.
    await expect(h.rawExec(`update personal_data set contact_json = '{"email":"x"}' where lead_id = 'P1'`)).rejects.toThrow();

    await expect(store.personalData.put({ ...rec, leadId: 'ghost' })).rejects.toThrow(); // foreign key
    await expect(store.personalData.put({ ...rec, leadId: 'P3', rawJson: '{oops' })).rejects.toThrow(StoreInputError);
    await expect(store.personalData.put({ ...rec, leadId: 'P3', salt: 'XYZ' })).rejects.toThrow(/hex/);
  });

  it('pageContacts: contacts of leads in the given statuses, not erased, by lead id, paged', async () => {
    await seedOrg();
    const put = (leadId: string, name: string) =>
      store.personalData.put({
        leadId,
        salt: 'ab',
        contactJson: JSON.stringify({ fullName: name }),
        rawJson: '{}',
        consentJson: null,
        createdAt: iso(1),
      });
    for (const [id, status] of [
      ['L3', 'ASSIGNED'],
      ['L1', 'QUEUED'],
      ['L2', 'ASSIGNED'],
      ['L4', 'WON'],
      ['L5', 'ASSIGNED'],
    ] as const) {
      await seedLead(store, id, { status });
      await put(id, `Name ${id}`);
    }
    await seedLead(store, 'L0', { status: 'ASSIGNED' }); // no personal data stored: not returned
    await store.personalData.erase('L5', iso(2));
    const statuses = ['ASSIGNED', 'QUEUED'] as const;
    const first = await store.personalData.pageContacts({ statuses, limit: 2 });
    expect(first).toEqual([
      { leadId: 'L1', contactJson: JSON.stringify({ fullName: 'Name L1' }) },
      { leadId: 'L2', contactJson: JSON.stringify({ fullName: 'Name L2' }) },
    ]);
    const next = await store.personalData.pageContacts({ statuses, afterLeadId: 'L2', limit: 2 });
    expect(next.map((r) => r.leadId)).toEqual(['L3']); // L4 is closed, L5 erased
    expect(await store.personalData.pageContacts({ statuses: ['WON'], limit: 10 })).toHaveLength(1);
    expect(await store.personalData.pageContacts({ statuses: [], limit: 10 })).toEqual([]);
    await expect(store.personalData.pageContacts({ statuses, limit: 0 })).rejects.toThrow(StoreInputError);
  });

  it('screening name keys: stored per lead in one statement, counted and looked up by key, erased with the lead', async () => {
    await seedOrg();
    const put = (leadId: string) =>
      store.personalData.put({ leadId, salt: 'ab', contactJson: '{"fullName":"x"}', rawJson: '{}', consentJson: null, createdAt: iso(1) });
    for (const id of ['K1', 'K2', 'K3']) {
      await seedLead(store, id, { status: 'ASSIGNED' });
      await put(id);
    }
    const high = 0xfffffff0; // above 2^31: stored as a negative integer, read back unsigned
    await store.personalData.putNameKeys('K1', [7, 8, high, 8]);
    await store.personalData.putNameKeys('K2', [8, high]);
    await store.personalData.putNameKeys('K2', [8, 9]); // again: existing keys stay, new ones are added
    await store.personalData.putNameKeys('K3', []);
    expect(new Map(await store.personalData.nameKeyCounts([7, 8, 9, high, 12345]))).toEqual(
      new Map([
        [7, 1],
        [8, 2],
        [9, 1],
        [high, 2],
      ]),
    );
    const postings = await store.personalData.leadsByNameKeys([8, high, 12345]);
    expect([...postings.get(8)!].sort()).toEqual(['K1', 'K2']);
    expect([...postings.get(high)!].sort()).toEqual(['K1', 'K2']);
    expect(postings.has(12345)).toBe(false);
    // many keys at once: the look-up is chunked, nothing lost
    const many = Array.from({ length: 1200 }, (_, i) => 100_000 + i);
    await store.personalData.putNameKeys('K3', many);
    expect((await store.personalData.nameKeyCounts(many)).size).toBe(1200);
    await expect(store.personalData.putNameKeys('K1', [-1])).rejects.toThrow(StoreInputError);
    await expect(store.personalData.putNameKeys('K1', [2 ** 32])).rejects.toThrow(StoreInputError);

    // leads without keys (stored before 0029) are found for the backfill, in the given statuses, not erased
    await seedLead(store, 'K4', { status: 'ASSIGNED' });
    await put('K4');
    await seedLead(store, 'K5', { status: 'WON' });
    await put('K5');
    const statuses = ['ASSIGNED'] as const;
    expect((await store.personalData.pageContactsWithoutNameKeys({ statuses, limit: 10 })).map((r) => r.leadId)).toEqual(['K4']);

    // candidates' contacts in one look-up; unknown leads are absent
    const contacts = await store.personalData.contactsOf(['K1', 'K2', 'ghost', 'K1']);
    expect([...contacts.keys()].sort()).toEqual(['K1', 'K2']);
    expect(contacts.get('K2')).toBe('{"fullName":"x"}');

    // erasure deletes the lead's keys (derived from the person's name); the other leads keep theirs
    await store.personalData.erase('K1', iso(2));
    expect([...(await store.personalData.contactsOf(['K1', 'K2'])).keys()]).toEqual(['K2']); // erased: not a candidate
    expect(new Map(await store.personalData.nameKeyCounts([7, 8]))).toEqual(new Map([[8, 1]]));
    expect(await rawQuery(`select * from screening_lead_keys where lead_id = 'K1'`)).toEqual([]);
    expect((await store.personalData.pageContactsWithoutNameKeys({ statuses, limit: 10 })).map((r) => r.leadId)).toEqual(['K4']);

    // a key-scheme change drops every stored key and records the new scheme, all or nothing
    expect(await store.personalData.nameKeyScheme()).toBeUndefined();
    expect(await store.personalData.anyNameKeys()).toBe(true);
    await expect(
      store.transaction(async (tx) => {
        await tx.personalData.resetNameKeys('scheme-a', iso(3));
        throw new Error('crash after the reset');
      }),
    ).rejects.toThrow('crash after the reset');
    expect(await store.personalData.anyNameKeys()).toBe(true); // rolled back: keys kept, no scheme recorded
    expect(await store.personalData.nameKeyScheme()).toBeUndefined();
    await store.transaction((tx) => tx.personalData.resetNameKeys('scheme-a', iso(3)));
    expect(await store.personalData.nameKeyScheme()).toBe('scheme-a');
    expect(await store.personalData.anyNameKeys()).toBe(false);
    expect((await store.personalData.pageContactsWithoutNameKeys({ statuses, limit: 10 })).map((r) => r.leadId)).toEqual([
      'K2',
      'K3',
      'K4',
    ]);
    await store.personalData.putNameKeys('K2', [8]);
    await store.transaction((tx) => tx.personalData.resetNameKeys('scheme-b', iso(4))); // replaces the one row
    expect(await store.personalData.nameKeyScheme()).toBe('scheme-b');
    expect(await rawQuery(`select scheme from screening_name_key_scheme`)).toEqual([{ scheme: 'scheme-b' }]);
    await expect(store.personalData.resetNameKeys('', iso(4))).rejects.toThrow(StoreInputError);
  });

  // Packed screening name keys (0045): the delta re-screening's look-ups answer exactly as the per-key rows did —
  // every lead holding a key, counted once per lead whatever the order and repeats of its puts, none of an erased lead.
  // A small pool so that leads share keys, with values either side of 2^31 and the ends of the range.
  const hash = fc.oneof(
    fc.constantFrom(0, 1, 0x7fffffff, 0x80000000, 0xffffffff),
    fc.integer({ min: 0, max: 40 }),
    fc.integer({ min: 0xfffffff0, max: 0xffffffff }),
  );
  const leadPuts = fc.array(fc.tuple(fc.integer({ min: 0, max: 11 }), fc.array(hash, { maxLength: 12 })), { maxLength: 20 });

  it('counts and postings equal a reference over random puts, repeated puts and erasures', async () => {
    await fc.assert(
      fc.asyncProperty(
        leadPuts,
        fc.array(fc.integer({ min: 0, max: 11 }), { maxLength: 4 }),
        fc.array(hash, { maxLength: 25 }),
        async (puts, erased, asked) => {
          await store.transaction((tx) => tx.personalData.resetNameKeys('prop', iso(1)));
          const reference = new Map<string, Set<number>>();
          for (const [n, hashes] of puts) {
            const leadId = `L${String(n).padStart(2, '0')}`;
            await store.personalData.putNameKeys(leadId, hashes);
            if (hashes.length > 0) for (const x of hashes) (reference.get(leadId) ?? reference.set(leadId, new Set()).get(leadId)!).add(x);
          }
          for (const n of erased) {
            const leadId = `L${String(n).padStart(2, '0')}`;
            await store.personalData.erase(leadId, iso(2));
            reference.delete(leadId);
          }
          const counts = new Map<number, number>();
          const postings = new Map<number, string[]>();
          for (const x of new Set(asked))
            for (const [leadId, held] of [...reference].sort(([a], [b]) => (a < b ? -1 : 1)))
              if (held.has(x)) {
                counts.set(x, (counts.get(x) ?? 0) + 1);
                postings.set(x, [...(postings.get(x) ?? []), leadId]);
              }
          expect(new Map(await store.personalData.nameKeyCounts(asked))).toEqual(counts);
          const got = await store.personalData.leadsByNameKeys(asked);
          expect(new Map([...got].map(([k, ids]) => [k, [...ids].sort()]))).toEqual(postings);
          expect(await store.personalData.anyNameKeys()).toBe(reference.size > 0);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('a scan reads every page: 5,003 leads, keys on the first, a page boundary and the last', async () => {
    const ids = Array.from({ length: 5003 }, (_, i) => `P${String(i).padStart(5, '0')}`);
    await store.transaction(async (tx) => {
      for (const [i, id] of ids.entries())
        await tx.personalData.putNameKeys(id, [1000 + (i % 7), i === 0 || i === 4999 || i === 5000 || i === 5002 ? 42 : 43]);
    });
    expect(new Map(await store.personalData.nameKeyCounts([42, 43, 1000]))).toEqual(
      new Map([
        [42, 4],
        [43, 4999],
        [1000, 715],
      ]),
    );
    expect((await store.personalData.leadsByNameKeys([42])).get(42)).toEqual(['P00000', 'P04999', 'P05000', 'P05002']);
  });
});
