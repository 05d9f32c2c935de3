import type { FastifyReply } from 'fastify';
import {
  ERROR_CATALOGUE,
  errorBody,
  remitError,
  type ErrorCode,
  type ErrorDetail,
  type RemitError,
} from '../domain/errors/error-catalogue.ts';

/**
 * Sends a failure as the catalogue's HTTP status and body (code, message, details, then any extra fields). A failure
 * that says when to come back (`retryAfterSeconds`, the intake limits' 429s) also sets Retry-After (RFC 9110 §10.2.3).
 */
export const sendFailure = (reply: FastifyReply, f: RemitError): FastifyReply => {
  const retryAfter = f.extra?.retryAfterSeconds;
  if (typeof retryAfter === 'number') reply.header('retry-after', String(retryAfter));
  return reply.code(ERROR_CATALOGUE[f.code].httpStatus).type('application/json').send(errorBody(f));
};

export const sendError = (reply: FastifyReply, code: ErrorCode, message?: string, details?: readonly ErrorDetail[]): FastifyReply =>
  sendFailure(reply, remitError(code, message, details));
