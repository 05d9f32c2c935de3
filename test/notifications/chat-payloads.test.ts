import { describe, expect, it } from 'vitest';
import { emailContent } from '../../src/app/notifications/email-message.ts';
import { messageView } from '../../src/app/notifications/message-view.ts';
import { templatesFor } from '../../src/app/notifications/notification-templates.ts';
import { slackMessage } from '../../src/app/notifications/slack-message.ts';
import { teamsMessage } from '../../src/app/notifications/teams-message.ts';
import { compileConfigObject, loadConfig } from '../../src/config/load-config.ts';
import { slackErrors, teamsErrors } from './chat-webhook-server.ts';

/**
 * Slack (Block Kit) and Teams (Adaptive Card 1.4) messages checked against the vendors' schemas with ajv
 * (test/fixtures/chat), per-channel escaping, config template overrides, and template validation at config load.
 */
const HOSTILE = { leadId: 'lead-1 <!channel> & <https://evil.example|click>', reasons: [{ code: 'R"}]},{"x":1' }] };
const view = (data: object = HOSTILE) => messageView('lead.refused', JSON.stringify({ data }), 'https://remit.example/');

type Card = { body: { type: string; text?: string; facts?: unknown[] }[]; actions: { type: string; url: string }[]; version: string };
const cardOf = (m: object) => (m as { attachments: { content: Card }[] }).attachments[0]!.content;
type Slack = { text: string; blocks: { type: string; text?: { text: string }; elements?: { url?: string; text?: unknown }[] }[] };

describe('chat messages', () => {
  it('the built-in Slack message is valid Block Kit: header, mrkdwn section, button to the lead, context', () => {
    for (const event of ['lead.assigned', 'lead.refused', 'lead.held']) {
      const m = slackMessage(templatesFor(event, undefined)!, view()) as Slack;
      expect(slackErrors(m)).toEqual([]);
      expect(m.blocks.map((b) => b.type)).toEqual(['header', 'section', 'actions', 'context']);
    }
    const m = slackMessage(templatesFor('lead.refused', undefined)!, view()) as Slack;
    expect(m.blocks[2]!.elements![0]!.url).toBe(
      'https://remit.example/leads/lead-1%20%3C!channel%3E%20%26%20%3Chttps%3A%2F%2Fevil.example%7Cclick%3E',
    );
    // The validator can fail: a header over Slack's 150 characters, an unknown block type.
    expect(slackErrors({ ...m, blocks: [{ type: 'header', text: { type: 'plain_text', text: 'x'.repeat(151) } }] })).not.toEqual([]);
    expect(slackErrors({ ...m, blocks: [{ type: 'marquee' }] })).not.toEqual([]);
  });

  it('Slack: a template that renders to nothing or too much still gives valid Block Kit (fallback, cut)', () => {
    const policy = { templates: { 'lead.refused': { subject: '{{lead.name}}', slack: '{{lead.email}} ' } } };
    const empty = slackMessage(templatesFor('lead.refused', policy)!, view({ leadId: 'lead-9', reasons: [] })) as Slack;
    expect(slackErrors(empty)).toEqual([]);
    expect(empty.blocks[1]!.text!.text).toBe('lead.refused lead-9');
    const long = { templates: { 'lead.refused': { subject: 'x'.repeat(400) + '{{lead.id}}', slack: 'y'.repeat(5000) } } };
    const cut = slackMessage(templatesFor('lead.refused', long)!, view()) as Slack;
    expect(slackErrors(cut)).toEqual([]);
    expect(cut.blocks[1]!.text!.text).toHaveLength(3000);
  });

  it('Slack: values are mrkdwn-escaped (&, <, >) so a lead id cannot mention @channel or add a link', () => {
    const m = slackMessage(templatesFor('lead.refused', undefined)!, view()) as Slack;
    const section = m.blocks[1]!.text!.text;
    expect(section).toContain('lead-1 &lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;');
    expect(section).not.toContain('<!channel>');
    expect(m.text).not.toMatch(/[<>]/);
  });

  it('the Teams message is an Adaptive Card 1.4 (published schema) with Action.OpenUrl to the lead', () => {
    const m = teamsMessage(templatesFor('lead.assigned', undefined)!, view({ leadId: 'lead-7', reasons: [] }));
    expect(teamsErrors(m)).toEqual([]);
    const card = cardOf(m);
    expect(Number(card.version)).toBeGreaterThanOrEqual(1.4);
    expect(card.actions).toEqual([{ type: 'Action.OpenUrl', title: 'Open the lead', url: 'https://remit.example/leads/lead-7' }]);
    // The validator can fail: an unknown property on the card, an action without its url.
    expect(
      teamsErrors({ ...m, attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: { ...card, colour: 1 } }] }),
    ).not.toEqual([]);
    expect(
      teamsErrors({
        ...m,
        attachments: [
          { contentType: 'application/vnd.microsoft.card.adaptive', content: { ...card, actions: [{ type: 'Action.OpenUrl' }] } },
        ],
      }),
    ).not.toEqual([]);
  });

  it('Teams: neither a value nor a template can add card structure (the card is built as an object)', () => {
    const policy = { templates: { 'lead.refused': { teams: '"}]}, {"type": "Action.Submit"} {{reasons}}' } } };
    const m = teamsMessage(templatesFor('lead.refused', policy)!, view());
    expect(teamsErrors(m)).toEqual([]);
    const card = cardOf(m);
    expect(card.actions.map((a) => a.type)).toEqual(['Action.OpenUrl']);
    expect(card.body[1]!.text).toBe('"}]}, {"type": "Action.Submit"} R"}]},{"x":1');
  });

  it('config templates override the built-in ones per part and channel; the e-mail HTML part is HTML-escaped', () => {
    const policy = {
      templates: {
        'lead.refused': { subject: 'Refused {{lead.id}}', slack: ':no_entry: {{lead.id}} ({{reasons}})', text: 'Look: {{lead.id}}' },
      },
    };
    const t = templatesFor('lead.refused', policy)!;
    expect(t.teams).toBe(templatesFor('lead.refused', undefined)!.teams);
    const mail = emailContent(t, view());
    expect(mail.subject).toBe(`Refused ${HOSTILE.leadId}`);
    expect(mail.text).toBe(`Look: ${HOSTILE.leadId}`);
    expect(mail.html).toContain('Look: lead-1 &lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;');
    const slack = slackMessage(t, view()) as Slack;
    expect(slack.blocks[1]!.text!.text).toBe(':no_entry: lead-1 &lt;!channel&gt; &amp; &lt;https://evil.example|click&gt; (R"}]},{"x":1)');
    expect(templatesFor('lead.queued', policy)).toBeUndefined();
  });
});

