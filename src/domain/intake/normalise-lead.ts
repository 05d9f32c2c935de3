import { CustomerSchema } from '../lead/lead.schema.ts';
import type { Lead } from '../lead/lead.ts';
import type { LeadCompany } from '../lead/lead.schema.ts';
import { JURISDICTION_PATTERN } from '../shared/jurisdiction.ts';
import type { Result } from '../shared/result.ts';
import { err, ok } from '../shared/result.ts';
import { toIso } from '../shared/zoned-time.ts';
import { cleanText, illFormedTextPaths } from './clean-text.ts';
import { normaliseEmail } from './email-address.ts';
import { isFreeMailDomain } from './free-mail-domains.ts';
import type { FieldError } from './field-error.ts';
import { fieldError, formatPath, fromZodIssues } from './field-error.ts';
import type { IntakeBehaviour, IntakeConsent, IntakeLead, IntakeLeadInput } from './intake-lead.schema.ts';
import { IntakeCompanySchema, IntakeLeadSchema } from './intake-lead.schema.ts';
import { countryByAlpha2, placeKey, resolveCountry } from './iso-3166.ts';
import { toNumberIfNumeric } from '../sources/map-source-fields.ts';
import { resolveSubdivision } from './iso-3166-2.ts';
import { toE164 } from './phone-number.ts';
import { normaliseCompanyIdentifiers, normaliseVessel, type CompanyIdentifiers, type NormalisedVessel } from './normalise-vessel.ts';
import type { TimeZoneSource } from './principal-time-zones.ts';
import { COUNTRY_TIME_ZONES, SUBDIVISION_TIME_ZONES, inferTimeZone } from './principal-time-zones.ts';

/**
 * Intake normalisation (docs/intake.md): the raw payload an integrator posted → the routing form of the
 * lead (LeadSchema fields except id), the contact data (PII, kept apart from routing), the
 * pass-through sections, and the raw payload itself, untouched. Pure: time comes in as `at`.
 * Every problem is reported as a field error with the JSON path of the payload; nothing is
 * half-normalised: either every field normalises or the result is the full list of errors.
 */

export interface NormaliseOptions {
  /** The moment of intake (epoch ms): becomes lead.receivedAt; dates after it are rejected. */
  readonly at: number;
  /** ISO alpha-2 used when the payload has no country (and to read national-format phones then). */
  readonly defaultCountry?: string;
  /**
   * The product of a lead sent without one (the org's defaultProduct where it is unregulated; see
   * domain/org/intake-product.ts), or the field error saying why it is required. Omitted: product is required.
   */
  readonly productFor?: (jurisdiction: string) => Result<string, FieldError>;
}

const PRODUCT_REQUIRED = (): Result<string, FieldError> => err(fieldError('/product', 'product_required', 'required'));

/** The lead as routing sees it, without its id (assigned when the lead is stored). */
export type LeadDraft = Omit<Lead, 'id'>;

/**
 * Personal contact data: never used for routing, erasable (docs/audit.md). Names are optional (an email-only
 * lead); an organisation lead has no person at all: its email and phone are the company's.
 */
export interface IntakeContact {
  readonly firstName?: string;
  readonly lastName?: string;
  /** The names given, joined; absent when none was. */
  readonly fullName?: string;
  /** true: an organisation lead (no person in the payload); email and phone are the organisation's. */
  readonly organisationOnly?: true;
  /** Deliverable address (trimmed, lower case). */
  readonly email?: string;
  /** Identity form for dedupe (Gmail dots and +tags removed …); never used to send mail. */
  readonly emailDedupe?: string;
  readonly phoneE164?: string;
  /** Company name, whitespace-cleaned (legal form kept). */
  readonly company?: string;
  readonly dateOfBirth?: string;
}

export interface NormalisedAddress {
  /** ISO 3166-1 alpha-2. */
  readonly country: string;
  /** ISO 3166-2 code ("US-TX") when resolved. */
  readonly subdivision?: string;
  /** The subdivision as sent, when it could not be resolved (a country without a subdivision table). */
  readonly subdivisionName?: string;
  readonly postalCode?: string;
  readonly city?: string;
  readonly line1?: string;
}

