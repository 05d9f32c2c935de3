import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { importRepCalendar, DEFAULT_IMPORT_DAYS } from '../../app/roster/calendar-import.use-case.ts';
import { applyRosterChange, type RosterChangeResult } from '../../app/roster/roster-change.use-case.ts';
import type { ServiceContext } from '../../app/shared/service-context.ts';
import { RepSchema, TeamCalendarSchema } from '../../domain/org/org-config.schema.ts';
import { RepPatchSchema, type RosterChange } from '../../domain/org/roster-change.ts';
import { principalOf } from '../auth.ts';
import { sendFailure } from '../reply-error.ts';
import type { AppFailure } from '../../app/shared/app-error.ts';
import type { Result } from '../../domain/shared/result.ts';

/** Roster changes are ops' daily work; admins may do them too. Licence grants have their own routes (roster-grants.routes.ts). */
const ROSTER_ROLES = ['admin', 'ops'] as const;
const MAX_ICS_BYTES = 1024 * 1024;

const RepParams = z.object({ repId: z.string().min(1).max(128) });
const TeamParams = z.object({ id: z.string().min(1).max(128) });
const Reason = z.string().trim().min(1).max(2000).describe('Why (required): kept with the version and in the audit trail.');
const ExpectedVersion = z
  .string()
  .max(80)
  .optional()
  .describe('The version hash you read (or send If-Match): if another change is in force since, 409 CONFLICT with the current one.');

const PatchRepBody = RepPatchSchema.extend({ reason: Reason, expectedVersion: ExpectedVersion }).refine(
  (b) => Object.keys(b).some((k) => k !== 'reason' && k !== 'expectedVersion'),
  { message: 'nothing to change' },
);
const JoinRepBody = RepSchema.extend({ reason: Reason, expectedVersion: ExpectedVersion });
const TeamCalendarBody = z.strictObject({
  calendar: TeamCalendarSchema.nullable().describe('null removes the calendar.'),
  reason: Reason,
  expectedVersion: ExpectedVersion,
});
const CalendarUrlBody = z.strictObject({
  url: z.url().max(2000),
  days: z.number().int().min(1).max(366).optional(),
  reason: Reason.optional().describe('Ignored: the reason is "calendar import <source>".'),
  expectedVersion: ExpectedVersion,
});

