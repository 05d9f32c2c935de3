import { z } from 'zod';
import { pointer } from '../errors/detail-path.ts';
import type { ErrorDetail } from '../errors/error-catalogue.ts';
import { OUTCOME_KINDS, OUTCOME_REASON_PATTERN } from './outcome-kind.ts';

/** An outcome as a person, a CSV row or a CRM event states it (docs/outcomes.md); the same shape on every channel. */
export const OutcomeInputSchema = z.strictObject({
  kind: z.enum(OUTCOME_KINDS).describe('WON, LOST or DISQUALIFIED'),
  value: z.number().nonnegative().max(1e12).optional().describe('Deal value; requires currency'),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/)
    .optional()
    .describe('ISO 4217 code; requires value'),
  reasonCode: z.string().regex(OUTCOME_REASON_PATTERN).describe('UPPER_SNAKE_CASE reason code (PRICE, COMPETITOR, NO_BUDGET …)'),
  note: z.string().min(1).max(2000).optional().describe('Free text; cleared when the lead is erased'),
  closedAt: z.iso.datetime({ offset: true }).optional().describe('When the deal closed; default now. Late outcomes are fine.'),
});
export type OutcomeInput = z.infer<typeof OutcomeInputSchema>;

/**
 * The checks the shape cannot express: a value and its currency come together, and a deal closes after the lead
 * arrived and not in the future. Each failure names its field, so a caller can fix exactly that.
 */
export function outcomeInputProblems(
  input: OutcomeInput,
  lead: { readonly receivedAt: string },
  nowMs: number,
  under: readonly string[] = [],
): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  const at = (field: string) => pointer([...under, field]);
  if (input.value !== undefined && input.currency === undefined)
    problems.push({ path: at('currency'), message: 'a value needs its currency (ISO 4217)' });
  if (input.currency !== undefined && input.value === undefined) problems.push({ path: at('value'), message: 'a currency needs a value' });
  if (input.closedAt !== undefined) {
    const closed = Date.parse(input.closedAt);
    if (closed < Date.parse(lead.receivedAt))
      problems.push({ path: at('closedAt'), message: `before the lead was received (${lead.receivedAt})` });
    if (closed > nowMs) problems.push({ path: at('closedAt'), message: 'in the future' });
  }
  return problems;
}