export interface NormalisedCompany extends CompanyIdentifiers {
  readonly name?: string;
  readonly website?: string;
  /** Website host, lower case, without "www.". */
  readonly domain?: string;
  readonly employees?: number;
}

export interface NormalisedIntake {
  readonly lead: LeadDraft;
  readonly contact: IntakeContact;
  readonly address: NormalisedAddress;
  readonly company?: NormalisedCompany;
  /** A ship the lead concerns: screened as a vessel (not used for routing). */
  readonly vessel?: NormalisedVessel;
  readonly consent?: IntakeConsent;
  readonly behaviour?: IntakeBehaviour;
  readonly externalId?: string;
  /** Where lead.timeZone came from: C4 should treat a country-level guess in a multi-zone country as uncertain. */
  readonly timeZoneSource: TimeZoneSource;
  /** Accepted, but something was dropped or left unresolved (stable codes). */
  readonly warnings: readonly FieldError[];
  /** The payload exactly as received. */
  readonly raw: unknown;
}

/** Allowed clock skew between the integrator and Remit for "not in the future" checks. */
export const FUTURE_SKEW_MS = 5 * 60_000;
const EARLIEST_BIRTH_DATE = '1900-01-01';

const DEFAULT_CUSTOMER = CustomerSchema.parse({});

/** "England", "Scotland" … given as the country name say which UK nation too. */
const COUNTRY_NAME_SUBDIVISION: Readonly<Record<string, string>> = {
  england: 'GB-ENG',
  scotland: 'GB-SCT',
  wales: 'GB-WLS',
  'northern ireland': 'GB-NIR',
};

/** Blank strings (web forms send "") are absent. */
const present = (v: string | undefined): v is string => v !== undefined && v.trim() !== '';

export function normaliseIntake(raw: unknown, options: NormaliseOptions): Result<NormalisedIntake, FieldError[]> {
  const illFormed = illFormedTextPaths(raw);
  if (illFormed.length > 0)
    return err(illFormed.map((p) => fieldError(formatPath(p), 'invalid_text', 'text contains a lone surrogate (not valid Unicode)')));
  const parsed = IntakeLeadSchema.safeParse(raw);
  if (!parsed.success) return err(fromZodIssues(parsed.error.issues));
  const intake = parsed.data;
  const errors: FieldError[] = [];
  const warnings: FieldError[] = [];

  const place = normalisePlace(intake, options, errors, warnings);
  const contact = normaliseContact(intake, place?.country, options, errors, warnings);
  const company = nonEmpty(intake.company ? normaliseCompany(intake.company, errors) : undefined);
  const vessel = intake.vessel ? normaliseVessel(intake.vessel, errors) : undefined;
  const firmographics = normaliseFirmographics(intake.company, company?.domain ?? businessEmailDomain(contact?.email), errors);

  const timeZone = present(intake.timeZone) ? canonicalTimeZone(intake.timeZone) : undefined;
  if (present(intake.timeZone) && timeZone === undefined)
    errors.push(fieldError('/timeZone', 'invalid_time_zone', `"${intake.timeZone}" is not an IANA time zone`));

  let language: string | undefined;
  if (present(intake.language)) {
    language = intake.language.toLowerCase().split(/[-_]/)[0];
    if (language === undefined || !/^[a-z]{2,3}$/.test(language)) {
      errors.push(fieldError('/language', 'invalid_language', 'an ISO 639 code or BCP 47 tag, e.g. "en" or "en-GB"'));
    }
  }
  let currency: string | undefined;
  if (present(intake.currency)) {
    currency = intake.currency.toUpperCase();
    if (!/^[A-Z]{3}$/.test(currency)) errors.push(fieldError('/currency', 'invalid_currency', 'an ISO 4217 code, e.g. "GBP"'));
  }

  const consent = intake.consent ? normaliseConsent(intake.consent, options.at, errors) : undefined;
  const behaviour = intake.behaviour ? normaliseBehaviour(intake.behaviour, options.at, errors) : undefined;

  const product = present(intake.product)
    ? ok(intake.product.trim())
    : place
      ? (options.productFor ?? PRODUCT_REQUIRED)(place.subdivision ?? place.country)
      : PRODUCT_REQUIRED();
  if (!product.ok) errors.push(product.error);

  if (errors.length > 0 || !place || !contact || !product.ok) return err(errors);

  const inferred = timeZone !== undefined ? { zone: timeZone, source: 'given' as const } : inferTimeZone(place.country, place.subdivision);
  const postalCode = place.address.postalCode;
  const lead: LeadDraft = {
    receivedAt: toIso(options.at),
    jurisdiction: place.subdivision ?? place.country,
    product: product.value,
    customer: intake.customer ?? DEFAULT_CUSTOMER,
    ...(intake.dealValue !== undefined ? { dealValue: intake.dealValue } : {}),
    ...(currency !== undefined ? { currency } : {}),
    source: cleanText(intake.source),
    ...(language !== undefined ? { language } : {}),
    ...(postalCode !== undefined ? { postalCode } : {}),
    ...(inferred.zone !== undefined ? { timeZone: inferred.zone } : {}),
    screening: { status: 'not_screened', tags: [], listVersions: [] },
    custom: intake.custom ?? {},
    ...(firmographics !== undefined ? { company: firmographics } : {}),
  };
  const externalId = present(intake.externalId) ? cleanText(intake.externalId) : undefined;
  return ok({
    lead,
    contact,
    address: place.address,
    ...(company !== undefined ? { company } : {}),
    ...(vessel !== undefined ? { vessel } : {}),
    ...(consent !== undefined ? { consent } : {}),
    ...(behaviour !== undefined ? { behaviour } : {}),
    ...(externalId !== undefined ? { externalId } : {}),
    timeZoneSource: inferred.source,
    warnings,
    raw,
  });
}

