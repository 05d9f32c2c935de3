import { z } from 'zod';
import { JURISDICTION_PATTERN } from '../shared/jurisdiction.ts';

// Self-contained on purpose, like sources.schema.ts: org-config.schema.ts imports this file, so it may not import back.
const Id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/, 'ids use letters, digits and _ . : - (max 128)');
const Jurisdiction = z.string().regex(JURISDICTION_PATTERN, 'ISO 3166-1 alpha-2 (e.g. GB) or ISO 3166-2 code (e.g. US-TX), upper case');

/**
 * A slice of the business: product lines × jurisdictions. Omitting a dimension means every value of it, so
 * `{productLines: [saas]}` is software everywhere and `{jurisdictions: [US-NY]}` is every line in New York.
 */
export const RegulationScopeSchema = z
  .strictObject({
    productLines: z.array(Id).min(1).optional().describe('Omitted: every product line.'),
    jurisdictions: z.array(Jurisdiction).min(1).optional().describe('Omitted: every jurisdiction (a country covers its subdivisions).'),
  })
  .refine((s) => s.productLines !== undefined || s.jurisdictions !== undefined, 'name productLines, jurisdictions or both');
export type RegulationScope = z.infer<typeof RegulationScopeSchema>;

/**
 * What the firm sells under licence (docs/routing.md "Regulated and unregulated lines"). A product line in a
 * jurisdiction is regulated when a `regulated` scope names it, else unregulated when an `unregulated` scope
 * names it, else `default` decides: regulated always wins a conflict, so a mistake can only add checks.
 * Omitted section: everything is regulated (licences, appointments and suitability checked as before).
 */
export const RegulationSchema = z
  .strictObject({
    default: z.enum(['regulated', 'unregulated']).describe('Whether a line in a jurisdiction no scope names is regulated.'),
    regulated: z.array(RegulationScopeSchema).optional().describe('Always regulated, whatever the default or an unregulated scope says.'),
    unregulated: z.array(RegulationScopeSchema).optional().describe('Unregulated unless a regulated scope also names the line there.'),
  })
  .describe(
    'Regulated and unregulated product lines per jurisdiction; unregulated leads skip licence, appointment and suitability checks ' +
      '(screening and conduct still apply). Omitted: everything regulated.',
  );
export type RegulationConfig = z.infer<typeof RegulationSchema>;

/**
 * Where an unregulated lead goes when no rep may take it (instead of the compliance review queue):
 * a named owner of last resort, or the ops queue (QUEUED without a team; the queue worker retries it).
 */
export const FallbackSchema = z
  .discriminatedUnion('kind', [
    z.strictObject({
      kind: z.literal('owner'),
      rep: Id.describe('Assigned even at capacity, out of hours, paused or away; never when inactive or left (then the ops queue).'),
    }),
    z.strictObject({ kind: z.literal('ops-queue') }),
  ])
  .describe('Fallback for unregulated leads nobody may take (docs/routing.md "Fallback"); omitted: the ops queue.');
export type FallbackConfig = z.infer<typeof FallbackSchema>;
