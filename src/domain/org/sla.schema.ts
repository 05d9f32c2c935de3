import { z } from 'zod';

const Minutes = z.number().positive().max(525_600).describe('Minutes; fractions allowed (0.5 = 30 s).');

/** A per-rule override of the SLA windows (the decision's rule id picks it). */
export const SlaRuleOverrideSchema = z.strictObject({
  ruleId: z.string().min(1),
  acceptMinutes: Minutes.nullable().optional().describe('null: no acceptance SLA for leads routed by this rule.'),
  firstContactMinutes: Minutes.nullable().optional().describe('null: no first-contact SLA for leads routed by this rule.'),
  workingTime: z.boolean().optional(),
});

/**
 * SLA windows and escalation (docs/conduct.md). When a lead is assigned, Remit
 * schedules an acceptance and a first-contact timer for the rep; a miss re-routes the lead to the
 * next eligible rep, the `escalateAfterMisses`-th miss on one lead escalates it once, and a later miss
 * parks it in the review queue (a bounded ladder: nothing fires after).
 */
export const SlaSchema = z.strictObject({
  enabled: z.boolean().default(true).describe('false: no SLA timers are scheduled.'),
  acceptMinutes: Minutes.nullable()
    .default(15)
    .describe('The rep must accept within this window after assignment (null: no acceptance SLA).'),
  firstContactMinutes: Minutes.nullable()
    .default(120)
    .describe('The rep must make first contact within this window after assignment (null: none).'),
  workingTime: z
    .boolean()
    .default(true)
    .describe("true: only the rep's working hours count (rep's zone, minus out-of-office); false: elapsed time."),
  warnBeforeMinutes: Minutes.optional().describe(
    'Warn the rep and their team lead this many minutes before the first deadline of an assignment (lead.sla_warning, ' +
      'docs/conduct.md); omitted: no warning.',
  ),
  escalateAfterMisses: z
    .number()
    .int()
    .min(1)
    .default(2)
    .describe(
      'Ladder (docs/conduct.md): misses before the Nth re-route, the Nth escalates once (outbox lead.escalated and a review item), ' +
        'any later miss parks the lead (SLA_EXHAUSTED review, timers stopped).',
    ),
  escalateTo: z
    .string()
    .min(1)
    .default('ops')
    .describe(
      "Who the escalation names: a role (its active holders are told, docs/notifications.md), an e-mail address, or a queue's name; " +
        "the team's leadEmails are told in any case.",
    ),
  rerouteOnEscalation: z.boolean().default(true).describe('Keep re-routing when escalating.'),
  rules: z.array(SlaRuleOverrideSchema).default([]).describe('Per-rule windows, by the routing rule that assigned the lead.'),
});
export type SlaConfig = z.infer<typeof SlaSchema>;

/** The config's SLA section with defaults applied (an org without one gets the defaults). */
export const slaConfigOf = (section: SlaConfig | undefined): SlaConfig => section ?? SlaSchema.parse({});
