/**
 * A rep's booking link template (docs/sources.md "Booking hand-off"): cal.com, Calendly, Microsoft
 * Bookings or any page taking the prospect's details as placeholders. Pure: validation at config load
 * and filling at hand-off time.
 */

/** Placeholders that carry the prospect's personal data: filled only when the lead's consent allows prefill. */
const PERSONAL_PLACEHOLDERS = ['name', 'firstName', 'lastName', 'email'] as const;
/** Placeholders that never identify the prospect to a third party (the lead id is Remit's opaque id). */
const NEUTRAL_PLACEHOLDERS = ['leadId'] as const;

type BookingPlaceholder = (typeof PERSONAL_PLACEHOLDERS)[number] | (typeof NEUTRAL_PLACEHOLDERS)[number];

const KNOWN = new Set<string>([...PERSONAL_PLACEHOLDERS, ...NEUTRAL_PLACEHOLDERS]);
const PLACEHOLDER = /\{([^{}]*)\}/g;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Why a template cannot be used (empty: it can). The URL is checked with its placeholders blanked out. */
export function bookingUrlProblems(template: string): string[] {
  const problems: string[] = [];
  const unknown = [...template.matchAll(PLACEHOLDER)].map((m) => m[1]!).filter((name) => !KNOWN.has(name));
  if (unknown.length > 0)
    problems.push(
      `unknown placeholder(s) ${unknown.map((u) => `{${u}}`).join(', ')}; known: ${[...KNOWN].map((k) => `{${k}}`).join(', ')}`,
    );
  let url: URL;
  try {
    url = new URL(template.replace(PLACEHOLDER, 'x'));
  } catch {
    return [...problems, 'not a valid URL'];
  }
  // The prospect's browser is sent there, possibly with their name and email: never over plain http off this machine.
  if (!(url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname))))
    problems.push('must be https (http only on a loopback address)');
  if (url.username !== '' || url.password !== '') problems.push('must not carry credentials');
  return problems;
}

export interface BookingProspect {
  readonly leadId: string;
  readonly fullName?: string;
  readonly firstName?: string;
  readonly lastName?: string;
  readonly email?: string;
}

/**
 * The prospect's booking URL. Values are URL-encoded. With `prefill` false (no consent), personal
 * placeholders are emptied and any query parameter left empty by that is dropped, so the booking
 * page receives no personal data, not even an empty "email=".
 */
export function fillBookingUrl(template: string, prospect: BookingProspect, prefill: boolean): string {
  const values: Record<BookingPlaceholder, string> = {
    leadId: prospect.leadId,
    name: prefill ? (prospect.fullName ?? '') : '',
    firstName: prefill ? (prospect.firstName ?? '') : '',
    lastName: prefill ? (prospect.lastName ?? '') : '',
    email: prefill ? (prospect.email ?? '') : '',
  };
  const filled = template.replace(PLACEHOLDER, (_m, key: string) => encodeURIComponent(values[key as BookingPlaceholder] ?? ''));
  const url = new URL(filled);
  const emptied = [...url.searchParams.entries()].filter(([, v]) => v === '').map(([k]) => k);
  for (const k of emptied) url.searchParams.delete(k);
  return emptied.length > 0 ? url.toString() : filled;
}

/** The consent that allows prefill: marketing consent on record that covers email (or names no channels). */
export function consentAllowsPrefill(consent: { readonly marketing: boolean; readonly channels?: readonly string[] } | undefined): boolean {
  if (!consent?.marketing) return false;
  return consent.channels === undefined || consent.channels.includes('email');
}
