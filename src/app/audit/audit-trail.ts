import {
  canonicalText,
  splitPersonalData,
  type AuditKind,
  type AuditTextEvent,
  type Commitments,
  type JsonValue,
} from '../../audit/index.ts';
import { canonicalDataJson, canonicalDataJsonWithout } from '../../domain/shared/canonical-json.ts';
import type { UnitOfWork } from '../../store/unit-of-work.ts';

/**
 * Recording side of the audit trail (docs/audit.md). Every use case that changes something that
 * matters calls `appendAudit` with its own transaction, so the entry commits (or rolls back) with
 * the change and is durable before the effect is visible. Entries go to the unsequenced inbox; the
 * sealer (audit-sealer.service.ts) gives them their place in the hash-chained log. There is no
 * update or delete: a correction is a new entry.
 */

export interface AuditRecord {
  readonly kind: AuditKind;
  /** What it is about: a lead id, `org:<hash>`, `key:<id>`, `accounts`, `webhook:<id>`. */
  readonly subject: string;
  /** Who: an API key id, `system`, `cli`. */
  readonly actor: string;
  readonly at: string;
  /** Any JSON-serialisable value (undefined members are dropped). */
  readonly payload: unknown;
  readonly commitments?: Commitments;
}

/** The value as plain JSON data (what will be hashed): undefined dropped, dates as strings. */
export const auditJson = (value: unknown): JsonValue => (value === undefined ? null : (JSON.parse(JSON.stringify(value)) as JsonValue));

/**
 * The entry as the store keeps it: payload and commitments serialised once, to the canonical text that will be hashed
 * (issue 18: this was a deep copy, then canonical JSON in the store, then a parse and canonical JSON again in the sealer).
 * canonicalDataJson(p) === canonicalText(auditJson(p)), byte for byte.
 */
const auditEvent = (record: AuditRecord): AuditTextEvent => ({
  kind: record.kind,
  subject: record.subject,
  actor: record.actor,
  at: record.at,
  payloadText: canonicalDataJson(record.payload),
  commitmentsText: canonicalText(record.commitments ?? {}),
});

export async function appendAudit(tx: UnitOfWork, record: AuditRecord): Promise<void> {
  await tx.audit.append(auditEvent(record));
}

/** Several entries of one change, in this order, with one write (issue 18: fewer statements per lead). */
export async function appendAuditMany(tx: UnitOfWork, records: readonly AuditRecord[]): Promise<void> {
  await tx.audit.appendMany(records.map(auditEvent));
}

/**
 * A decision's entry, its payload's `decision` member being the document of the `decisions` row `decisionId` written
 * in this transaction as canonicalDataJson(payload.decision): the inbox keeps the rest and a reference, and the sealer
 * puts the document back (docs/audit.md "Decision entries"), so the ~15 KB document is written once and the sealed entry
 * is byte for byte what it would be with the document copied.
 */
export async function appendDecisionAudit(
  tx: UnitOfWork,
  record: Omit<AuditRecord, 'payload' | 'commitments'> & { readonly payload: { readonly decision: object }; readonly decisionId: string },
): Promise<void> {
  const { text, offset } = canonicalDataJsonWithout(record.payload, 'decision');
  await tx.audit.append({
    kind: record.kind,
    subject: record.subject,
    actor: record.actor,
    at: record.at,
    payloadText: text,
    commitmentsText: '{}',
    decisionRef: { decisionId: record.decisionId, offset },
  });
}

/**
 * Personal fields of an intake entry (dot paths into its payload). They never enter the log: the
 * entry holds an HMAC commitment per field, keyed with the lead's salt (personal_data.salt), and
 * erasure deletes salt and values. `raw` is the payload as received (it may hold anything); so may `lead.custom`.
 */
export const INTAKE_PERSONAL_PATHS: readonly string[] = [
  'contact.firstName',
  'contact.lastName',
  'contact.fullName',
  'contact.email',
  'contact.emailDedupe',
  'contact.phoneE164',
  'contact.company',
  'contact.dateOfBirth',
  'address.line1',
  'address.city',
  'address.postalCode',
  'company.name',
  // A ship and a company's identifiers are screening inputs like the company name, and as erasable.
  'company.lei',
  'company.registrationNumber',
  'company.imoCompanyNumber',
  'vessel',
  'consent',
  'behaviour',
  'raw',
  // Hidden form fields and CRM context land in custom.*; what they hold is unknowable (a page URL with an
  // email in it): every custom value is committed. So is the integrator's id for the person (a CRM record id).
  'lead.custom',
  'externalId',
];

/** Splits a payload into its audit-safe part and commitments to the personal fields, with the lead's salt (hex). */
export function withCommitments(
  payload: unknown,
  personalPaths: readonly string[],
  saltHex: string,
): { payload: JsonValue; commitments: Commitments } {
  const split = splitPersonalData(auditJson(payload), personalPaths, Buffer.from(saltHex, 'hex'));
  return { payload: split.auditPayload, commitments: split.commitments };
}

/**
 * Screening hits carry evidence derived from the screened person (their name tokens, date of birth
 * comparisons): that part is committed, not recorded in clear. The list side (list, entry, listed
 * name, programmes, score) stays readable.
 */
export function screeningAuditPayload(screening: { readonly hits: readonly object[] }): {
  readonly screening: JsonValue;
  readonly subjectEvidence: JsonValue;
} {
  const hits: JsonValue[] = [];
  const evidence: JsonValue[] = [];
  for (const h of screening.hits) {
    const { tokens, unmatchedQueryTokens, corroboration, notes, ...listSide } = h as Record<string, unknown>;
    hits.push(auditJson(listSide));
    evidence.push(auditJson({ tokens, unmatchedQueryTokens, corroboration, notes }));
  }
  return { screening: auditJson({ ...screening, hits }), subjectEvidence: evidence };
}
