import { normaliseIntake } from '../../src/domain/intake/normalise-lead.ts';
import type { NormalisedIntake, NormaliseOptions } from '../../src/domain/intake/normalise-lead.ts';
import type { FieldError } from '../../src/domain/intake/field-error.ts';

export const AT = Date.parse('2025-03-03T12:00:00Z');

/** A minimal valid payload; tests override parts of it. */
export function payload(
  overrides: Record<string, unknown> = {},
  person: Record<string, unknown> = {},
  address: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    source: 'web_form',
    product: 'mortgage',
    person: { firstName: 'Jane', lastName: 'Doe', email: 'jane@example.com', ...person },
    address: { country: 'GB', ...address },
    ...overrides,
  };
}

export function normaliseOk(raw: unknown, options: Partial<NormaliseOptions> = {}): NormalisedIntake {
  const r = normaliseIntake(raw, { at: AT, ...options });
  if (!r.ok) throw new Error(`expected ok, got ${JSON.stringify(r.error)}`);
  return r.value;
}

export function normaliseErrors(raw: unknown, options: Partial<NormaliseOptions> = {}): FieldError[] {
  const r = normaliseIntake(raw, { at: AT, ...options });
  if (r.ok) throw new Error('expected field errors, got ok');
  return r.error;
}
