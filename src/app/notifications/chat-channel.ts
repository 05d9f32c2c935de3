import type { EventTemplates } from '../../domain/org/notifications-policy.schema.ts';
import type { ServiceContext } from '../shared/service-context.ts';
import type { SecretLookup } from '../sources/secret-equals.ts';
import { postWebhook } from '../webhooks/webhook-post.ts';
import { TargetNotAllowedError, WebhookTargetPolicy } from '../webhooks/webhook-target-policy.ts';
import type { MessageView } from './message-view.ts';
import type { NotificationChannelAdapter } from './notification-channel.ts';
import { preferencesOf } from './notification-preferences-schema.ts';
import { slackMessage } from './slack-message.ts';
import { teamsMessage } from './teams-message.ts';

export interface ChatChannelDeps {
  readonly ctx: Pick<ServiceContext, 'store' | 'orgs' | 'webhookTargets'>;
  /** Where `notifications.chat[].urlEnv` secrets are read (the process environment in `remit serve`). */
  readonly secrets: SecretLookup;
  readonly timeoutMs: number;
}

type ChatKind = 'slack' | 'teams';
const LABEL: Record<ChatKind, string> = { slack: 'Slack', teams: 'Teams' };

/**
 * The webhook URL of a chat recipient, resolved at send time so the row never holds it (it is a secret):
 * `route:<id>` → the org chat route's environment variable, `user:<id>` → the person's own URL in their preferences.
 */
async function webhookUrlOf(kind: ChatKind, recipient: string, deps: ChatChannelDeps): Promise<string> {
  const [scope, ...rest] = recipient.split(':');
  const id = rest.join(':');
  if (scope === 'route') {
    const route = deps.ctx.orgs.current.config.notifications?.chat?.find((r) => r.id === id && r.kind === kind);
    if (!route) throw new Error(`${LABEL[kind]} route ${id} is not in the org config in force`);
    const url = deps.secrets(route.urlEnv);
    if (!url) throw new Error(`${route.urlEnv} is not set (${LABEL[kind]} route ${id})`);
    return url;
  }
  const url = preferencesOf(await deps.ctx.store.notifications.preferencesOf(id))?.[kind]?.webhookUrl;
  if (!url) throw new Error(`user ${id} has no ${LABEL[kind]} webhook URL any more`);
  return url;
}

/**
 * Slack or Teams incoming webhook: the message is built by the channel's renderer, posted through the webhook SSRF
 * guard (the target policy is checked on the addresses used for the connection; a refused target is a failed
 * delivery), redirects not followed. Error messages never contain the URL.
 */
function chatChannel(
  kind: ChatKind,
  render: (templates: Required<EventTemplates>, view: MessageView) => object,
  deps: ChatChannelDeps,
): NotificationChannelAdapter {
  const targets = deps.ctx.webhookTargets ?? new WebhookTargetPolicy();
  return {
    kind,
    async deliver({ notification, templates, view }) {
      const url = await webhookUrlOf(kind, notification.recipient, deps);
      const literal = targets.literalRefusal(url);
      if (literal) throw new Error(`target not allowed: ${literal}`);
      let status: number;
      try {
        status = await postWebhook(url, {
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(render(templates, view)),
          timeoutMs: deps.timeoutMs,
          lookup: targets.lookupFor(url),
        });
      } catch (e) {
        throw new Error(
          e instanceof TargetNotAllowedError
            ? `target not allowed: ${e.message}`
            : `no answer from ${LABEL[kind]}: ${(e as Error).message}`,
        );
      }
      if (status < 200 || status > 299) throw new Error(`${LABEL[kind]} answered HTTP ${status}`);
    },
  };
}

export const slackChannel = (deps: ChatChannelDeps): NotificationChannelAdapter => chatChannel('slack', slackMessage, deps);
export const teamsChannel = (deps: ChatChannelDeps): NotificationChannelAdapter => chatChannel('teams', teamsMessage, deps);
