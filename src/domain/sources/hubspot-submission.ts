import { z } from 'zod';
import { flattenJson, type SourceFields } from './map-source-fields.ts';

/**
 * A HubSpot-style form-submission webhook body (docs/sources.md): the Forms API submission shape
 * (`fields` as name/value pairs, `context`, `legalConsentOptions`, `submittedAt` in epoch ms) plus
 * the id of the event, which makes redelivery idempotent. Unknown properties are tolerated (HubSpot
 * adds fields over time); sizes are bounded.
 */
const Scalar = z.union([z.string().max(4000), z.number(), z.boolean(), z.null()]);

export const HubSpotSubmissionSchema = z.looseObject({
  eventId: z.union([z.string().min(1).max(200), z.number().int()]).optional(),
  conversionId: z.string().min(1).max(200).optional(),
  submittedAt: z.union([z.number().int().nonnegative(), z.string().max(64)]).optional(),
  fields: z.array(z.looseObject({ name: z.string().min(1).max(200), value: Scalar })).max(500),
});
export type HubSpotSubmission = z.infer<typeof HubSpotSubmissionSchema>;

/** The event id: `eventId`, else `conversionId` (HubSpot's id of one form conversion). */
export const hubSpotEventId = (s: HubSpotSubmission): string | undefined => (s.eventId !== undefined ? String(s.eventId) : s.conversionId);

/**
 * Form fields by name (a repeated name keeps every value), plus every other property as a dotted path ("context.pageUri",
 * "legalConsentOptions.consent.text").
 */
export function hubSpotFields(s: HubSpotSubmission): SourceFields {
  const { fields, ...rest } = s;
  const out = flattenJson(rest);
  for (const f of fields) {
    if (f.value === null) continue;
    out.set(f.name, [...(out.get(f.name) ?? []), String(f.value)]);
  }
  return out;
}
