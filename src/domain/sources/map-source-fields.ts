import { pointer } from '../errors/detail-path.ts';
import type { ErrorDetail } from '../errors/error-catalogue.ts';
import type { SourceMapping } from '../org/sources.schema.ts';

/**
 * Maps the flat fields of a source (an HTML form post, a flattened webhook body, a CSV row) onto
 * an intake payload through a configured mapping. Pure. The payload then goes through the one
 * intake pipeline (ingestLead), which validates it; `fieldOf` lets adapters name the source field
 * behind each intake path in error messages.
 */

/** Field name → its values in posted order (a repeated form field has several). */
export type SourceFields = ReadonlyMap<string, readonly string[]>;

export interface MappedIntake {
  readonly payload: Record<string, unknown>;
  /** Intake path (e.g. "person.email") → the source field it came from. */
  readonly fieldOf: ReadonlyMap<string, string>;
}

const NUMERIC_TARGETS = new Set(['dealValue', 'company.employees', 'company.annualRevenue']);
/** List targets: every value of the field (a repeated field, or "a; b, c" in one), split and trimmed. */
const LIST_TARGETS = new Set(['company.tags']);
const CHECKED = new Set(['on', 'true', 'yes', 'y', '1', 'checked', 'x']);

/** Builds SourceFields from a parsed body: strings, numbers and booleans become text, arrays repeat. */
export function sourceFieldsOf(record: Readonly<Record<string, unknown>>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [name, value] of Object.entries(record)) {
    const values = (Array.isArray(value) ? value : [value])
      .filter((v) => v !== null && v !== undefined && typeof v !== 'object')
      .map(String);
    if (values.length > 0) out.set(name, values);
  }
  return out;
}

/**
 * Flattens a JSON document into dotted paths ("lead.FirstName", "fields.0.value"); scalars only.
 * Depth and size are bounded so a hostile body cannot blow up.
 */
export function flattenJson(value: unknown, into: Map<string, string[]> = new Map(), prefix = '', depth = 0): Map<string, string[]> {
  if (depth > 8 || into.size > 2000) return into;
  if (value === null || value === undefined) return into;
  if (typeof value !== 'object') {
    if (prefix) into.set(prefix, [...(into.get(prefix) ?? []), String(value)]);
    return into;
  }
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value as Record<string, unknown>);
  for (const [k, v] of entries) flattenJson(v, into, prefix ? `${prefix}.${k}` : k, depth + 1);
  return into;
}

const first = (fields: SourceFields, name: string): string | undefined =>
  fields
    .get(name)
    ?.map((v) => v.trim())
    .find((v) => v.length > 0);

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const dot = path.indexOf('.');
  if (path.startsWith('custom.')) {
    const custom = (target.custom ??= {}) as Record<string, unknown>;
    custom[path.slice('custom.'.length)] = value;
    return;
  }
  if (dot < 0) {
    target[path] = value;
    return;
  }
  const head = path.slice(0, dot);
  const child = (target[head] ??= {}) as Record<string, unknown>;
  child[path.slice(dot + 1)] = value;
}

/** "1,200" → 1200; text that is not a plain number stays text (intake then names the field). */
export function toNumberIfNumeric(text: string): string | number {
  const t = text.replace(/[\s,_]/g, '');
  return /^-?\d+(\.\d+)?$/.test(t) ? Number(t) : text;
}

/** An instant from an ISO string or epoch milliseconds; undefined when neither. */
export function instantOf(text: string): string | undefined {
  const t = text.trim();
  const ms = /^\d{10,16}$/.test(t) ? Number(t) : Date.parse(t);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}

/**
 * Applies the mapping. Scalar targets take the first non-blank value of their field; `custom.*`
 * targets and hidden fields keep every value (a list when the field repeats); `company.tags` always gets a list. Defaults fill what
 * the source left blank. Consent is recorded when configured: checked or not, with its wording and
 * the moment it was captured (`receivedAt` unless the source says when).
 */