// ---------------------------------------------------------------- place

interface Place {
  readonly country: string;
  readonly subdivision?: string;
  readonly address: NormalisedAddress;
}

function normalisePlace(intake: IntakeLead, options: NormaliseOptions, errors: FieldError[], warnings: FieldError[]): Place | undefined {
  const a = intake.address;
  const subKey = present(a.subdivision) ? 'subdivision' : present(a.state) ? 'state' : undefined;
  const subText = subKey === 'subdivision' ? a.subdivision : subKey === 'state' ? a.state : undefined;

  let country: string | undefined;
  let impliedSubdivision: string | undefined;
  if (present(a.country)) {
    country = resolveCountry(a.country)?.alpha2;
    if (!country)
      errors.push(fieldError('/address/country', 'unknown_country', `"${a.country}" is not an ISO 3166-1 country code or name`));
    impliedSubdivision = COUNTRY_NAME_SUBDIVISION[placeKey(a.country)];
  } else {
    // "US-TX" as the subdivision says the country too; else the configured default
    const prefix = subText !== undefined ? /^([A-Za-z]{2})-[A-Za-z0-9]{1,3}$/.exec(subText.trim())?.[1]?.toUpperCase() : undefined;
    const fallback = prefix !== undefined && countryByAlpha2(prefix) ? prefix : options.defaultCountry?.toUpperCase();
    if (fallback !== undefined && countryByAlpha2(fallback)) country = fallback;
    else
      errors.push(
        fieldError('/address/country', 'country_required', 'address.country is required (the org config sets no defaultCountry)'),
      );
  }
  if (!country) return undefined;

  let subdivision: string | undefined;
  let subdivisionName: string | undefined;
  if (subKey !== undefined && subText !== undefined) {
    const path = `/address/${subKey}`;
    const found = resolveSubdivision(country, subText);
    switch (found.kind) {
      case 'found':
        subdivision = found.entry.code;
        break;
      case 'unknown':
        errors.push(
          fieldError(path, 'unknown_subdivision', `"${subText}" is not a known subdivision of ${country} (ISO 3166-2 code or name)`),
        );
        break;
      case 'other_country':
        errors.push(
          fieldError(path, 'subdivision_country_mismatch', `"${subText}" is a subdivision of ${found.country}, not of ${country}`),
        );
        break;
      case 'no_table': {
        const code = subText.trim().toUpperCase().replace(/[\s_]/, '-');
        if (code.startsWith(`${country}-`) && JURISDICTION_PATTERN.test(code)) subdivision = code;
        else {
          subdivisionName = cleanText(subText);
          warnings.push(
            fieldError(
              path,
              'subdivision_unresolved',
              `subdivisions of ${country} are only resolved from ISO 3166-2 codes ("${country}-…"); kept as text, routed at country level`,
            ),
          );
        }
        break;
      }
    }
    if (subKey === 'subdivision' && present(a.state) && subdivision !== undefined) {
      const other = resolveSubdivision(country, a.state);
      if (other.kind !== 'found' || other.entry.code !== subdivision) {
        errors.push(
          fieldError('/address/state', 'conflicting_values', `address.state "${a.state}" does not match address.subdivision "${subText}"`),
        );
      }
    }
  } else if (impliedSubdivision !== undefined && country === 'GB') {
    subdivision = impliedSubdivision;
  }

  const postalCode = present(a.postalCode) ? normalisePostalCode(a.postalCode, country) : undefined;
  const address: NormalisedAddress = {
    country,
    ...(subdivision !== undefined ? { subdivision } : {}),
    ...(subdivisionName !== undefined ? { subdivisionName } : {}),
    ...(postalCode !== undefined ? { postalCode } : {}),
    ...(present(a.city) ? { city: cleanText(a.city) } : {}),
    ...(present(a.line1) ? { line1: cleanText(a.line1) } : {}),
  };
  return { country, ...(subdivision !== undefined ? { subdivision } : {}), address };
}

