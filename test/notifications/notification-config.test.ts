import { describe, expect, it } from 'vitest';
import { renderEmailDigest } from '../../src/app/notifications/email-digest.ts';
import { NotificationPreferencesSchema } from '../../src/app/notifications/notification-preferences-schema.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { OrgConfigSchema } from '../../src/domain/org/org-config.schema.ts';

/**
 * The configuration side of notification timing: the org config's optional `notifications` section and
 * `retention.notifications` leave an existing config's canonical form (and so its hash) unchanged; preferences give
 * field-level errors; the digest e-mail escapes what it interpolates and leaves out events without a template.
 */
describe('notification timing configuration', () => {
  it('an org without the new keys parses to the same object: no notifications section, no retention.notifications', async () => {
    const example = await loadConfig('examples/bank');
    if (!example.ok) throw new Error(JSON.stringify(example.error));
    const config = example.value.org.config as unknown as Record<string, unknown>;
    expect(config).not.toHaveProperty('notifications');
    const withRetention = OrgConfigSchema.parse({ ...config, retention: { webhookDeliveries: 'P30D' } });
    expect(withRetention.retention).not.toHaveProperty('notifications');
    const urgent = OrgConfigSchema.safeParse({ ...config, notifications: { urgentEvents: ['Lead Refused'] } });
    expect(urgent.success ? [] : urgent.error.issues.map((i) => i.path.join('.'))).toEqual(['notifications.urgentEvents.0']);
    expect(OrgConfigSchema.parse({ ...config, notifications: { urgentEvents: ['lead.refused'] } }).notifications).toEqual({
      urgentEvents: ['lead.refused'],
    });
  });

  it('preferences: digest bounds and unknown keys are field errors', () => {
    const paths = (v: unknown) => {
      const r = NotificationPreferencesSchema.safeParse(v);
      return r.success ? [] : r.error.issues.map((i) => i.path.join('.')).sort();
    };
    expect(paths({ digest: { everyMinutes: 14 } })).toEqual(['digest.everyMinutes']);
    expect(paths({ digest: { everyMinutes: 1441 } })).toEqual(['digest.everyMinutes']);
    expect(paths({ digest: { everyMinutes: 60, at: '09:00' } })).toEqual(['digest']);
    expect(paths({ quietHours: { from: '20:00', to: '7:30' } })).toEqual(['quietHours.to']);
    expect(paths({ digest: { everyMinutes: 1440 }, quietHours: { from: '22:00', to: '06:00', timeZone: 'Asia/Kolkata' } })).toEqual([]);
  });

  it('the digest e-mail escapes values in HTML, lists each templated event, and is undefined when none has a template', () => {
    const event = (type: string, leadId: string) => ({ eventType: type, payloadJson: JSON.stringify({ data: { leadId, reasons: [] } }) });
    const mail = renderEmailDigest(
      [event('lead.assigned', 'lead-<b>'), event('lead.unknown', 'lead-x'), event('lead.held', 'lead-2')],
      'https://c.example',
    )!;
    expect(mail.subject).toBe('Remit digest: 2 lead notifications');
    expect(mail.html).toContain('lead-&lt;b&gt;');
    expect(mail.html).not.toContain('<b>');
    expect(mail.text).toContain('https://c.example/leads/lead-2');
    expect(mail.text).not.toContain('lead-x');
    expect(renderEmailDigest([event('lead.unknown', 'lead-x')], 'https://c.example')).toBeUndefined();
  });
});
