import { describe, expect, it } from 'vitest';
import { renderEmail } from '../../src/app/notifications/email-message.ts';

/** Per-event templates: escaped HTML, a plain-text part, the console link, one-line subjects. */
describe('e-mail templates', () => {
  it('escapes every interpolated value in the HTML part and keeps the subject on one line', () => {
    const payload = JSON.stringify({ data: { leadId: 'x<b>"&\r\nBcc: a@b', reasons: [{ code: '<script>' }] } });
    const mail = renderEmail('lead.refused', payload, 'https://console.example/')!;
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('&lt;script&gt;');
    expect(mail.html).toContain('x&lt;b&gt;&quot;&amp;');
    expect(mail.subject).not.toMatch(/[\r\n]/);
    expect(mail.text).toContain('Reasons: <script>');
    expect(mail.text).toContain('https://console.example/leads/x%3Cb%3E%22%26%0D%0ABcc%3A%20a%40b');
  });

  it('names the lead, the reasons and the link; no template → undefined', () => {
    const mail = renderEmail(
      'lead.held',
      JSON.stringify({ data: { leadId: 'lead-1', reasons: [{ code: 'SCREENING_POSSIBLE_MATCH' }] } }),
      'https://c',
    )!;
    expect(mail.subject).toBe('Lead held, review needed: lead-1');
    expect(mail.text.split('\n')).toEqual([
      'A lead was held and awaits a compliance review.',
      '',
      'Lead: lead-1',
      'Reasons: SCREENING_POSSIBLE_MATCH',
      'Open in the console: https://c/leads/lead-1',
      '',
    ]);
    expect(renderEmail('lead.queued', '{}', 'https://c')).toBeUndefined();
  });
});
