/**
 * The kind of a listed party whose list says none (CSL rows with an empty `type`: the Denied Persons, Entity,
 * Unverified, ISN and ITAR debarred lists; every Denied Persons List row). Only a legal form in the name ("LTD",
 * "GmbH", "S.A.", "LLC", …, the rigour org_types dictionary name-normaliser.ts reads) makes it an organisation;
 * otherwise it stays `unknown`, which both person and company queries are compared with (matcher.ts kindsCompatible).
 * Guessing `person` or `organisation` from anything weaker would, when wrong, hide the entry from the other kind of
 * query: a missed hit. A person named like a company ("Al Naser Airlines" has no legal form) is thus still found.
 */
import { normaliseName } from './name-normaliser.ts';
import type { EntityKind } from './screening-entity.ts';

export const untypedEntityKind = (name: string): EntityKind =>
  normaliseName(name, 'organisation').legalForms.length > 0 ? 'organisation' : 'unknown';
