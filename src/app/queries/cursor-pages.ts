import { pointer } from '../../domain/errors/detail-path.ts';
import { ok, type Result } from '../../domain/shared/result.ts';
import type { DeliveryRecord, DeliveryStatus } from '../../store/ports/outbox.port.ts';
import type { ReviewRecord, ReviewStatus } from '../../store/ports/reviews.port.ts';
import type { Store } from '../../store/unit-of-work.ts';
import { failure, type AppFailure } from '../shared/app-error.ts';

/**
 * Paged listings answer an unusable cursor as bad input (400), never as a store error. The same
 * answer covers "no such row" and "a row you may not see", so a cursor is no existence oracle.
 */
export const unusableCursor = (): Result<never, AppFailure> =>
  failure('ARGUMENT_INVALID', 'unknown cursor: pass the nextCursor of the previous page', [
    { path: pointer(['querystring', 'cursor']), message: 'unknown cursor' },
  ]);

export interface Page<T> {
  readonly items: readonly T[];
  readonly nextCursor: string | null;
}

/** `rows` were read with limit + 1: the extra row only says that there is a next page. */
export function pageOf<T extends { readonly id: string }>(rows: readonly T[], limit: number): Page<T> {
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? items.at(-1)!.id : null };
}

export async function reviewPage(
  store: Store,
  filter: { status: ReviewStatus; cursor?: string | undefined; limit: number },
): Promise<Result<Page<ReviewRecord>, AppFailure>> {
  if (filter.cursor && !(await store.reviews.get(filter.cursor))) return unusableCursor();
  const rows = await store.reviews.page({
    status: filter.status,
    ...(filter.cursor ? { after: filter.cursor } : {}),
    limit: filter.limit + 1,
  });
  return ok(pageOf(rows, filter.limit));
}

export async function deliveryPage(
  store: Store,
  filter: { status?: DeliveryStatus | undefined; cursor?: string | undefined; limit: number },
): Promise<Result<Page<DeliveryRecord>, AppFailure>> {
  if (filter.cursor && !(await store.outbox.getDelivery(filter.cursor))) return unusableCursor();
  const rows = await store.outbox.listDeliveries({
    ...(filter.status ? { status: filter.status } : {}),
    ...(filter.cursor ? { after: filter.cursor } : {}),
    limit: filter.limit + 1,
  });
  return ok(pageOf(rows, filter.limit));
}

/** `GET /v1/review?format=csv`: the page's reviews, one row each (docs/outcomes.md "CSV export"). */
export function reviewPageCsv(page: Page<ReviewRecord>) {
  const header = ['review_id', 'lead_id', 'status', 'kind', 'reason_codes', 'requested_by', 'requested_at', 'decided_by', 'decided_at'];
  const rows = page.items.map((r) => [
    r.id,
    r.leadId,
    r.status,
    r.kind,
    r.reasonCodes.join(' '),
    r.requestedBy,
    r.requestedAt,
    r.decidedBy,
    r.decidedAt,
  ]);
  return { header, rows };
}
