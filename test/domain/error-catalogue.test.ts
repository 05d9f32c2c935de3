import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE, remitError } from '../../src/domain/errors/error-catalogue.ts';
import { OUTCOME_EXIT_CODES } from '../../src/cli/exit-codes.ts';

describe('error catalogue', () => {
  // Prettier pads Markdown table cells to the column width; the padding is not content.
  const doc = readFileSync('docs/errors.md', 'utf8').replace(/ +\|/g, ' |');
  it('docs/errors.md lists every code with its HTTP status, exit code and message', () => {
    for (const [code, e] of Object.entries(ERROR_CATALOGUE)) {
      expect(doc).toContain(`| ${code} | ${e.httpStatus} | ${e.exitCode} | ${e.message} |`);
    }
    const documented = [...doc.matchAll(/^\| ([A-Z_]+) \| \d{3} \|/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual(Object.keys(ERROR_CATALOGUE).sort());
  });
  it('documents every routing outcome exit code', () => {
    for (const [outcome, code] of Object.entries(OUTCOME_EXIT_CODES)) expect(doc).toMatch(new RegExp(`\\| ${code} \\| .*${outcome}`));
  });
  it('builds the one error shape', () => {
    expect(remitError('LEAD_INVALID', undefined, [{ path: 'email', message: 'Invalid email' }])).toEqual({
      code: 'LEAD_INVALID',
      message: ERROR_CATALOGUE.LEAD_INVALID.message,
      details: [{ path: 'email', message: 'Invalid email' }],
    });
  });
});