/** Upper case, single spaces; UK postcodes get their space before the inward code ("SW1A1AA" → "SW1A 1AA"). */
export function normalisePostalCode(text: string, country: string): string {
  const t = cleanText(text).toUpperCase();
  if (country === 'GB') {
    const compact = t.replace(/ /g, '');
    if (/^[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}$/.test(compact)) return `${compact.slice(0, -3)} ${compact.slice(-3)}`;
  }
  return t;
}

// ---------------------------------------------------------------- contact

function normaliseContact(
  intake: IntakeLead,
  country: string | undefined,
  options: NormaliseOptions,
  errors: FieldError[],
  warnings: FieldError[],
): IntakeContact | undefined {
  const p = intake.person;
  const before = errors.length;
  const firstName = present(p?.firstName) ? cleanText(p.firstName) : '';
  const lastName = present(p?.lastName) ? cleanText(p.lastName) : '';
  const fullName = [firstName, lastName].filter(Boolean).join(' ');

  // The person's own contact points first; the company's (sales@, switchboard) when the person has none of that kind.
  const emailAt = present(p?.email) ? { text: p.email, path: '/person/email' } : contactPoint(intake.company?.email, '/company/email');
  let email: ReturnType<typeof normaliseEmail>;
  if (emailAt) {
    email = normaliseEmail(emailAt.text);
    if (!email) errors.push(fieldError(emailAt.path, 'invalid_email', `"${emailAt.text}" is not a valid email address`));
  }

  const phoneAt = present(p?.phone) ? { text: p.phone, path: '/person/phone' } : contactPoint(intake.company?.phone, '/company/phone');
  let phoneE164: string | undefined;
  if (phoneAt) {
    const region = country ?? options.defaultCountry?.toUpperCase();
    const phone = toE164(phoneAt.text, region);
    if (phone.kind === 'valid') {
      phoneE164 = phone.e164;
      if (phone.extension !== undefined)
        warnings.push(
          fieldError(phoneAt.path, 'phone_extension_dropped', `extension ${phone.extension} is not part of E.164 and was dropped`),
        );
    } else {
      const why =
        phone.reason === 'needs_country'
          ? 'has no international prefix and no country to read it in'
          : phone.reason === 'unparseable'
            ? 'is not a phone number'
            : `is not a valid number${region ? ` (read in ${region})` : ''}`;
      errors.push(fieldError(phoneAt.path, 'invalid_phone', `"${phoneAt.text}" ${why}`));
    }
  }

  const dateOfBirth = p?.dateOfBirth;
  if (dateOfBirth !== undefined) {
    const today = toIso(options.at).slice(0, 10);
    if (dateOfBirth > today) errors.push(fieldError('/person/dateOfBirth', 'date_in_future', 'a date of birth cannot be in the future'));
    else if (dateOfBirth < EARLIEST_BIRTH_DATE)
      errors.push(fieldError('/person/dateOfBirth', 'date_out_of_range', `a date of birth before ${EARLIEST_BIRTH_DATE}`));
  }
  if (errors.length > before) return undefined;

  const company = present(intake.company?.name) ? cleanText(intake.company.name) : undefined;
  return {
    ...(firstName ? { firstName } : {}),
    ...(lastName ? { lastName } : {}),
    ...(fullName ? { fullName } : {}),
    ...(p === undefined ? { organisationOnly: true as const } : {}),
    ...(email ? { email: email.address, emailDedupe: email.dedupe } : {}),
    ...(phoneE164 !== undefined ? { phoneE164 } : {}),
    ...(company ? { company } : {}),
    ...(dateOfBirth !== undefined ? { dateOfBirth } : {}),
  };
}

