/**
 * What a lead costs the database and the CPU, in process (issue 18, docs/performance.md "SQL per lead"): posts
 * REMIT_STATEMENT_LEADS (default 200) leads of the service benchmark's mix one after the other to the example bank
 * (no capacity caps) through the HTTP app, on SQLite and PostgreSQL, and prints the SQLite statements / PostgreSQL
 * round trips per lead (counted below the store: test/support/statement-counter.ts; a statement pipelined behind
 * unanswered ones is no round trip of its own) and the process CPU time per
 * lead (user + system, less sensitive to a busy machine than wall time), and the wall time per lead (the leads are
 * posted one after the other, so it is a lead's latency: what fewer round trips save). `--by-statement` prints the breakdown;
 * `--timed` adds, for SQLite, the native time per statement run (µs, binding included) and per lead (ms), from
 * hrtime around each node:sqlite call (the timing itself adds a little CPU to the figure above).
 *
 * `node bench/statements-per-lead.ts [sqlite|postgres|both] [--by-statement] [--timed]`
 */
import { loadConfig } from '../src/config/load-config.ts';
import { auth, startTestService, type TestService } from '../test/http/service-harness.ts';
import { startStatementCounter } from '../test/support/statement-counter.ts';
import { dropSchema, newSchemaName, PG_URL } from '../test/store/store-harness.ts';
import { bankVariant, serviceLead, writeConfigFile } from '../test/service/fixtures/service-fixtures.ts';

const which = process.argv[2] ?? 'both';
const timed = process.argv.includes('--timed');
const byStatement = timed || process.argv.includes('--by-statement');
const leads = Number(process.env.REMIT_STATEMENT_LEADS ?? 200);

async function post(svc: TestService, token: string, lead: Record<string, unknown>): Promise<void> {
  const res = await svc.app.inject({ method: 'POST', url: '/v1/leads', headers: auth(token), payload: lead });
  if (res.statusCode !== 201) throw new Error(`POST /v1/leads answered ${res.statusCode}: ${res.body}`);
}

async function run(dialect: 'sqlite' | 'postgres'): Promise<void> {
  const loaded = await loadConfig(writeConfigFile(await bankVariant({ version: 'statements', caps: 'none' })));
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.error));
  const schema = dialect === 'postgres' ? newSchemaName() : undefined;
  const svc = await startTestService({ org: loaded.value.org, followers: true, ...(schema ? { url: PG_URL, schema } : {}) });
  try {
    const token = svc.tokens.integration;
    for (let i = 0; i < 20; i++) await post(svc, token, serviceLead('warm', i));
    const counter = startStatementCounter({ timed: timed && dialect === 'sqlite' });
    const cpu = process.cpuUsage();
    const started = performance.now();
    for (let i = 0; i < leads; i++) await post(svc, token, serviceLead('count', i));
    const wall = performance.now() - started;
    const used = process.cpuUsage(cpu);
    const count = counter.snapshot();
    counter.stop();
    const perLead = (n: number) => (n / leads).toFixed(2);
    console.log(
      `${dialect}: ${perLead(count.total)} ${dialect === 'sqlite' ? 'statements' : `round trips (${perLead(count.statements)} statements)`}/lead, ` +
        `CPU ${((used.user + used.system) / 1000 / leads).toFixed(3)} ms/lead, wall ${(wall / leads).toFixed(3)} ms/lead (${leads} leads)`,
    );
    if (count.nanosByStatement.size > 0) {
      const native = [...count.nanosByStatement.values()].reduce((a, b) => a + b, 0);
      console.log(`  native SQLite time ${(native / 1e6 / leads).toFixed(3)} ms/lead; per statement: runs/lead, µs/run, ms/lead`);
    }
    if (byStatement)
      for (const [k, n] of [...count.byStatement].sort((a, b) => b[1] - a[1])) {
        const ns = count.nanosByStatement.get(k);
        const time =
          ns === undefined ? '' : `${(ns / 1000 / n).toFixed(1).padStart(7)} µs ${(ns / 1e6 / leads).toFixed(3).padStart(6)} ms  `;
        console.log(`${perLead(n).padStart(7)}  ${time}${k}`);
      }
  } finally {
    await svc.close();
    if (schema) await dropSchema(schema);
  }
}

if (which !== 'postgres') await run('sqlite');
if (which !== 'sqlite') await run('postgres');