const example = await loadConfig('examples/bank');
if (!example.ok) throw new Error('example config does not load');

describe('notifications section of the org config', () => {
  const withNotifications = (notifications: unknown) =>
    compileConfigObject({ ...structuredClone(example.value.org.config), notifications });
  const problems = (notifications: unknown) => {
    const r = withNotifications(notifications);
    return r.ok ? [] : r.error.map((p) => ({ path: p.path, message: p.message }));
  };

  it('a template syntax error is a field-level config error at notifications.templates.<event>.<part>', () => {
    const found = problems({ templates: { 'lead.assigned': { slack: 'Hi {{#lead}}open', subject: 'ok {{lead.id}}' } } });
    expect(found).toHaveLength(1);
    expect(found[0]!.path).toMatch(/^notifications\.templates(\.|\[")lead\.assigned("\])?\.slack$/);
    expect(found[0]!.message).toMatch(/not a valid mustache template/);
  });

  it('unescaped output and partials are refused; unknown events, parts and chat kinds too', () => {
    expect(problems({ templates: { 'lead.held': { text: '{{{lead.id}}}' } } })[0]!.message).toMatch(/unescaped output/);
    expect(problems({ templates: { 'lead.held': { text: '{{#lead}}{{& id}}{{/lead}}' } } })[0]!.message).toMatch(/unescaped output/);
    expect(problems({ templates: { 'lead.held': { text: '{{> footer}}' } } })[0]!.message).toMatch(/partials/);
    expect(problems({ templates: { 'lead.lost': { text: 'x' } } })).not.toEqual([]);
    expect(problems({ templates: { 'lead.held': { sms: 'x' } } })).not.toEqual([]);
    expect(problems({ chat: [{ id: 'c', kind: 'discord', urlEnv: 'X', events: ['lead.held'] }] })).not.toEqual([]);
    expect(problems({ chat: [{ id: 'c', kind: 'slack', urlEnv: 'https://hooks.slack.com/x', events: ['lead.held'] }] })[0]!.path).toBe(
      'notifications.chat[0].urlEnv',
    );
    const misspelt = { id: 'c', kind: 'slack', urlEnv: 'REMIT_SLACK_URL', events: ['lead.held'], teams: ['uk-wealth', 'uk-welth'] };
    expect(problems({ chat: [misspelt] })).toEqual([
      { path: 'notifications.chat[0].teams[1]', message: 'chat route "c": unknown team "uk-welth"' },
    ]);
    const dup = { id: 'c', kind: 'slack', urlEnv: 'REMIT_SLACK_URL', events: ['lead.held'] };
    expect(problems({ chat: [dup, dup] })[0]!.path).toBe('notifications.chat[1].id');
  });

  it('a valid section compiles; an org without it has no notifications key (its hash is unchanged)', () => {
    const ok = withNotifications({
      chat: [{ id: 'sales', kind: 'slack', urlEnv: 'REMIT_SLACK_SALES_URL', events: ['lead.assigned'], teams: ['uk-wealth'] }],
      templates: { 'lead.assigned': { slack: '{{#lead.name}}{{lead.name}}{{/lead.name}} {{lead.id}}' } },
      includePersonalData: true,
    });
    expect(ok.ok).toBe(true);
    expect('notifications' in example.value.org.config).toBe(false);
  });
});
