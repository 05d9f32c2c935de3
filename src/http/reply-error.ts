import type { FastifyReply } from 'fastify';
import type { AppFailure } from '../app/app-error.ts';
import { ERROR_CATALOGUE, remitError, type ErrorCode, type ErrorDetail } from '../domain/errors/error-catalogue.ts';

export function sendError(reply: FastifyReply, code: ErrorCode, message?: string, details: readonly ErrorDetail[] = []): FastifyReply {
  return reply.code(ERROR_CATALOGUE[code].httpStatus).type('application/json').send(remitError(code, details, message));
}

export const sendFailure = (reply: FastifyReply, f: AppFailure): FastifyReply => sendError(reply, f.code, f.message, f.details);
