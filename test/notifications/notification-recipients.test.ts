import { describe, expect, it } from 'vitest';
import { recipientsFor, type NotifiedPerson } from '../../src/app/notifications/notification-recipients.ts';

/** Event → recipients → channel (pure): who is told of an assignment, a refusal, a hold. */
const person = (over: Partial<NotifiedPerson>): NotifiedPerson => ({ email: null, active: true, roles: [], repId: null, ...over });
const PEOPLE: readonly NotifiedPerson[] = [
  person({ email: 'Amelia@Firm.example', roles: ['rep'], repId: 'amelia-hughes' }),
  person({ email: 'kp-1@keys.remit.invalid', roles: ['rep'], repId: 'priya-shah' }),
  person({ email: 'cora@firm.example', roles: ['compliance'] }),
  person({ email: 'otto@firm.example', roles: ['ops', 'compliance'] }),
  person({ email: 'gone@firm.example', roles: ['compliance'], active: false }),
  person({ email: 'ada@firm.example', roles: ['admin'] }),
  person({ email: 'kp-2@keys.remit.invalid', roles: ['ops'] }),
];
const dir = { people: PEOPLE, repEmail: (id: string) => ({ 'priya-shah': 'priya@config.example' })[id] };

describe('notification recipients', () => {
  it('an assignment goes to the rep: their person’s e-mail, else the config e-mail, else nobody', () => {
    expect(recipientsFor('lead.assigned', { repId: 'amelia-hughes' }, dir)).toEqual([
      { channel: 'email', recipient: 'amelia@firm.example' },
    ]);
    expect(recipientsFor('lead.assigned', { repId: 'priya-shah' }, dir)).toEqual([{ channel: 'email', recipient: 'priya@config.example' }]);
    expect(recipientsFor('lead.assigned', { repId: 'tom-fletcher' }, dir)).toEqual([]);
    expect(recipientsFor('lead.assigned', { repId: null }, dir)).toEqual([]);
  });

  it('a refusal or hold goes once to each active compliance or ops person with a deliverable address', () => {
    const expected = [
      { channel: 'email', recipient: 'cora@firm.example' },
      { channel: 'email', recipient: 'otto@firm.example' },
    ];
    expect(recipientsFor('lead.refused', {}, dir)).toEqual(expected);
    expect(recipientsFor('lead.held', {}, dir)).toEqual(expected);
  });

  it('a person’s opt-out silences that event only; an opted-out rep is not reached at the config e-mail either', () => {
    const optedOut: readonly NotifiedPerson[] = [
      person({ email: 'kp-1@keys.remit.invalid', roles: ['rep'], repId: 'priya-shah', emailPreferences: { assignment: false } }),
      person({ email: 'cora@firm.example', roles: ['compliance'], emailPreferences: { refusal: false } }),
      person({ email: 'otto@firm.example', roles: ['ops'] }),
    ];
    const d = { ...dir, people: optedOut };
    expect(recipientsFor('lead.assigned', { repId: 'priya-shah' }, d)).toEqual([]);
    expect(recipientsFor('lead.refused', {}, d)).toEqual([{ channel: 'email', recipient: 'otto@firm.example' }]);
    expect(recipientsFor('lead.held', {}, d).map((r) => r.recipient)).toEqual(['cora@firm.example', 'otto@firm.example']);
  });

  it('other events notify nobody yet', () => {
    expect(recipientsFor('lead.queued', { repId: 'amelia-hughes' }, dir)).toEqual([]);
    expect(recipientsFor('lead.reassigned', { repId: 'amelia-hughes' }, dir)).toEqual([]);
  });
});
