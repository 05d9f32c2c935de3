import { pino, type Logger } from 'pino';

export type { Logger } from 'pino';

/** Log levels an operator may choose (REMIT_LOG_LEVEL); `silent` turns logging off. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * The one logger of a process: JSON lines on stdout (pino). The HTTP server logs through the same
 * instance (Fastify `loggerInstance`), so request lines carry `reqId` and the workers' lines share
 * the format; secrets never reach it (API keys and webhook secrets are not logged).
 */
export function createLogger(opts: { readonly level: LogLevel }): Logger {
  return pino({ level: opts.level, base: { service: 'remit' } });
}

/** A logger that writes nothing (tests, one-off CLI commands that report on their own). */
export const silentLogger = (): Logger => pino({ level: 'silent' });
