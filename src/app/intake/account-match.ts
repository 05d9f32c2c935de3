import { isFreeMailDomain } from '../../domain/intake/free-mail-domains.ts';
import type { NormalisedIntake } from '../../domain/intake/normalise-lead.ts';
import { websiteDomain } from '../../domain/intake/normalise-lead.ts';
import { compareNames, DEFAULT_COMPARE_PARAMS } from '../../screening/index.ts';

/**
 * A company name typed by a person may drop a plural "s" ("Analytic" for "Analytics"), slip into another word
 * ("From" for "Form") or leave out what the firm does ("Acme" for "Acme Trading"): the same account. Screening's
 * "other word, other name" and "activity word, sister company" rules are for list names.
 */
const ACCOUNT_COMPARE_PARAMS = {
  ...DEFAULT_COMPARE_PARAMS,
  distinctPlurals: false,
  distinctDictionaryWords: false,
  extraCostActivity: DEFAULT_COMPARE_PARAMS.extraCostOrg,
};
import { companyNameKey, companyNameTokens } from './company-name.ts';

/**
 * Lead-to-account matching (docs/intake.md), against accounts imported from the CRM. In order:
 *  1. domain: the email domain (then the company website's domain), walking up to parent domains
 *     ("jane@uk.acme.com" matches an account with domain acme.com). Free-mail domains never
 *     match (they say nothing about the employer) and are ignored when listed on an account;
 *  2. company_name: the company name equals an account name after normalisation (legal forms
 *     and case ignored: "Acme Ltd" = "ACME Limited");
 *  3. company_fuzzy: the screening library's compareNames (schema Company) ≥ fuzzyThreshold,
 *     against candidates that share a name token or its phonetic key (no full scan).
 * When several accounts match equally, the first in import order wins and the others are listed
 * in `alternatives`, so the decision record can show the ambiguity.
 */

export interface ImportedAccount {
  readonly id: string;
  readonly name: string;
  readonly domains: readonly string[];
  readonly ownerRep?: string;
  readonly tier?: string;
  readonly parentId?: string;
}

export type AccountMatchedBy = 'domain' | 'company_name' | 'company_fuzzy';

export interface AccountMatch {
  readonly account: ImportedAccount;
  readonly matchedBy: AccountMatchedBy;
  /** 1 for domain and exact-name matches; the compareNames score for fuzzy ones. */
  readonly score: number;
  /** The domain or normalised name that matched. */
  readonly matchedOn: string;
  /** Ids of other accounts that matched as well as this one. */
  readonly alternatives: readonly string[];
  /** Who owns it for routing: its own owner or its nearest owned ancestor's (accountOwner); null: nobody. */
  readonly owner: { readonly ownerRep: string; readonly from?: string } | null;
}

type Found = Omit<AccountMatch, 'owner'>;

export interface AccountIndexOptions {
  /** Minimum compareNames score for a fuzzy match. Default 0.9. */
  readonly fuzzyThreshold?: number;
  /** Most candidates scored per lead. Default 200. */
  readonly maxCandidates?: number;
  /** A token shared by more accounts than this is too common to select candidates ("bank", "§co"). Default 1000. */
  readonly commonTokenLimit?: number;
}

export interface AccountIndex {
  readonly size: number;
  /** Account domains that were ignored because they are free-mail domains (a data-quality report). */
  readonly ignoredDomains: readonly { readonly accountId: string; readonly domain: string }[];
  readonly byDomain: ReadonlyMap<string, readonly ImportedAccount[]>;
  readonly byName: ReadonlyMap<string, readonly ImportedAccount[]>;
  readonly byToken: ReadonlyMap<string, readonly number[]>;
  readonly byId: ReadonlyMap<string, ImportedAccount>;
  readonly accounts: readonly ImportedAccount[];
  readonly options: Required<AccountIndexOptions>;
}

export const DEFAULT_ACCOUNT_MATCH_OPTIONS: Required<AccountIndexOptions> = {
  fuzzyThreshold: 0.9,
  maxCandidates: 200,
  commonTokenLimit: 1000,
};

const push = <K, V>(map: Map<K, V[]>, key: K, value: V) => {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
};

export function buildAccountIndex(accounts: readonly ImportedAccount[], options: AccountIndexOptions = {}): AccountIndex {
  const byDomain = new Map<string, ImportedAccount[]>();
  const byName = new Map<string, ImportedAccount[]>();
  const byToken = new Map<string, number[]>();
  const ignoredDomains: { accountId: string; domain: string }[] = [];
  accounts.forEach((account, i) => {
    for (const d of new Set(account.domains.map((x) => websiteDomain(x.replace(/^.*@/, ''))).filter((x): x is string => x !== undefined))) {
      if (isFreeMailDomain(d)) ignoredDomains.push({ accountId: account.id, domain: d });
      else push(byDomain, d, account);
    }
    const key = companyNameKey(account.name);
    if (key) push(byName, key, account);
    const seen = new Set<string>();
    for (const t of companyNameTokens(account.name)) {
      for (const k of tokenKeys(t)) {
        if (seen.has(k)) continue;
        seen.add(k);
        push(byToken, k, i);
      }
    }
  });
  return {
    size: accounts.length,
    ignoredDomains,
    byDomain,
    byName,
    byToken,
    byId: new Map(accounts.map((a) => [a.id, a])),
    accounts,
    options: { ...DEFAULT_ACCOUNT_MATCH_OPTIONS, ...options },
  };
}

