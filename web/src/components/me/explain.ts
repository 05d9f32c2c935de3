/** Server answers of the conduct endpoints put into words for a rep (reason codes explained from the domain's catalogues). */
import { OUTREACH_REASON_CODES } from '../../../../src/domain/conduct/reason-codes.ts';
import { LIFECYCLE_REASON_CODES } from '../../../../src/domain/lifecycle/lifecycle-reason-codes.ts';
import { ApiError } from '../../api.ts';
import { fmtTime } from '../common.tsx';

const describe = (catalogue: Readonly<Record<string, { readonly description: string }>>, code: string) =>
  catalogue[code]?.description ?? 'see the API documentation';

export const explainLifecycle = (code: string) => describe(LIFECYCLE_REASON_CODES, code);
export const explainOutreach = (code: string) => describe(OUTREACH_REASON_CODES, code);

/** The body of a refused transition (409 / 422) as the API sends it. */
interface TransitionRefusal {
  readonly code: string;
  readonly message: string;
  readonly reasonCode?: string;
  readonly earliestAllowedAt?: string | null;
  readonly coolingOff?: { readonly entryId: string; readonly source?: { readonly citation: string } };
  readonly allowedTargets?: readonly string[];
}

/** "Blocked until <time>: <reason explained> (<rule cited>)", or "Not allowed: …" when no time is known. */
export function explainTransitionRefusal(error: unknown): string | null {
  if (!(error instanceof ApiError)) return null;
  const body = error.body as unknown as TransitionRefusal;
  if (!body.reasonCode) return null;
  const when = body.earliestAllowedAt ? `Blocked until ${fmtTime(body.earliestAllowedAt)}` : 'Not allowed now';
  const cited = body.coolingOff
    ? ` Window ${body.coolingOff.entryId}${body.coolingOff.source ? `: ${body.coolingOff.source.citation}` : ''}.`
    : '';
  const targets = body.allowedTargets ? ` Allowed from here: ${body.allowedTargets.join(', ')}.` : '';
  return `${when}: ${body.reasonCode} — ${explainLifecycle(body.reasonCode)}${cited}${targets}`;
}