/** `If-Match: "sha256:…"` (quotes and a weak prefix tolerated); the body's expectedVersion wins. */
export function expectedHash(request: FastifyRequest, body: { expectedVersion?: string | undefined }): string | undefined {
  if (body.expectedVersion !== undefined) return body.expectedVersion;
  const header = request.headers['if-match'];
  if (typeof header !== 'string' || header.trim() === '*') return undefined;
  return header
    .trim()
    .replace(/^W\//, '')
    .replace(/^"(.*)"$/, '$1');
}

const answer = (r: RosterChangeResult) => ({
  status: r.status,
  hash: r.hash,
  previousHash: r.previousHash,
  version: r.version,
  changed: r.changed,
  subject: r.subject,
  diff: r.diff,
  draft: r.draft,
  // docs/operations.md "Automatic reassignment": the job that moves the rep's open leads; GET /v1/reassignments/{id}.
  ...(r.reassignment ? { reassignment: { id: r.reassignment.id, status: r.reassignment.status, trigger: r.reassignment.trigger } } : {}),
  ...(r.accounts.length > 0 ? { accounts: r.accounts } : {}),
});

/**
 * The answer to a roster change: `published` → 200 (201 for something new), or 202 with the maker-checker draft when a
 * second person must approve it (a licence grant, or any change when the policy in force says so).
 */
export function sendRosterResult(reply: FastifyReply, done: Result<RosterChangeResult, AppFailure>, created = false) {
  if (!done.ok) return sendFailure(reply, done.error);
  const code = done.value.status === 'pending_approval' ? 202 : created ? 201 : 200;
  return reply.code(code).send(answer(done.value));
}

/** Roster operations (docs/operations.md "Day-to-day for sales ops"): each accepted change is the next org version. */
export async function registerRosterRoutes(app: FastifyInstance, ctx: ServiceContext): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.patch(
    '/v1/reps/:repId',
    {
      config: { roles: ROSTER_ROLES },
      schema: {
        tags: ['roster'],
        summary:
          'Change a rep (status, out of office, hours, caps, weight, skills, languages, experience, team); publishes the next version',
        params: RepParams,
        body: PatchRepBody,
      },
    },
    async (request, reply) => {
      const { reason, expectedVersion, ...patch } = request.body;
      const change: RosterChange = { kind: 'rep.update', repId: request.params.repId, patch };
      const done = await applyRosterChange(ctx, principalOf(request), change, {
        reason,
        expectedVersionHash: expectedHash(request, { expectedVersion }),
      });
      return sendRosterResult(reply, done);
    },
  );
  r.post(
    '/v1/reps',
    {
      config: { roles: ROSTER_ROLES },
      schema: { tags: ['roster'], summary: 'A rep joins (a full rep); publishes the next version', body: JoinRepBody },
    },
    async (request, reply) => {
      const { reason, expectedVersion, ...rep } = request.body;
      const done = await applyRosterChange(
        ctx,
        principalOf(request),
        { kind: 'rep.join', rep },
        { reason, expectedVersionHash: expectedHash(request, { expectedVersion }) },
      );
      return sendRosterResult(reply, done, true);
    },
  );
  r.put(
    '/v1/teams/:id/calendar',
    {
      config: { roles: ROSTER_ROLES },
      schema: {
        tags: ['roster'],
        summary: "Set a team's working calendar (public holidays by country/region, extra closed days); publishes the next version",
        params: TeamParams,
        body: TeamCalendarBody,
      },
    },
    async (request, reply) => {
      const { calendar, reason, expectedVersion } = request.body;
      const done = await applyRosterChange(
        ctx,
        principalOf(request),
        { kind: 'team.calendar', teamId: request.params.id, calendar },
        { reason, expectedVersionHash: expectedHash(request, { expectedVersion }) },
      );
      return sendRosterResult(reply, done);
    },
  );
  await registerCalendarImportRoute(app, ctx);
}

/** `POST /v1/reps/:repId/calendar`: an .ics body (text/calendar) or `{url}`; its own scope keeps the text/calendar parser local. */
async function registerCalendarImportRoute(app: FastifyInstance, ctx: ServiceContext): Promise<void> {
  await app.register(async (scope) => {
    scope.addContentTypeParser('text/calendar', { parseAs: 'string', bodyLimit: MAX_ICS_BYTES }, (_request, body, done) =>
      done(null, body),
    );
    const r = scope.withTypeProvider<ZodTypeProvider>();
    r.post(
      '/v1/reps/:repId/calendar',
      {
        config: { roles: ROSTER_ROLES },
        bodyLimit: MAX_ICS_BYTES,
        schema: {
          tags: ['roster'],
          summary:
            "Import a rep's calendar (.ics body as text/calendar, or {url}): busy and out-of-office events become out-of-office periods",
          description: 'docs/operations.md "Calendar feeds": which events count, the window (?days=, default 30), what is replaced.',
          params: RepParams,
          querystring: z.object({ days: z.coerce.number().int().min(1).max(366).optional() }),
          body: z.union([z.string().min(1).max(MAX_ICS_BYTES), CalendarUrlBody]),
        },
      },
      async (request, reply) => {
        const body = request.body;
        const isText = typeof body === 'string';
        const expected = expectedHash(request, isText ? {} : body);
        const done = await importRepCalendar(ctx, principalOf(request), {
          repId: request.params.repId,
          calendar: isText ? { kind: 'ics', text: body, source: 'upload' } : { kind: 'url', url: body.url },
          days: (isText ? undefined : body.days) ?? request.query.days ?? DEFAULT_IMPORT_DAYS,
          ...(expected === undefined ? {} : { expectedVersionHash: expected }),
        });
        if (!done.ok) return sendFailure(reply, done.error);
        return reply
          .code(done.value.status === 'pending_approval' ? 202 : 200)
          .send({ ...answer(done.value), periods: done.value.periods });
      },
    );
  });
}
