import type { HistoryEvent } from '../types.ts';
import { fmtTime } from './common.tsx';

const str = (v: unknown) => (typeof v === 'string' ? v : v === null || v === undefined ? '—' : JSON.stringify(v));

/** One sentence a regulator can read for each kind of event; the raw data stays one click away. */
export function describeEvent(kind: string, data: Record<string, unknown>): string {
  switch (kind) {
    case 'intake':
      return 'Lead received, validated and normalised.';
    case 'duplicate':
      return `Linked as a duplicate of ${str(data.duplicateOf ?? data.originalLeadId)}.`;
    case 'screening':
    case 'screening.rescreen': {
      const hits = Array.isArray(data.hits) ? data.hits.length : 0;
      return `Screened against sanctions/PEP/blocklists: ${str(data.status ?? data.result)}${hits ? `, ${hits} potential match(es)` : ''}.`;
    }
    case 'screening.disposition':
      return `Compliance disposed the screening hits: result ${str(data.result)}.`;
    case 'decision': {
      const reasons = Array.isArray(data.reasons) ? (data.reasons as { code: string }[]).map((r) => r.code).join(', ') : '';
      return (
        `Routing decision ${str(data.decisionId)}: ` +
        `${str(data.outcome)}${data.teamId ? ` to ${str(data.teamId)} / ${str(data.repId)}` : ''}${reasons ? ` — ${reasons}` : ''}.`
      );
    }
    case 'review.requested':
      return `Compliance review ${str(data.reviewId)} opened (${str(data.kind)})${data.reason ? `: ${str(data.reason)}` : ''}.`;
    case 'review.approved':
      return (
        `Review ${str(data.reviewId)} approved: assigned to ${str(data.teamId)} / ${str(data.repId)}` +
        `${data.override ? ' as an override' : ''}${data.justification ? ` — justification: “${str(data.justification)}”` : ''}.`
      );
    case 'review.rejected':
      return `Review ${str(data.reviewId)} rejected: ${str(data.reason)}.`;
    case 'erasure':
      return 'Personal data erased (the decision record is retained).';
    default:
      return kind.replace(/[._]/g, ' ');
  }
}

export function Timeline({ events }: { events: readonly HistoryEvent[] }) {
  if (events.length === 0) return <p className="muted">No events recorded.</p>;
  return (
    <ol className="timeline" aria-label="Lead history, oldest first">
      {events.map((e) => (
        <li key={e.seq} data-kind={e.kind}>
          <div className="tl-head">
            <time dateTime={e.at}>{fmtTime(e.at)}</time> <strong>{e.kind}</strong> <span className="muted">by {e.actor}</span>
          </div>
          <p>{describeEvent(e.kind, e.data)}</p>
          <details>
            <summary>Recorded data</summary>
            <pre>{JSON.stringify(e.data, null, 2)}</pre>
          </details>
        </li>
      ))}
    </ol>
  );
}
