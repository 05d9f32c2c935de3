import { z } from 'zod';

/**
 * Retention periods per data category (docs/audit.md "Personal data and erasure"; docs/operations.md "Retention").
 * They are org configuration, not server configuration: how long a firm keeps what is a compliance
 * decision, so it is versioned, published and audited with the rules it goes with. Every category but
 * `decisionRecords` and `rescreenJobs` defaults to null (kept until erased by request), which is what Remit did before
 * retention was configurable; `remit retention run` and the retention worker apply the others.
 */

/** An ISO 8601 period of whole years, months and days: P6Y, P18M, P2Y6M, P90D. */
export const RetentionPeriodSchema = z
  .string()
  .regex(/^P(?=\d)(?:\d{1,3}Y)?(?:\d{1,4}M)?(?:\d{1,5}D)?$/, 'an ISO 8601 period of years, months and days, e.g. P6Y, P18M, P90D')
  .refine((p) => /[1-9]/.test(p), 'a period must be longer than zero')
  .describe('ISO 8601 period (years, months, days), e.g. P6Y, P18M, P90D.');

export const DEFAULT_RETENTION_BASIS =
  'GDPR Art. 17(3)(b) and Art. 6(1)(c) (legal obligation): routing decision, screening and review records are retained ' +
  'under SEC 17a-4 / FINRA 4511 (6 years) and MiFID II Art. 16(6) / FCA SYSC 9 (5 years, 7 on request); ' +
  'they hold no personal data in clear';

const Optional = (what: string) => RetentionPeriodSchema.nullable().default(null).describe(`${what} null: kept until erased on request.`);

export const RetentionSchema = z.strictObject({
  basis: z
    .string()
    .min(1)
    .max(2000)
    .default(DEFAULT_RETENTION_BASIS)
    .describe('Why decision records outlive an erasure (recorded in every erasure entry).'),
  decisionRecords: RetentionPeriodSchema.default('P6Y').describe(
    "How long decision documents, screening and review records are kept after the lead's last decision " +
      '(recorded in every erasure as `until`). The audit log is append-only: a retention run does not delete them.',
  ),
  unconvertedLeads: Optional('Leads never converted (NURTURE, CLOSED, LOST, DUPLICATE): erased this long after their last change.'),
  refusedLeads: Optional('REFUSED leads: erased this long after their last change.'),
  outreachLog: Optional('Outreach records (calls, emails …): deleted this long after they happened; keep ≥ the longest call-cap window.'),
  idempotencyResponses: Optional('Stored idempotent answers: deleted this long after the request (a retry after that creates a new lead).'),
  webhookDeliveries: Optional('Finished webhook deliveries (DELIVERED, DEAD): deleted this long after they were created.'),
  // Optional without a default, unlike the others: a retention section written before it hashes as before.
  notifications: RetentionPeriodSchema.nullable()
    .optional()
    .describe(
      'Finished notifications (SENT, DEAD): deleted this long after they were created. Omitted or null: kept until erased on request.',
    ),
  // Optional without a schema default, as notifications: a section written before it hashes as before; the run applies
  // DEFAULT_RESCREEN_JOBS_RETENTION when it is omitted.
  rescreenJobs: RetentionPeriodSchema.nullable()
    .optional()
    .describe(
      'Finished re-screen jobs (done, failed) with their hold and coverage-outcome records: deleted this long after they ' +
        'finished, unless a lead they held or screened is still HELD. Omitted: P1Y. null: kept.',
    ),
});
export type RetentionConfig = z.infer<typeof RetentionSchema>;

/** The categories a retention run applies (decisionRecords is only recorded). */
export const RETENTION_CATEGORIES = [
  'unconvertedLeads',
  'refusedLeads',
  'outreachLog',
  'idempotencyResponses',
  'webhookDeliveries',
  'notifications',
  'rescreenJobs',
] as const;
export type RetentionCategory = (typeof RETENTION_CATEGORIES)[number];

/**
 * Re-screen job records are operational, not the record: each hold and release is in the lead's history and audit entry
 * (naming the job), and the job's start, end and counts in the audit log. A year covers a review of any list change's
 * outcome; a firm that wants longer says so (or null).
 */
export const DEFAULT_RESCREEN_JOBS_RETENTION = 'P1Y';

/**
 * Periods a retention run applies to a category its config omits. They are not schema defaults, so a retention section
 * written before the category existed hashes as it did.
 */
const RUN_DEFAULTS: Partial<Record<RetentionCategory, string>> = { rescreenJobs: DEFAULT_RESCREEN_JOBS_RETENTION };

/** The period a retention run applies to a category (null: kept; omitted: its run default, if any). */
export function retentionPeriod(retention: RetentionConfig, category: RetentionCategory): string | null {
  const period = retention[category];
  return period === undefined ? (RUN_DEFAULTS[category] ?? null) : period;
}

/** The config's retention section with defaults applied (an org without one gets today's behaviour). */
export const retentionOf = (config: { readonly retention?: RetentionConfig | undefined }): RetentionConfig =>
  config.retention ?? RetentionSchema.parse({});

function parts(period: string): { years: number; months: number; days: number } {
  const m = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?$/.exec(period);
  if (!m) throw new RangeError(`not a retention period: ${period}`);
  return { years: Number(m[1] ?? 0), months: Number(m[2] ?? 0), days: Number(m[3] ?? 0) };
}

/** `atMs` moved by the period (sign +1: later, -1: earlier), calendar-wise in UTC. */
export function shiftByPeriod(atMs: number, period: string, sign: 1 | -1): number {
  const { years, months, days } = parts(period);
  const d = new Date(atMs);
  d.setUTCFullYear(d.getUTCFullYear() + sign * years, d.getUTCMonth() + sign * months, d.getUTCDate() + sign * days);
  return d.getTime();
}
