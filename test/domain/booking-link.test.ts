import { describe, expect, it } from 'vitest';
import { bookingUrlProblems, consentAllowsPrefill, fillBookingUrl } from '../../src/domain/org/booking-link.ts';

const prospect = { leadId: 'lead-1', fullName: 'Anne-Marie O’Neil', firstName: 'Anne-Marie', lastName: 'O’Neil', email: 'a+b@example.com' };

describe('booking link templates', () => {
  it('fills every placeholder URL-encoded, in the path as well as the query', () => {
    const url = fillBookingUrl('https://book.example/{leadId}/x?n={name}&f={firstName}&l={lastName}&e={email}', prospect, true);
    expect(url).toBe('https://book.example/lead-1/x?n=Anne-Marie%20O%E2%80%99Neil&f=Anne-Marie&l=O%E2%80%99Neil&e=a%2Bb%40example.com');
    expect(new URL(url).searchParams.get('e')).toBe('a+b@example.com');
  });

  it('without prefill leaves no personal data: personal placeholders emptied, their parameters dropped', () => {
    const url = fillBookingUrl('https://book.example/{email}/x?n={name}&e={email}&lead={leadId}&keep=1', prospect, false);
    expect(url).toBe('https://book.example//x?lead=lead-1&keep=1');
    expect(url).not.toMatch(/Anne|example\.com/);
  });

  it('leaves a template without empty parameters exactly as written', () => {
    expect(fillBookingUrl('https://cal.com/a/intro?lead={leadId}', prospect, false)).toBe('https://cal.com/a/intro?lead=lead-1');
  });

  it('allows prefill only with marketing consent covering email (or naming no channels)', () => {
    expect(consentAllowsPrefill(undefined)).toBe(false);
    expect(consentAllowsPrefill({ marketing: false })).toBe(false);
    expect(consentAllowsPrefill({ marketing: true })).toBe(true);
    expect(consentAllowsPrefill({ marketing: true, channels: ['email', 'phone'] })).toBe(true);
    expect(consentAllowsPrefill({ marketing: true, channels: ['phone', 'sms'] })).toBe(false);
  });

  it('names every problem of a bad template', () => {
    expect(bookingUrlProblems('https://cal.com/a?x={leadId}')).toEqual([]);
    expect(bookingUrlProblems('http://localhost:3000/b')).toEqual([]);
    expect(bookingUrlProblems('http://cal.com/a?p={phone}&q={ name }')).toEqual([
      'unknown placeholder(s) {phone}, { name }; known: {name}, {firstName}, {lastName}, {email}, {leadId}',
      'must be https (http only on a loopback address)',
    ]);
  });
});
