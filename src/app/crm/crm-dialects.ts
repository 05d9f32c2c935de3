import type { CrmTarget } from '../../domain/org/crm-writeback.schema.ts';
import { crmFieldValues, type CrmUpdate } from './crm-update.ts';

/** One CRM's API as write-back uses it: where tokens come from, the update request, how it words its errors. */
export interface CrmDialect {
  readonly tokenPath: string;
  /** The PATCH of one record: path under the target's base URL and its JSON body; null when nothing would be written. */
  request(target: CrmTarget, recordId: string, update: CrmUpdate): { readonly path: string; readonly body: object } | null;
  /** The CRM's own error message from an error body (kept on a dead-lettered row). */
  errorMessage(body: unknown): string | undefined;
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const nonEmpty = (values: Record<string, string>) => (Object.keys(values).length > 0 ? values : null);

/** HubSpot CRM v3 objects API (PATCH /crm/v3/objects/contacts/{id}; deals by their object type id 0-3) and OAuth v1. */
const HUBSPOT: CrmDialect = {
  tokenPath: '/oauth/v1/token',
  request(target, recordId, update) {
    // A deal has no lead status: its stage (dealstage) takes the mapped status value instead.
    const deals = target.kind === 'hubspot' && target.object === 'deals';
    const names = { owner: 'hubspot_owner_id', status: deals ? 'dealstage' : 'hs_lead_status' };
    const properties = nonEmpty(crmFieldValues(target, update, names));
    if (!properties) return null;
    return { path: `/crm/v3/objects/${deals ? '0-3' : 'contacts'}/${encodeURIComponent(recordId)}`, body: { properties } };
  },
  errorMessage: (body) => {
    const b = body as { message?: unknown; category?: unknown } | null;
    const message = text(b?.message);
    return message && text(b?.category) ? `${String(b!.category)}: ${message}` : message;
  },
};

/** Salesforce REST sObject Rows (PATCH /services/data/vXX.X/sobjects/Lead/{id}) and the OAuth 2.0 token endpoint. */
const SALESFORCE: CrmDialect = {
  tokenPath: '/services/oauth2/token',
  request(target, recordId, update) {
    const fields = nonEmpty(crmFieldValues(target, update, { owner: 'OwnerId', status: 'Status' }));
    if (!fields) return null;
    const version = (target.kind === 'salesforce' && target.apiVersion) || 'v62.0';
    return { path: `/services/data/${version}/sobjects/Lead/${encodeURIComponent(recordId)}`, body: fields };
  },
  errorMessage: (body) => {
    // Salesforce answers errors as a list: [{ message, errorCode, fields }]; an OAuth error as { error, error_description }.
    const first = (Array.isArray(body) ? body[0] : body) as { message?: unknown; errorCode?: unknown; error_description?: unknown } | null;
    const message = text(first?.message) ?? text(first?.error_description);
    return message && text(first?.errorCode) ? `${String(first!.errorCode)}: ${message}` : message;
  },
};

export const CRM_DIALECTS: Readonly<Record<CrmTarget['kind'], CrmDialect>> = { hubspot: HUBSPOT, salesforce: SALESFORCE };