const contactPoint = (text: string | undefined, path: string) => (present(text) ? { text, path } : undefined);

// ---------------------------------------------------------------- company, consent, behaviour

function normaliseCompany(company: NonNullable<IntakeLead['company']>, errors: FieldError[]): NormalisedCompany {
  const name = present(company.name) ? cleanText(company.name) : undefined;
  let website: string | undefined;
  let domain: string | undefined;
  if (present(company.website)) {
    website = company.website.trim();
    domain = websiteDomain(website);
    if (domain === undefined) errors.push(fieldError('/company/website', 'invalid_website', `"${website}" is not a web address`));
  }
  if (present(company.domain)) {
    // An explicit domain wins over the website's host (a marketing site may live elsewhere).
    const given = websiteDomain(company.domain);
    if (given === undefined) errors.push(fieldError('/company/domain', 'invalid_domain', `"${company.domain}" is not a web domain`));
    else domain = given;
  }
  return {
    ...(name !== undefined ? { name } : {}),
    ...(website !== undefined ? { website } : {}),
    ...(domain !== undefined ? { domain } : {}),
    ...(company.employees !== undefined ? { employees: company.employees } : {}),
    ...normaliseCompanyIdentifiers(company, errors),
  };
}

const nonEmpty = <T extends object>(o: T | undefined): T | undefined => (o !== undefined && Object.keys(o).length > 0 ? o : undefined);

/** The domain of a business email (free-mail domains say nothing about the employer). */
function businessEmailDomain(email: string | undefined): string | undefined {
  const domain = email?.slice(email.lastIndexOf('@') + 1);
  return domain !== undefined && !isFreeMailDomain(domain) ? websiteDomain(domain) : undefined;
}

/**
 * The routing form of the company (LeadCompany): domain, size, revenue, industry with its code system,
 * country, region, tags. undefined when nothing is known (enrichment may still fill it).
 */
function normaliseFirmographics(company: IntakeLead['company'], domain: string | undefined, errors: FieldError[]): LeadCompany | undefined {
  let revenueCurrency: string | undefined;
  if (present(company?.revenueCurrency)) {
    revenueCurrency = company.revenueCurrency.toUpperCase();
    if (!/^[A-Z]{3}$/.test(revenueCurrency))
      errors.push(fieldError('/company/revenueCurrency', 'invalid_currency', 'an ISO 4217 code, e.g. "USD"'));
  }
  let country: string | undefined;
  if (present(company?.country)) {
    country = resolveCountry(company.country)?.alpha2;
    if (country === undefined)
      errors.push(fieldError('/company/country', 'unknown_country', `"${company.country}" is not an ISO 3166-1 country code or name`));
  }
  const industry = present(company?.naics)
    ? { system: 'naics' as const, code: company.naics }
    : present(company?.sic)
      ? { system: 'sic' as const, code: company.sic }
      : present(company?.industry)
        ? { system: 'text' as const, code: cleanText(company.industry).toLowerCase() }
        : undefined;
  const tags = company?.tags ? [...new Set(company.tags.map((t) => cleanText(t).toLowerCase()))].sort() : undefined;
  const firmographics: LeadCompany = {
    ...(domain !== undefined ? { domain } : {}),
    ...(company?.employees !== undefined ? { employees: company.employees } : {}),
    ...(company?.annualRevenue !== undefined ? { annualRevenue: company.annualRevenue } : {}),
    ...(revenueCurrency !== undefined ? { revenueCurrency } : {}),
    ...(industry !== undefined ? { industry } : {}),
    ...(country !== undefined ? { country } : {}),
    ...(present(company?.region) ? { region: cleanText(company.region) } : {}),
    ...(tags !== undefined && tags.length > 0 ? { tags } : {}),
  };
  return nonEmpty(firmographics);
}

