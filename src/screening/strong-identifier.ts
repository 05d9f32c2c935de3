/**
 * Identifiers that name exactly one thing: a ship's IMO number (the hull, for life, SOLAS XI-1/3), its MMSI (the radio
 * station, ITU-R M.585), its call sign, and a company's LEI (ISO 17442). Equal numbers of one kind are decisive;
 * different numbers of one kind are a contradiction (a sister ship with a similar name has its own IMO number).
 * Recognised in list records (OFAC remarks "Vessel Registration Identification IMO 9187629", "MMSI 572469210", the
 * Call_Sign column, FtM imoNumber / mmsi / callSign / leiCode) and in queries ("IMO 9187629", "MMSI …", "LEI …").
 */

import { isValidImo } from '../domain/intake/vessel-identifiers.ts';

// The IMO check rule is shared with intake's field validation.
export { isValidImo };

export type StrongIdentifierKind = 'imo' | 'mmsi' | 'call_sign' | 'lei';

export interface StrongIdentifier {
  kind: StrongIdentifierKind;
  /** Normalised: digits for IMO/MMSI, upper-case letters and digits otherwise. */
  value: string;
}

/** Kinds whose equality decides a hit on its own and whose difference clears one: they never pass to another ship/company. */
export const DECISIVE_KINDS: readonly StrongIdentifierKind[] = ['imo', 'mmsi', 'lei'];

function kindOfType(type: string): StrongIdentifierKind | undefined {
  const t = type.toLowerCase().replace(/[^a-z]/g, '');
  if (t.includes('imo')) return 'imo';
  if (t.includes('mmsi')) return 'mmsi';
  if (t.includes('callsign')) return 'call_sign';
  if (t === 'lei' || t.includes('leicode') || t.includes('legalentityidentifier')) return 'lei';
  return undefined;
}

function normalised(kind: StrongIdentifierKind, raw: string): string | undefined {
  const v = raw.toUpperCase().replace(/^(IMO|MMSI|LEI)\s*(NO\.?|NUMBER|#)?\s*/, '');
  if (kind === 'imo') {
    const d = v.replace(/\D/g, '');
    return isValidImo(d) ? d : undefined;
  }
  if (kind === 'mmsi') {
    const d = v.replace(/\D/g, '');
    return /^\d{9}$/.test(d) ? d : undefined;
  }
  const s = v.replace(/[^A-Z0-9]/g, '');
  if (kind === 'lei') return /^[A-Z0-9]{18}\d{2}$/.test(s) ? s : undefined;
  return s.length >= 3 ? s : undefined;
}

/** A listed identifier (free-text type as published, value) as a strong identifier, when it is one. */
export function strongIdentifierOf(type: string, value: string): StrongIdentifier | undefined {
  const kind = kindOfType(type) ?? kindOfType(value.split(/\s+/)[0] ?? '');
  if (!kind) return undefined;
  const v = normalised(kind, value);
  return v ? { kind, value: v } : undefined;
}

/** A query identifier written with its kind ("IMO 9187629", "MMSI: 572469210", "LEI 5493…", "call sign UBCD7"). */
export function parseQueryIdentifier(text: string): StrongIdentifier | undefined {
  const m = /^\s*(imo|mmsi|lei|call\s*sign)\s*(?:no\.?|number|#|:)?\s*(.+)$/i.exec(text);
  if (!m) return undefined;
  const kind = kindOfType(m[1]!);
  const v = kind ? normalised(kind, m[2]!) : undefined;
  return kind && v ? { kind, value: v } : undefined;
}

export const formatStrongIdentifier = (id: StrongIdentifier): string =>
  `${id.kind === 'call_sign' ? 'call sign' : id.kind.toUpperCase()} ${id.value}`;
