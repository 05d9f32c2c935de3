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
  });

  it('a re-route goes to the rep who gets the lead (not the one who lost it), under their assignment switch', () => {
    const data = { fromRep: 'amelia-hughes', toRep: 'priya-shah', notify: ['amelia-hughes', 'priya-shah'] };
    expect(recipientsFor('lead.reassigned', data, dir)).toEqual([{ channel: 'email', recipient: 'priya@config.example' }]);
    expect(recipientsFor('lead.reassigned', { ...data, fromRep: 'priya-shah', toRep: 'amelia-hughes' }, dir)).toEqual([
      { channel: 'email', recipient: 'amelia@firm.example' },
    ]);
    // A re-route that found nobody (the lead waits for review) tells no rep.
    expect(recipientsFor('lead.reassigned', { fromRep: 'amelia-hughes', toRep: null }, dir)).toEqual([]);
    const optedOut = [
      person({ email: 'kp-1@keys.remit.invalid', roles: ['rep'], repId: 'priya-shah', emailPreferences: { assignment: false } }),
    ];
    expect(recipientsFor('lead.reassigned', data, { ...dir, people: optedOut })).toEqual([]);
  });

  describe('the events of issue 15 part 3', () => {
    const people: readonly NotifiedPerson[] = [
      ...PEOPLE,
      person({ email: 'lead@firm.example', roles: ['ops'], emailPreferences: { overload: false } }),
      person({ email: 'quiet-lead@firm.example', roles: ['rep'], emailPreferences: { sla: false } }),
      person({ email: 'gone-lead@firm.example', roles: ['rep'], active: false }),
    ];
    const org = {
      people,
      repEmail: (id: string) => ({ 'priya-shah': 'priya@config.example' })[id],
      teamLeadEmails: (repId: string) =>
        ({ 'amelia-hughes': ['lead@firm.example', 'quiet-lead@firm.example', 'gone-lead@firm.example', 'outside@partner.example'] })[
          repId
        ] ?? [],
      managerEmail: (repId: string) => ({ 'amelia-hughes': 'boss@firm.example' })[repId],
    };
    const to = (type: string, data: Record<string, unknown>) => recipientsFor(type, data, org).map((r) => r.recipient);

    it('SLA warning and breach: the rep and their team leads; a lead who is a person has their preferences, others as is', () => {
      const expected = ['amelia@firm.example', 'lead@firm.example', 'outside@partner.example'];
      expect(to('lead.sla_warning', { repId: 'amelia-hughes' })).toEqual(expected);
      expect(to('lead.sla_breached', { repId: 'amelia-hughes' })).toEqual(expected);
      expect(to('lead.sla_breached', { repId: 'priya-shah' })).toEqual(['priya@config.example']); // no team lead configured
    });

    it('escalation: the leads of every team that missed and whom escalateTo names (a role or an address)', () => {
      const missedBy = ['priya-shah', 'amelia-hughes'];
      // quiet-lead silenced SLA warnings and breaches, not escalations.
      expect(to('lead.escalated', { missedBy, escalateTo: 'ops' })).toEqual([
        'lead@firm.example',
        'otto@firm.example',
        'outside@partner.example',
        'quiet-lead@firm.example',
      ]);
      expect(to('lead.escalated', { missedBy: ['priya-shah'], escalateTo: 'desk@firm.example' })).toEqual(['desk@firm.example']);
      expect(to('lead.escalated', { missedBy: ['priya-shah'], escalateTo: 'team-lead' })).toEqual([]); // not a role: nobody more
      expect(to('lead.sla_exhausted', {})).toEqual(['cora@firm.example', 'lead@firm.example', 'otto@firm.example']);
    });

    it('duplicate → the owner rep; expiring → rep, manager, compliance (firm grant: compliance); operations events by role', () => {
      expect(to('lead.duplicate', { ownerRep: 'amelia-hughes' })).toEqual(['amelia@firm.example']);
      expect(to('lead.duplicate', { ownerRep: null })).toEqual([]);
      expect(to('licence.expiring', { repId: 'amelia-hughes' })).toEqual([
        'amelia@firm.example',
        'boss@firm.example',
        'cora@firm.example',
        'otto@firm.example',
      ]);
      expect(to('licence.expiring', { repId: null })).toEqual(['cora@firm.example', 'otto@firm.example']);
      expect(to('roster.overloaded', {})).toEqual(['otto@firm.example']); // lead@ opted out of overload
      expect(to('screening.lists_stale', {})).toEqual(['cora@firm.example', 'otto@firm.example']);
      expect(to('audit.verify_failed', {})).toEqual(['ada@firm.example']);
    });
  });
});
