import type { FastifyReply } from 'fastify';
import {
  ERROR_CATALOGUE,
  errorBody,
  remitError,
  type ErrorCode,
  type ErrorDetail,
  type RemitError,
} from '../domain/errors/error-catalogue.ts';

/** Sends a failure as the catalogue's HTTP status and body (code, message, details, then any extra fields). */
export const sendFailure = (reply: FastifyReply, f: RemitError): FastifyReply =>
  reply.code(ERROR_CATALOGUE[f.code].httpStatus).type('application/json').send(errorBody(f));

export const sendError = (reply: FastifyReply, code: ErrorCode, message?: string, details?: readonly ErrorDetail[]): FastifyReply =>
  sendFailure(reply, remitError(code, message, details));
