import { z } from 'zod';

/**
 * Fairness under load (docs/operations.md "Intake limits"): how much one API key or one lead source may send, and how
 * batches share the process with everyone else. In the org config because a sales-ops admin already sets a form's
 * per-IP rate limit there (sources.forms[].rateLimit) and knows each integration's volume; a published version takes
 * effect on every instance without a restart. The counters themselves are in memory, per process.
 */

const LimitSchema = z
  .strictObject({
    leadsPerMinute: z
      .number()
      .positive()
      .max(1_000_000)
      .nullable()
      .optional()
      .describe('Sustained leads per minute (a batch counts each of its leads). null or omitted: no rate limit.'),
    burst: z
      .number()
      .int()
      .min(1)
      .max(1_000_000)
      .optional()
      .describe(
        'Leads that may arrive at once on top of the sustained rate (the bucket size); default: one minute at leadsPerMinute. ' +
          'A batch larger than the burst waits for a full bucket.',
      ),
    concurrent: z
      .number()
      .int()
      .min(1)
      .max(10_000)
      .nullable()
      .optional()
      .describe('Lead-posting requests in progress at once. null or omitted: no limit.'),
  })
  .describe('A limit; fields left out are taken from the default it overrides.');

const KeyIdSchema = z.string().min(1).max(200);
const SourceIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'a form or CRM source id');

export const IntakeLimitsSchema = z
  .strictObject({
    keys: LimitSchema.default({}).describe(
      'Every API key posting leads (POST /v1/leads and /v1/leads:batch), each key counted on its own. Default: no limit.',
    ),
    sources: LimitSchema.default({}).describe(
      'Every web form and CRM webhook source, all its callers together, counted once the form key, token or signature passed ' +
        "(a form's per-IP rateLimit applies before that). Default: no limit.",
    ),
    byKey: z
      .record(KeyIdSchema, LimitSchema)
      .default({})
      .describe('Per API key id (remit keys list): its fields replace those of `keys` for that key.'),
    bySource: z
      .record(SourceIdSchema, LimitSchema)
      .default({})
      .describe('Per form or CRM source id: its fields replace those of `sources` for that source.'),
    batchSlice: z
      .number()
      .int()
      .min(1)
      .max(500)
      .default(10)
      .describe(
        'Leads of a batch processed in one turn; between turns other requests go first, so a single lead waits at most about ' +
          'one turn behind a batch. 500 (with batchSliceMs 60000): a whole batch in one turn.',
      ),
    batchSliceMs: z
      .number()
      .int()
      .min(1)
      .max(60_000)
      .default(25)
      .describe(
        'A turn also ends once it has run this long (at least one lead per turn), so the wait behind a batch stays short when ' +
          'leads are slow (a loaded machine, a slow disk).',
      ),
    batchTurnsAtOnce: z
      .number()
      .int()
      .min(1)
      .max(64)
      .default(1)
      .describe(
        'Batch turns one process runs at the same time (batches from different clients take turns round-robin). 1 suits ' +
          'SQLite; on PostgreSQL a higher value lets batches use more connections at the cost of single-lead latency.',
      ),
    batchTurnLeadsAtOnce: z
      .number()
      .int()
      .min(1)
      .max(16)
      .default(1)
      .describe(
        'Leads of a batch turn run at once, so they share routing transactions (one COMMIT for several leads) and the ' +
          "batch goes faster. Another client's single lead shares a routing batch with at most 4 of them, but it still " +
          'waits for the batch in its transaction (on PostgreSQL, for the pool lock that batch holds), so its latency ' +
          'rises under bulk load: hence the default. 1: one lead after another.',
      ),
  })
  .describe('Rate and concurrency limits for lead intake, and batch slicing (docs/operations.md "Intake limits").');

export type IntakeLimits = z.infer<typeof IntakeLimitsSchema>;
export type IntakeLimit = z.infer<typeof LimitSchema>;

/** The limits in force when an org config has no `limits` section. */
export const DEFAULT_INTAKE_LIMITS: IntakeLimits = IntakeLimitsSchema.parse({});
