/**
 * A Fastify instance with the server options Remit's HTTP server uses (one pino logger through loggerInstance, request
 * logs off as with `remit serve --quiet`, body limit, our request ids, no trust proxy, ignoreTrailingSlash, Remit's JSON
 * body parser) and no routes: the same-run baselines (bench/bare-fastify-server.ts) and the ingest floor's Fastify mode
 * (bench/ingest-floor-server.ts) add theirs.
 */
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { createLogger } from '../src/app/observability/logger.ts';
import { useJsonBodyParser } from '../src/http/json-body-parser.ts';

export function remitFastify(): FastifyInstance {
  const logger: FastifyBaseLogger = createLogger({ level: 'info' });
  let n = 0;
  const app = Fastify({
    loggerInstance: logger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 256 * 1024,
    requestIdHeader: false,
    genReqId: () => `req_${(n++).toString(36)}`,
    trustProxy: false,
    routerOptions: { ignoreTrailingSlash: true },
  }) as unknown as FastifyInstance;
  app.removeContentTypeParser(['text/plain']);
  useJsonBodyParser(app);
  return app;
}
