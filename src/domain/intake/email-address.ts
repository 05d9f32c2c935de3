/**
 * Email addresses (docs/intake.md). `address` is the deliverable form: trimmed, "mailto:" and
 * angle brackets removed, NFC, lower-cased (local parts are case-insensitive in practice at every
 * mainstream provider). `dedupe` is the identity form used to find duplicates: for Gmail
 * (gmail.com, googlemail.com) dots and "+tags" are removed from the local part and the domain is
 * gmail.com; for providers with documented plus-addressing the "+tag" is removed. Only
 * `address` is ever used to send mail.
 */

export interface NormalisedEmail {
  readonly address: string;
  readonly dedupe: string;
  readonly local: string;
  readonly domain: string;
}

const GMAIL_DOMAINS = new Set(['gmail.com', 'googlemail.com']);

/** Providers that deliver local+tag@domain to local@domain. */
const PLUS_ADDRESSING_DOMAINS = new Set([
  'outlook.com',
  'hotmail.com',
  'live.com',
  'msn.com',
  'icloud.com',
  'me.com',
  'mac.com',
  'fastmail.com',
  'fastmail.fm',
  'protonmail.com',
  'proton.me',
  'pm.me',
  'protonmail.ch',
  'yandex.ru',
  'yandex.com',
  'hey.com',
  'zoho.com',
  'zohomail.com',
]);

// Pragmatic, not RFC 5322: one "@", no spaces, dot-separated domain labels with a 2+ letter TLD.
const LOCAL = /^[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+(\.[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+)*$/u;
const LABEL = /^[\p{L}\p{N}]([\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?$/u;

export function normaliseEmail(text: string): NormalisedEmail | undefined {
  let t = text.normalize('NFC').trim();
  t = t
    .replace(/^mailto:/i, '')
    .replace(/^<(.*)>$/, '$1')
    .trim()
    .toLowerCase();
  const at = t.lastIndexOf('@');
  if (at <= 0 || at !== t.indexOf('@')) return undefined;
  const local = t.slice(0, at);
  const domain = t.slice(at + 1).replace(/\.$/, '');
  if (local.length > 64 || domain.length > 253 || !LOCAL.test(local)) return undefined;
  const labels = domain.split('.');
  if (labels.length < 2 || !labels.every((l) => LABEL.test(l)) || !/^(\p{L}{2,}|xn--[a-z0-9-]+)$/u.test(labels.at(-1)!)) return undefined;
  const address = `${local}@${domain}`;
  return { address, dedupe: dedupeForm(local, domain), local, domain };
}

function dedupeForm(local: string, domain: string): string {
  if (GMAIL_DOMAINS.has(domain)) return `${local.split('+')[0]!.replace(/\./g, '')}@gmail.com`;
  if (PLUS_ADDRESSING_DOMAINS.has(domain)) return `${local.split('+')[0]!}@${domain}`;
  return `${local}@${domain}`;
}
