import type { Principal } from '../../domain/access/principal.ts';
import { ok, type Result } from '../../domain/shared/result.ts';
import { toIso } from '../../domain/shared/zoned-time.ts';
import type { NotificationRecord } from '../../store/ports/notifications.port.ts';
import { pageOf, unusableCursor } from '../queries/cursor-pages.ts';
import { failure, type AppFailure } from '../shared/app-error.ts';
import type { ServiceContext } from '../shared/service-context.ts';
import { messageView, personalFieldsAtSendTime } from './message-view.ts';
import { plain, renderPart, templatesFor } from './notification-templates.ts';

/** An inbox message as the console shows it: rendered now with the templates in force, linking inside the console. */
export interface InboxItem {
  readonly id: string;
  readonly eventType: string;
  readonly leadId: string;
  readonly title: string;
  readonly text: string;
  /** Console path of the lead, e.g. /leads/<id>. */
  readonly link: string;
  readonly createdAt: string;
  readonly readAt: string | null;
}

type Ctx = Pick<ServiceContext, 'store' | 'orgs'>;

/** Renders a row as the inbox shows it (the row holds no personal data; with includePersonalData it is read now). */
async function inboxItem(ctx: Ctx, n: NotificationRecord): Promise<InboxItem> {
  const policy = ctx.orgs.current.config.notifications;
  const base = messageView(n.eventType, n.payloadJson, '');
  const view = { ...base, lead: { ...base.lead, ...(await personalFieldsAtSendTime(ctx.store, policy, base.lead.id)) } };
  const templates = templatesFor(n.eventType, policy);
  return {
    id: n.id,
    eventType: n.eventType,
    leadId: view.lead.id,
    title: templates ? renderPart(templates, 'subject', view, plain) : n.eventType,
    text: templates ? renderPart(templates, 'text', view, plain) : '',
    link: view.lead.link,
    createdAt: n.createdAt,
    readAt: n.readAt,
  };
}

/** GET /v1/me/inbox: the caller's own messages, newest first, with their unread count. */
export async function listInbox(
  ctx: Ctx,
  principal: Pick<Principal, 'userId'>,
  page: { readonly cursor?: string | undefined; readonly limit: number },
): Promise<Result<{ items: InboxItem[]; unread: number; nextCursor: string | null }, AppFailure>> {
  const { userId } = principal;
  if (page.cursor !== undefined) {
    const c = await ctx.store.notifications.get(page.cursor);
    // Someone else's row is as unknown as no row: a cursor is no existence oracle.
    if (c?.channel !== 'inbox' || c.recipient !== userId) return unusableCursor();
  }
  const rows = await ctx.store.notifications.inbox(userId, { ...(page.cursor ? { before: page.cursor } : {}), limit: page.limit + 1 });
  const { items, nextCursor } = pageOf(rows, page.limit);
  return ok({
    items: await Promise.all(items.map((n) => inboxItem(ctx, n))),
    unread: await ctx.store.notifications.unreadCount(userId),
    nextCursor,
  });
}

/** POST /v1/me/inbox/:id/read: only the owner may mark their message (404 otherwise); marking twice keeps the first time. */
export async function markInboxRead(
  ctx: Pick<ServiceContext, 'store' | 'clock'>,
  principal: Pick<Principal, 'userId'>,
  id: string,
): Promise<Result<{ id: string; unread: number }, AppFailure>> {
  if (!(await ctx.store.notifications.markRead(principal.userId, id, toIso(ctx.clock.now()))))
    return failure('NOT_FOUND', `no inbox item ${id}`);
  return ok({ id, unread: await ctx.store.notifications.unreadCount(principal.userId) });
}

/** POST /v1/me/inbox/read-all: marks all of the caller's unread messages read. */
export async function markAllInboxRead(
  ctx: Pick<ServiceContext, 'store' | 'clock'>,
  principal: Pick<Principal, 'userId'>,
): Promise<{ marked: number; unread: number }> {
  const marked = await ctx.store.notifications.markAllRead(principal.userId, toIso(ctx.clock.now()));
  return { marked, unread: 0 };
}
