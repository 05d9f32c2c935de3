import { readFileSync, writeFileSync } from 'node:fs';
import * as prettier from 'prettier';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../../src/domain/access/roles.ts';
import { startTestService, type TestService } from './service-harness.ts';

/**
 * The role × endpoint table in docs/access.md is generated from the server's routes (the roles each
 * declares, `x-remit-roles` in the OpenAPI document), like docs/errors.md is checked against the
 * catalogue. A route added, removed or given other roles fails this test until the table is
 * regenerated: `REMIT_WRITE_DOCS=1 npx vitest run test/http/access-doc.test.ts` rewrites it.
 */

const DOC = 'docs/access.md';
const START = '<!-- role-table:start -->';
const END = '<!-- role-table:end -->';

let s: TestService;
beforeAll(async () => {
  s = await startTestService();
});
afterAll(async () => s.close());

async function renderTable(): Promise<string> {
  const doc = (await s.app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
    paths: Record<string, Record<string, { 'x-remit-roles'?: Role[] }>>;
  };
  const rows = Object.entries(doc.paths)
    .flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(([m]) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
        .map(([m, op]) => ({ path, method: m.toUpperCase(), roles: op['x-remit-roles'] })),
    )
    .sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
  const cells = (roles: readonly Role[] | undefined) => ROLES.map((r) => (roles === undefined ? 'no key' : roles.includes(r) ? '✓' : ''));
  const lines = [
    `| endpoint | ${ROLES.join(' | ')} |`,
    `| --- | ${ROLES.map(() => ':-:').join(' | ')} |`,
    ...rows.map((r) => `| \`${r.method} ${r.path.replaceAll('|', '\\|')}\` | ${cells(r.roles).join(' | ')} |`),
  ];
  const options = (await prettier.resolveConfig(DOC)) ?? {};
  return (await prettier.format(lines.join('\n'), { ...options, parser: 'markdown' })).trimEnd();
}

describe('docs/access.md role × endpoint table', () => {
  it('matches the roles the routes declare', async () => {
    const text = readFileSync(DOC, 'utf8');
    const start = text.indexOf(START);
    const end = text.indexOf(END);
    expect(start, `${DOC} has the ${START} … ${END} markers`).toBeGreaterThan(0);
    expect(end).toBeGreaterThan(start);
    const table = await renderTable();
    const current = text.slice(start + START.length, end).trim();
    if (process.env.REMIT_WRITE_DOCS === '1' && current !== table)
      writeFileSync(DOC, `${text.slice(0, start + START.length)}\n\n${table}\n\n${text.slice(end)}`);
    else expect(current, `regenerate: REMIT_WRITE_DOCS=1 npx vitest run test/http/access-doc.test.ts`).toBe(table);
  });
});