export function mapSourceFields(mapping: SourceMapping, fields: SourceFields, receivedAt: string): MappedIntake {
  const payload: Record<string, unknown> = {};
  const fieldOf = new Map<string, string>();
  for (const [target, value] of Object.entries(mapping.defaults)) setPath(payload, target, value);
  for (const [target, name] of Object.entries(mapping.fields)) {
    if (target.startsWith('custom.')) {
      const values = (fields.get(name) ?? []).map((v) => v.trim()).filter((v) => v.length > 0);
      if (values.length === 0) continue;
      setPath(payload, target, values.length === 1 ? values[0] : values);
    } else if (LIST_TARGETS.has(target)) {
      const values = (fields.get(name) ?? [])
        .flatMap((v) => v.split(/[;,]/))
        .map((v) => v.trim())
        .filter((v) => v.length > 0);
      if (values.length === 0) continue;
      setPath(payload, target, values);
    } else {
      const value = first(fields, name);
      if (value === undefined) continue;
      setPath(payload, target, NUMERIC_TARGETS.has(target) ? toNumberIfNumeric(value) : value);
    }
    fieldOf.set(target, name);
  }
  for (const name of mapping.hidden) {
    const values = (fields.get(name) ?? []).map((v) => v.trim()).filter((v) => v.length > 0);
    if (values.length === 0) continue;
    const key = name.replace(/[^A-Za-z0-9_.:-]/g, '_').slice(0, 64);
    setPath(payload, `custom.${key}`, values.length === 1 ? values[0] : values);
    fieldOf.set(`custom.${key}`, name);
  }
  const consent = mapping.consent;
  if (consent) {
    const checked = fields.get(consent.field)?.some((v) => CHECKED.has(v.trim().toLowerCase())) ?? false;
    const wording = (consent.wordingField !== undefined ? first(fields, consent.wordingField) : undefined) ?? consent.wording;
    const capturedText = consent.capturedAtField !== undefined ? first(fields, consent.capturedAtField) : undefined;
    payload.consent = {
      marketing: checked,
      ...(wording !== undefined ? { wording } : {}),
      capturedAt: (capturedText !== undefined ? instantOf(capturedText) : undefined) ?? capturedText ?? receivedAt,
      lawfulBasis: consent.lawfulBasis,
      ...(consent.channels ? { channels: [...consent.channels] } : {}),
    };
    fieldOf.set('consent.marketing', consent.field);
    if (consent.wordingField !== undefined) fieldOf.set('consent.wording', consent.wordingField);
    if (consent.capturedAtField !== undefined) fieldOf.set('consent.capturedAt', consent.capturedAtField);
  }
  return { payload, fieldOf };
}

/** The mapping target ("person.email", dotted as in the config) as the pointer intake errors use ("/person/email"). */
const targetPointer = (target: string): string => pointer(target.split('.'));

/** The source field behind a failing intake path (a JSON Pointer), if the mapping set that path or a parent of it. */
function sourceFieldOf(path: string, fieldOf: ReadonlyMap<string, string>): string | undefined {
  let best: string | undefined;
  let bestLength = -1;
  for (const [target, name] of fieldOf) {
    const at = targetPointer(target);
    if ((path === at || path.startsWith(`${at}/`)) && at.length > bestLength) [best, bestLength] = [name, at.length];
  }
  return best;
}

/** Names the source field behind each failing intake path: `/person/email: … (form field "email")`. */
export function describeFieldErrors(details: readonly ErrorDetail[], fieldOf: ReadonlyMap<string, string>, noun = 'field'): ErrorDetail[] {
  return details.map((d) => {
    const name = sourceFieldOf(d.path, fieldOf);
    return name === undefined ? d : { ...d, message: `${d.message} (${noun} "${name}")` };
  });
}

/** The source fields behind failing intake paths (for an error redirect's `fields=` list). */
export function sourceFieldNames(details: readonly ErrorDetail[], fieldOf: ReadonlyMap<string, string>): string[] {
  const names = details.map((d) => sourceFieldOf(d.path, fieldOf) ?? d.path);
  return [...new Set(names)];
}
