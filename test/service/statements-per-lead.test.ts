import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.ts';
import { auth, startTestService, type TestService } from '../http/service-harness.ts';
import { bothDialects, declareUnreachable } from '../support/both-dialects.ts';
import { startStatementCounter, type StatementCount } from '../support/statement-counter.ts';
import { dropSchema, newSchemaName, PG_URL } from '../store/store-harness.ts';
import { bankVariant, serviceLead, writeConfigFile } from './fixtures/service-fixtures.ts';

/**
 * Issue 18: what one lead costs the database. The benchmark's lead mix (serviceLead: UK web-form leads, an Irish
 * deposit, a Brazilian lead nobody may serve) against the example bank without capacity caps, with notification and
 * CRM write-back planning as `remit serve` wires it, posted one after the other; every SQLite statement / PostgreSQL
 * round trip (BEGIN and COMMIT included) is counted below the store (test/support/statement-counter.ts). The bounds
 * pin what docs/performance.md reports, so a change that adds statements to the lead path fails here.
 * REMIT_PRINT_STATEMENTS=1 prints the breakdown per statement.
 */

const LEADS = Number(process.env.REMIT_STATEMENT_LEADS ?? 40);
/**
 * Statements per lead (PostgreSQL: round trips), at most (docs/performance.md "SQL per lead"; PostgreSQL 6.00 since lane
 * pgtrips: statements that do not wait for each other's answers share a round trip; 5.00 since lane pg5; SQLite 19.80
 * since lane sqlcpu, 18.80 since lane leadfold: a new lead's row is inserted once, with its outcome).
 */
const BOUND = { sqlite: 19, postgres: 5 } as const;

async function measure(svc: TestService, token: string, tag: string): Promise<StatementCount> {
  // Warm-up: the first leads load the org version, caches and the screening index.
  for (let i = 0; i < 5; i++) await post(svc, token, serviceLead(`${tag}w`, i));
  const counter = startStatementCounter();
  try {
    for (let i = 0; i < LEADS; i++) await post(svc, token, serviceLead(tag, i));
    return counter.snapshot();
  } finally {
    counter.stop();
  }
}

async function post(svc: TestService, token: string, lead: Record<string, unknown>): Promise<void> {
  const res = await svc.app.inject({ method: 'POST', url: '/v1/leads', headers: auth(token), payload: lead });
  if (res.statusCode !== 201) throw new Error(`POST /v1/leads answered ${res.statusCode}: ${res.body}`);
}

function print(dialect: string, c: StatementCount): void {
  if (process.env.REMIT_PRINT_STATEMENTS !== '1') return;
  const rows = [...c.byStatement].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${(n / LEADS).toFixed(2).padStart(6)}  ${k}`);
  const perLead = (n: number) => (n / LEADS).toFixed(2);
  const unit = dialect === 'postgres' ? 'round trips' : 'statements';
  console.log(
    `${dialect}: ${perLead(c.total)} ${unit} per lead (${perLead(c.statements)} statements) over ${LEADS} leads\n${rows.join('\n')}`,
  );
}

const dialects = await bothDialects();

describe.each(dialects)('statements per lead on $factory.name', ({ factory, run, reason }) => {
  if (!run) return declareUnreachable(reason);
  let svc: TestService;
  let schema: string | undefined;
  beforeAll(async () => {
    const loaded = await loadConfig(writeConfigFile(await bankVariant({ version: 'statements', caps: 'none' })));
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.error));
    schema = factory.name === 'postgres' ? newSchemaName() : undefined;
    svc = await startTestService({ org: loaded.value.org, followers: true, ...(schema ? { url: PG_URL, schema } : {}) });
  });
  afterAll(async () => {
    await svc?.close();
    if (schema) await dropSchema(schema);
  });

  it(`a lead costs at most ${BOUND[factory.name]} statements`, async () => {
    const count = await measure(svc, svc.tokens.integration, factory.name);
    print(factory.name, count);
    expect(count.total / LEADS).toBeLessThanOrEqual(BOUND[factory.name]);
    // Counting works: every lead at least begins and commits a transaction and writes its row.
    expect(count.total).toBeGreaterThan(3 * LEADS);
  }, 120_000);
});