/** Intake company fields an outside source (an enrichment lookup) may state, in the precedence the routing form keeps. */
const FACT_FIELDS = ['employees', 'annualRevenue', 'revenueCurrency', 'naics', 'sic', 'industry', 'country', 'region', 'tags'] as const;

/**
 * Company facts from outside the payload (docs/intake.md "Enrichment"), through the same rules as intake: each
 * field is checked and normalised on its own, so one bad value drops only that field (`rejected`). Lenient
 * about what lookups send: numeric strings ("1,200") for numbers, "a; b, c" lists for tags.
 */
export function normaliseCompanyFacts(facts: Readonly<Record<string, unknown>>): {
  readonly company: LeadCompany;
  readonly rejected: readonly FieldError[];
} {
  const rejected: FieldError[] = [];
  let company: LeadCompany = {};
  for (const key of FACT_FIELDS) {
    const value = lenientFact(key, facts[key]);
    if (value === undefined) continue;
    const parsed = IntakeCompanySchema.shape[key].safeParse(value);
    if (!parsed.success) {
      rejected.push(...fromZodIssues(parsed.error.issues).map((e) => ({ ...e, path: `/${key}${e.path}` })));
      continue;
    }
    const errors: FieldError[] = [];
    const one = normaliseFirmographics({ [key]: parsed.data }, undefined, errors);
    if (errors.length > 0) rejected.push(...errors.map((e) => ({ ...e, path: e.path.replace(/^\/company/, '') })));
    // naics before sic before free text: the first industry found stays
    else if (one !== undefined) company = { ...one, ...company };
  }
  return { company, rejected };
}

function lenientFact(key: (typeof FACT_FIELDS)[number], value: unknown): unknown {
  if (value === null || value === undefined || value === '') return undefined;
  if ((key === 'employees' || key === 'annualRevenue') && typeof value === 'string') return toNumberIfNumeric(value);
  if ((key === 'naics' || key === 'sic') && typeof value === 'number') return String(value);
  if (key === 'tags' && typeof value === 'string') return value.split(/[;,]/).filter((t) => t.trim() !== '');
  return value;
}

