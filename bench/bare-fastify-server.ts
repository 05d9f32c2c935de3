/**
 * The service benchmark's same-run baseline (issue 18): a bare Fastify JSON route with the options
 * Remit's HTTP server uses (bench/remit-fastify.ts: one pino logger through loggerInstance, request logs off as with
 * `remit serve --quiet`, body limit, our request ids, no trust proxy, ignoreTrailingSlash, Remit's
 * JSON body parser) and nothing else: no auth, no store, no pipeline. Run as a child process like
 * the real server, so `leads/s ÷ bare requests/s` compares like with like on the same machine.
 *
 * `node bench/bare-fastify-server.ts PORT` prints "bare listening on …" when ready.
 */
import { remitFastify } from './remit-fastify.ts';

const port = Number(process.argv[2] ?? 0);
const app = remitFastify();
let n = 0;
// Echo a small JSON answer, the size of a lead's 201 (id, status, owner), so serialisation is comparable.
app.post('/v1/leads', async (request, reply) => {
  const body = request.body as { person?: { email?: string } };
  return reply.code(201).send({ id: `lead_${n++}`, status: 'ASSIGNED', email: body.person?.email ?? null });
});
const address = await app.listen({ port, host: '127.0.0.1' });
process.stdout.write(`bare listening on ${address}\n`);
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