const tokenKeys = (t: { text: string; phonetic: string }): string[] => [`t:${t.text}`, ...(t.phonetic ? [`p:${t.phonetic}`] : [])];

export type AccountMatchSubject = Pick<NormalisedIntake, 'contact' | 'company'>;

/**
 * Who owns a matched account for routing (docs/intake.md "Account hierarchies"): the account's own owner, else
 * the owner of its NEAREST owned ancestor. Nearest, not top-most: the owner closest to the company knows it
 * best (a subsidiary's account team), and a group-level owner is only the fallback when no one closer owns it;
 * routing every subsidiary of a conglomerate to one global owner would swamp them. `from` names the ancestor
 * when the owner is not the account's own. A cycle or a missing parent ends the walk.
 */
export function accountOwner(index: AccountIndex, account: ImportedAccount): { readonly ownerRep: string; readonly from?: string } | null {
  const seen = new Set<string>();
  for (
    let a: ImportedAccount | undefined = account;
    a !== undefined && !seen.has(a.id);
    a = a.parentId ? index.byId.get(a.parentId) : undefined
  ) {
    seen.add(a.id);
    if (a.ownerRep) return a === account ? { ownerRep: a.ownerRep } : { ownerRep: a.ownerRep, from: a.id };
  }
  return null;
}

/** `fuzzyThreshold` overrides the index's (org config `accountMatching.fuzzyThreshold`). */
export function matchAccount(
  index: AccountIndex,
  subject: AccountMatchSubject,
  overrides: { readonly fuzzyThreshold?: number | undefined } = {},
): AccountMatch | null {
  const found = matchByDomain(index, subject) ?? matchByName(index, subject, overrides.fuzzyThreshold ?? index.options.fuzzyThreshold);
  return found === null ? null : { ...found, owner: accountOwner(index, found.account) };
}

function emailDomain(email: string | undefined): string | undefined {
  return email === undefined ? undefined : email.slice(email.lastIndexOf('@') + 1).toLowerCase();
}

/** "a.b.acme.com" → ["a.b.acme.com", "b.acme.com", "acme.com"]. */
function domainAndParents(domain: string): string[] {
  const labels = domain.split('.');
  const out: string[] = [];
  for (let i = 0; labels.length - i >= 2; i++) out.push(labels.slice(i).join('.'));
  return out;
}

function matchByDomain(index: AccountIndex, subject: AccountMatchSubject): Found | null {
  for (const domain of [emailDomain(subject.contact.email), subject.company?.domain]) {
    if (domain === undefined || isFreeMailDomain(domain)) continue;
    for (const d of domainAndParents(domain)) {
      const hits = index.byDomain.get(d);
      if (hits && hits.length > 0)
        return { account: hits[0]!, matchedBy: 'domain', score: 1, matchedOn: d, alternatives: hits.slice(1).map((a) => a.id) };
    }
  }
  return null;
}

function matchByName(index: AccountIndex, subject: AccountMatchSubject, fuzzyThreshold: number): Found | null {
  const name = subject.company?.name ?? subject.contact.company;
  if (name === undefined || name.trim() === '') return null;
  const key = companyNameKey(name);
  if (!key) return null;
  const exact = index.byName.get(key);
  if (exact && exact.length > 0)
    return { account: exact[0]!, matchedBy: 'company_name', score: 1, matchedOn: key, alternatives: exact.slice(1).map((a) => a.id) };

  // fuzzy: candidates share a token or a phonetic key; rare tokens first
  const { maxCandidates, commonTokenLimit } = index.options;
  const shared = new Map<number, number>();
  for (const t of companyNameTokens(name)) {
    for (const k of tokenKeys(t)) {
      const ids = index.byToken.get(k);
      if (!ids || ids.length > commonTokenLimit) continue;
      for (const id of ids) shared.set(id, (shared.get(id) ?? 0) + t.weight);
    }
  }
  const candidates = [...shared.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, maxCandidates);
  const scored = candidates
    .map(([i]) => ({ i, score: compareNames('Company', name, index.accounts[i]!.name, ACCOUNT_COMPARE_PARAMS).score }))
    .filter((c) => c.score >= fuzzyThreshold);
  if (scored.length === 0) return null;
  const top = Math.max(...scored.map((c) => c.score));
  const [first, ...others] = scored
    .filter((c) => c.score === top)
    .map((c) => c.i)
    .sort((x, y) => x - y);
  const best = { i: first!, score: top };
  const ties = others;
  return {
    account: index.accounts[best.i]!,
    matchedBy: 'company_fuzzy',
    score: best.score,
    matchedOn: key,
    alternatives: ties.map((i) => index.accounts[i]!.id),
  };
}
