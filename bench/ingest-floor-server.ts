/**
 * The ingest floor's server (issue 18, lane floor; driven by bench/ingest-floor.ts): `POST /v1/leads` runs
 * bench/floor-pipeline.ts for the example bank org as the service benchmark configures it (bankVariant, no caps,
 * working hours ignored) and the service benchmark's lists (the firm blocklist and the sanctions fixture, as
 * `startServer` passes them to `remit serve`), on a fresh SQLite file with Remit's schema; the audit inbox is sealed
 * every 200 ms as Remit's sealer does. `GET /floor/steps` answers the per-step CPU (FLOOR_STEPS=1),
 * `POST /floor/steps/reset` zeroes it (after the warm-up).
 *
 * `node bench/ingest-floor-server.ts PORT DB_FILE TOKEN [node|fastify]` prints "floor listening on …" when ready.
 * node: node:http, the body read as one string and JSON.parse'd (no __proto__ / NUL check). fastify: Remit's server
 * options and JSON body parser (bench/remit-fastify.ts), whose parse the pipeline takes.
 * FLOOR_BATCH=1 (node mode): group commit — the leads whose bodies arrived in one turn of the event loop are written in
 * one transaction, each answered after its COMMIT.
 * FLOOR_SEAL=inline: each lead's audit entries sealed in its ingest transaction (no inbox), the decision entry stored
 * without its document (the decisions row holds it once); checkpoints still every 200 ms. A design variant, not Remit's.
 * FLOOR_LISTS=bank screens against the example bank's configured lists (examples/bank/screening/lists.yaml: OFAC SDN,
 * UN, US Congress PEPs, the blocklist) instead.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { loadListSources } from '../src/config/load-list-sources.ts';
import { compileConfigObject } from '../src/config/load-config.ts';
import { loadListSource } from '../src/screening/list-sources.ts';
import { ScreeningService } from '../src/screening/screening-service.ts';
import { BLOCKLIST, REPO, SANCTIONS_FIXTURE, bankVariant } from '../test/service/fixtures/service-fixtures.ts';
import { FloorPipeline, type FloorAnswer } from './floor-pipeline.ts';
import { FloorSealer, SEAL_INTERVAL_MS } from './floor-sealer.ts';
import { StepClock } from './floor-steps.ts';
import { FloorStore } from './floor-store.ts';
import { remitFastify } from './remit-fastify.ts';

const [port, file, token, mode = 'node'] = process.argv.slice(2);
const compiled = compileConfigObject(await bankVariant({ version: 'floor', caps: 'none' }));
if (!compiled.ok) throw new Error(JSON.stringify(compiled.error));
const screening = new ScreeningService({ now: () => new Date() });
if (process.env.FLOOR_LISTS === 'bank') {
  const sources = await loadListSources(join(REPO, 'examples', 'bank'));
  if (!sources.ok || !sources.value) throw new Error('examples/bank/screening/lists.yaml not readable');
  screening.apply({ add: sources.value.sources.map((s) => loadListSource(s, () => new Date())) });
} else screening.loadAll([BLOCKLIST, SANCTIONS_FIXTURE]);
const store = await FloorStore.open(file!);
const steps = new StepClock(process.env.FLOOR_STEPS === '1');
const sealer = new FloorSealer(store);
const inline = process.env.FLOOR_SEAL === 'inline' ? { sealInline: sealer } : {};
const pipeline = new FloorPipeline({ org: compiled.value.org, screening, store, steps, token: token!, ...inline });
const sealing = setInterval(() => sealer.round(), SEAL_INTERVAL_MS);

/** The routes both HTTP modes serve. */
function route(method: string, url: string, authorization: string | undefined, body: () => unknown): FloorAnswer {
  if (method === 'POST' && url === '/v1/leads') return pipeline.ingest(authorization, body);
  if (method === 'GET' && url === '/floor/steps')
    return {
      status: 200,
      body: Buffer.from(JSON.stringify({ ...steps.report(), sealed: sealer.sealed, sealerCpuMicros: sealer.cpuMicros })),
    };
  if (method === 'POST' && url === '/floor/steps/reset') {
    steps.reset();
    sealer.cpuMicros = 0;
    return { status: 204, body: Buffer.alloc(0) };
  }
  return { status: 404, body: Buffer.from('{"error":{"code":"NOT_FOUND"}}') };
}

function send(res: ServerResponse, a: FloorAnswer): void {
  res.writeHead(a.status, { 'content-type': 'application/json; charset=utf-8', 'content-length': a.body.length });
  res.end(a.body);
}

/** FLOOR_BATCH=1: the leads whose bodies arrived in one turn of the event loop, written in one transaction. */
const batching = process.env.FLOOR_BATCH === '1';
let queued: { authorization: string | undefined; body: () => unknown; res: ServerResponse }[] = [];

function flush(): void {
  const batch = queued;
  queued = [];
  const answers = pipeline.ingestMany(batch);
  batch.forEach((b, i) => send(b.res, answers[i]!));
}

async function listenNode(): Promise<string> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = () => JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
      if (batching && req.method === 'POST' && req.url === '/v1/leads') {
        if (queued.push({ authorization: req.headers.authorization, body, res }) === 1) setImmediate(flush);
        return;
      }
      send(res, route(req.method ?? 'GET', req.url ?? '/', req.headers.authorization, body));
    });
  });
  await new Promise<void>((resolve) => server.listen(Number(port), '127.0.0.1', resolve));
  process.once('SIGTERM', () => server.close(() => stop()));
  return `http://127.0.0.1:${port}`;
}

async function listenFastify(): Promise<string> {
  const app = remitFastify();
  // Fastify has parsed the body with Remit's parser (JSON.parse and the __proto__ / NUL check): the pipeline takes it.
  app.all('/*', async (request, reply) => {
    const a = route(request.method, request.url, request.headers.authorization, () => request.body);
    return reply.code(a.status).header('content-type', 'application/json; charset=utf-8').send(a.body);
  });
  const address = await app.listen({ port: Number(port), host: '127.0.0.1' });
  process.once('SIGTERM', () => void app.close().then(() => stop()));
  return address;
}

function stop(): void {
  clearInterval(sealing);
  while (sealer.round() > 0);
  store.db.close();
  process.exit(0);
}

const address = mode === 'fastify' ? await listenFastify() : await listenNode();
process.stdout.write(`floor listening on ${address}\n`);