/** "https://www.Acme.com/about" → "acme.com"; undefined when not an http(s) address with a dotted host. */
export function websiteDomain(text: string): string | undefined {
  const t = text.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(t) ? t : `https://${t}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  const host = url.hostname.toLowerCase().replace(/\.$/, '');
  if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(host) || /^[\d.]+$/.test(host)) return undefined;
  return host.replace(/^www\d?\./, '');
}

const inFuture = (iso: string, at: number) => Date.parse(iso) > at + FUTURE_SKEW_MS;

function normaliseConsent(consent: IntakeConsent, at: number, errors: FieldError[]): IntakeConsent {
  if (inFuture(consent.capturedAt, at))
    errors.push(fieldError('/consent/capturedAt', 'date_in_future', 'consent cannot be captured after the lead was received'));
  return {
    ...consent,
    wording: cleanText(consent.wording),
    capturedAt: toIso(Date.parse(consent.capturedAt)),
    ...(consent.channels !== undefined ? { channels: [...new Set(consent.channels)].sort() } : {}),
  };
}

function normaliseBehaviour(behaviour: IntakeBehaviour, at: number, errors: FieldError[]): IntakeBehaviour {
  if (behaviour.lastActivityAt === undefined) return behaviour;
  if (inFuture(behaviour.lastActivityAt, at))
    errors.push(fieldError('/behaviour/lastActivityAt', 'date_in_future', 'activity cannot be after the lead was received'));
  return { ...behaviour, lastActivityAt: toIso(Date.parse(behaviour.lastActivityAt)) };
}

// ---------------------------------------------------------------- time zones

const KNOWN_ZONES: ReadonlyMap<string, string> = new Map(
  [...Intl.supportedValuesOf('timeZone'), ...Object.values(COUNTRY_TIME_ZONES), ...Object.values(SUBDIVISION_TIME_ZONES), 'UTC'].map(
    (z) => [z.toLowerCase(), z],
  ),
);

/** An IANA zone name in its canonical spelling ("europe/london" → "Europe/London"); undefined if unknown. */
export function canonicalTimeZone(text: string): string | undefined {
  const t = text.trim();
  const known = KNOWN_ZONES.get(t.toLowerCase());
  if (known !== undefined) return known;
  if (!/^[A-Za-z]/.test(t)) return undefined; // "+05:00" offsets are not zones
  try {
    new Intl.DateTimeFormat('en', { timeZone: t });
  } catch {
    return undefined;
  }
  return t;
}

// ---------------------------------------------------------------- re-intake

/**
 * The intake payload that reproduces a normalised intake (inferred time zones left out, so they
 * are inferred again). normaliseIntake(toIntakeLead(n)) equals n except for `raw`.
 */
export function toIntakeLead(n: NormalisedIntake): IntakeLeadInput {
  const { lead, contact, address, company } = n;
  const reach = {
    ...(contact.email !== undefined ? { email: contact.email } : {}),
    ...(contact.phoneE164 !== undefined ? { phone: contact.phoneE164 } : {}),
  };
  return {
    ...(n.externalId !== undefined ? { externalId: n.externalId } : {}),
    source: lead.source ?? '',
    product: lead.product,
    ...(contact.organisationOnly
      ? {}
      : {
          person: {
            ...(contact.firstName !== undefined ? { firstName: contact.firstName } : {}),
            ...(contact.lastName !== undefined ? { lastName: contact.lastName } : {}),
            ...reach,
            ...(contact.dateOfBirth !== undefined ? { dateOfBirth: contact.dateOfBirth } : {}),
          },
        }),
    // An organisation lead's contact points are the company's.
    ...nonEmptyCompany({ ...intakeCompany(company, lead.company), ...(contact.organisationOnly ? reach : {}) }),
    address: {
      country: address.country,
      ...(address.subdivision !== undefined ? { subdivision: address.subdivision } : {}),
      ...(address.subdivisionName !== undefined ? { subdivision: address.subdivisionName } : {}),
      ...(address.postalCode !== undefined ? { postalCode: address.postalCode } : {}),
      ...(address.city !== undefined ? { city: address.city } : {}),
      ...(address.line1 !== undefined ? { line1: address.line1 } : {}),
    },
    ...(n.timeZoneSource === 'given' && lead.timeZone !== undefined ? { timeZone: lead.timeZone } : {}),
    ...(lead.language !== undefined ? { language: lead.language } : {}),
    ...(lead.dealValue !== undefined ? { dealValue: lead.dealValue } : {}),
    ...(lead.currency !== undefined ? { currency: lead.currency } : {}),
    customer: lead.customer,
    ...(n.consent !== undefined ? { consent: n.consent } : {}),
    ...(n.behaviour !== undefined ? { behaviour: n.behaviour } : {}),
    custom: lead.custom,
  };
}

const nonEmptyCompany = (c: NonNullable<IntakeLeadInput['company']>) => (Object.keys(c).length > 0 ? { company: c } : {});

/** The intake company section that normalises back to `company` and `firmographics`. */
function intakeCompany(
  company: NormalisedCompany | undefined,
  firmographics: LeadCompany | undefined,
): NonNullable<IntakeLeadInput['company']> {
  const f = firmographics;
  const industry = f?.industry;
  return {
    ...(company?.name !== undefined ? { name: company.name } : {}),
    ...(company?.website !== undefined ? { website: company.website } : {}),
    ...(company?.domain !== undefined ? { domain: company.domain } : {}),
    ...(f?.employees !== undefined ? { employees: f.employees } : {}),
    ...(f?.annualRevenue !== undefined ? { annualRevenue: f.annualRevenue } : {}),
    ...(f?.revenueCurrency !== undefined ? { revenueCurrency: f.revenueCurrency } : {}),
    ...(industry !== undefined ? (industry.system === 'text' ? { industry: industry.code } : { [industry.system]: industry.code }) : {}),
    ...(f?.country !== undefined ? { country: f.country } : {}),
    ...(f?.region !== undefined ? { region: f.region } : {}),
    ...(f?.tags !== undefined ? { tags: [...f.tags] } : {}),
  };
}
