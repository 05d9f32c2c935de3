import { foldForKey } from './clean-text.ts';
import type { IntakeContact } from './normalise-lead.ts';

/**
 * Keys for finding an open lead this one duplicates (docs/intake.md). Two leads are duplicates when
 * they share any key:
 *  - `email`: the dedupe form of the email (Gmail dots/+tags removed …);
 *  - `phone`: the E.164 number;
 *  - `name_company`: folded full name + normalised company name. Only with a company and a name: a
 *    name alone is far too common to identify anyone;
 *  - `organisation`: the normalised company name of an organisation lead (no person in it): a second
 *    enquiry from the same organisation without a person is the same enquiry. Never for a person's lead.
 * Keys are strings "<kind>:<value>" so a store can index one column. They are personal data;
 * pass `digest` (e.g. an HMAC with a per-tenant secret) to store commitments instead (docs/audit.md).
 */

export type DedupeKeyKind = 'email' | 'phone' | 'name_company' | 'organisation';

export interface DedupeKey {
  readonly kind: DedupeKeyKind;
  /** "<kind>:<value>", or "<kind>:<digest(value)>" when a digest is given. */
  readonly key: string;
}

export interface DedupeKeyOptions {
  /**
   * Company name → comparison form. The app passes the screening normaliser (legal forms such as
   * "Ltd", "GmbH" removed, "Corporation" ~ "Corp"); the default only folds case, accents and punctuation.
   */
  readonly normaliseCompany?: (name: string) => string;
  /** One-way function applied to each value (the kind prefix stays readable). */
  readonly digest?: (value: string) => string;
}

export type DedupeContact = Pick<IntakeContact, 'firstName' | 'lastName' | 'emailDedupe' | 'phoneE164' | 'company' | 'organisationOnly'>;

/** The person's name as compared for dedupe: folded, first name then last name; empty when no name was given. */
export const dedupeName = (contact: Pick<IntakeContact, 'firstName' | 'lastName'>): string =>
  foldForKey([contact.firstName, contact.lastName].filter((n) => n !== undefined).join(' '));

export function dedupeKeys(contact: DedupeContact, options: DedupeKeyOptions = {}): DedupeKey[] {
  const normaliseCompany = options.normaliseCompany ?? foldForKey;
  const digest = options.digest ?? ((v: string) => v);
  const keys: DedupeKey[] = [];
  const add = (kind: DedupeKeyKind, value: string) => keys.push({ kind, key: `${kind}:${digest(value)}` });
  if (contact.emailDedupe) add('email', contact.emailDedupe);
  if (contact.phoneE164) add('phone', contact.phoneE164);
  if (contact.company) {
    const name = dedupeName(contact);
    const company = normaliseCompany(contact.company).trim();
    if (name && company) add('name_company', `${name}|${company}`);
    if (contact.organisationOnly && company) add('organisation', company);
  }
  return keys;
}

/** Kinds of key two key lists share (empty: not duplicates). */
export function sharedKeyKinds(a: readonly DedupeKey[], b: readonly DedupeKey[]): DedupeKeyKind[] {
  const bKeys = new Set(b.map((k) => k.key));
  return a.filter((k) => bKeys.has(k.key)).map((k) => k.kind);
}
