import { describe, expect, it } from 'vitest';
import { toE164 } from '../../src/domain/intake/phone-number.ts';
import { normaliseErrors, normaliseOk, payload } from './intake-fixtures.ts';

describe('phone numbers to E.164', () => {
  it.each([
    ['UK landline, international', '+44 20 7946 0958', undefined, '+442079460958'],
    ['UK landline with (0) trunk prefix', '+44 (0)20 7946 0958', undefined, '+442079460958'],
    ['UK national format', '020 7946 0958', 'GB', '+442079460958'],
    ['UK mobile, national', '07911 123456', 'GB', '+447911123456'],
    ['UK with 00 prefix', '0044 20 7946 0958', undefined, '+442079460958'],
    ['US international', '+1 (415) 555-2671', undefined, '+14155552671'],
    ['US national', '(212) 555-0123', 'US', '+12125550123'],
    ['UAE mobile, international', '+971 50 123 4567', undefined, '+971501234567'],
    ['UAE mobile, national', '050 123 4567', 'AE', '+971501234567'],
    ['tel: URI', 'tel:+442079460958', undefined, '+442079460958'],
    ['international number keeps its own country whatever the default', '+971 50 123 4567', 'US', '+971501234567'],
  ])('%s', (_label, input, region, e164) => {
    const r = toE164(input, region);
    expect(r).toMatchObject({ kind: 'valid', e164 });
  });

  it.each([
    ['too short', '12345', 'GB', 'not_a_valid_number'],
    ['letters', 'call me', 'GB', 'unparseable'],
    ['national number without any country', '020 7946 0958', undefined, 'needs_country'],
    ['not valid in the numbering plan (UK)', '+44 7700 900123', undefined, 'not_a_valid_number'],
    ['not valid in the numbering plan (UAE)', '04 123 4567', 'AE', 'not_a_valid_number'],
    ['too long (US)', '+1 212 555 01234', undefined, 'not_a_valid_number'],
  ])('invalid: %s', (_label, input, region, reason) => {
    expect(toE164(input, region)).toEqual({ kind: 'invalid', reason });
  });

  it('reads a national number in the lead country', () => {
    const n = normaliseOk(payload({}, { phone: '(212) 555-0123' }, { country: 'US', state: 'NY' }));
    expect(n.contact.phoneE164).toBe('+12125550123');
  });

  it('reads a national number in the default country when the payload has none', () => {
    const n = normaliseOk(payload({ address: {} }, { phone: '050 123 4567' }), { defaultCountry: 'AE' });
    expect(n.contact.phoneE164).toBe('+971501234567');
    expect(n.lead.jurisdiction).toBe('AE');
  });

  it('the lead country wins over the default country', () => {
    const n = normaliseOk(payload({}, { phone: '020 7946 0958' }), { defaultCountry: 'US' });
    expect(n.contact.phoneE164).toBe('+442079460958');
  });

  it('an invalid phone is a field error at person.phone', () => {
    const errors = normaliseErrors(payload({}, { phone: '12345' }));
    expect(errors).toEqual([expect.objectContaining({ path: '/person/phone', code: 'invalid_phone' })]);
  });

  it('an extension is dropped with a warning', () => {
    const n = normaliseOk(payload({}, { phone: '+44 20 7946 0958 ext. 12' }));
    expect(n.contact.phoneE164).toBe('+442079460958');
    expect(n.warnings).toEqual([expect.objectContaining({ path: '/person/phone', code: 'phone_extension_dropped' })]);
  });
});
