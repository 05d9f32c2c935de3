import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { applyRosterChange } from '../../app/roster/roster-change.use-case.ts';
import type { ServiceContext } from '../../app/shared/service-context.ts';
import { toIso } from '../../domain/shared/zoned-time.ts';
import { PoolMemberSchema } from '../../domain/org/org-config.schema.ts';
import { LICENCE_END_ACTIONS, RepLicenceGrantSchema, type RosterChange } from '../../domain/org/roster-change.ts';
import { principalOf } from '../auth.ts';
import { expectedHash, sendRosterResult } from './roster.routes.ts';

/**
 * Licence grants and pool membership through the roster path (docs/operations.md "Day-to-day for sales ops").
 * A grant is sensitive: it always becomes a maker-checker draft (202) that a second person approves. Pool
 * membership is a roster edit: one person publishes it, unless the policy in force wants a second person.
 */

/** Who may propose a grant change (an admin, as for any draft org version); the checker is a person from `approverRoles`. */
const GRANT_ROLES = ['admin'] as const;
const POOL_ROLES = ['admin', 'ops'] as const;

const Reason = z.string().trim().min(1).max(2000).describe('Why (required): kept with the draft or version and in the audit trail.');
const ExpectedVersion = z
  .string()
  .max(80)
  .optional()
  .describe('The version hash you read (or send If-Match): if another change is in force since, 409 CONFLICT with the current one.');
const Instant = z.iso.datetime({ offset: true });

const AddGrantBody = RepLicenceGrantSchema.extend({ reason: Reason, expectedVersion: ExpectedVersion });
const EndGrantBody = z.strictObject({
  reason: Reason,
  action: z
    .enum(LICENCE_END_ACTIONS)
    .default('end')
    .describe('end: validTo := endAt (default now); revoke / suspend: the grant status (validTo := endAt only when given).'),
  endAt: z.union([Instant, z.iso.date()]).optional().describe('When the grant ends (an instant, or a day read in the grant time zone).'),
  expectedVersion: ExpectedVersion,
});
const MembersBody = z.strictObject({
  members: z.array(PoolMemberSchema).max(1000).describe('The whole member list: each rep once, weight and daily cap optional.'),
  reason: Reason,
  expectedVersion: ExpectedVersion,
});
const MemberPatchBody = z
  .strictObject({
    add: PoolMemberSchema.optional().describe('One member to add (a rep not yet in the pool).'),
    remove: z.string().min(1).max(128).optional().describe('The rep id of one member to remove.'),
    reason: Reason,
    expectedVersion: ExpectedVersion,
  })
  .refine((b) => (b.add === undefined) !== (b.remove === undefined), { message: 'exactly one of add or remove' });

export async function registerRosterGrantRoutes(app: FastifyInstance, ctx: ServiceContext): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.post(
    '/v1/reps/:repId/licences',
    {
      config: { roles: GRANT_ROLES },
      schema: {
        tags: ['roster'],
        summary: 'Propose a licence grant for a rep (a config licence grant; holder defaults to the rep): 202 with a maker-checker draft',
        params: z.object({ repId: z.string().min(1).max(128) }),
        body: AddGrantBody,
      },
    },
    async (request, reply) => {
      const { reason, expectedVersion, ...grant } = request.body;
      const change: RosterChange = { kind: 'licence.add', repId: request.params.repId, grant };
      const expected = expectedHash(request, { expectedVersion });
      return sendRosterResult(reply, await applyRosterChange(ctx, principalOf(request), change, { reason, expectedVersionHash: expected }));
    },
  );
  r.post(
    '/v1/licences/:grantId/end',
    {
      config: { roles: GRANT_ROLES },
      schema: {
        tags: ['roster'],
        summary: 'Propose ending, revoking or suspending a licence grant: 202 with a maker-checker draft',
        params: z.object({ grantId: z.string().min(1).max(128) }),
        body: EndGrantBody,
      },
    },
    async (request, reply) => {
      const { reason, action, endAt, expectedVersion } = request.body;
      // An end without a date ends now; a revocation or suspension changes the status and keeps the dates unless given.
      const at = endAt ?? (action === 'end' ? toIso(ctx.clock.now()) : undefined);
      const change: RosterChange = { kind: 'licence.end', grantId: request.params.grantId, action, endAt: at };
      const expected = expectedHash(request, { expectedVersion });
      return sendRosterResult(reply, await applyRosterChange(ctx, principalOf(request), change, { reason, expectedVersionHash: expected }));
    },
  );
  registerPoolMemberRoutes(app, ctx);
}

function registerPoolMemberRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const params = z.object({ id: z.string().min(1).max(128) });
  r.put(
    '/v1/pools/:id/members',
    {
      config: { roles: POOL_ROLES },
      schema: {
        tags: ['pools'],
        summary: "Replace a declared pool's members (a roster change: the next version)",
        params,
        body: MembersBody,
      },
    },
    async (request, reply) => {
      const { members, reason, expectedVersion } = request.body;
      const change: RosterChange = { kind: 'pool.members', poolId: request.params.id, edit: { kind: 'replace', members } };
      const expected = expectedHash(request, { expectedVersion });
      return sendRosterResult(reply, await applyRosterChange(ctx, principalOf(request), change, { reason, expectedVersionHash: expected }));
    },
  );
  r.patch(
    '/v1/pools/:id/members',
    {
      config: { roles: POOL_ROLES },
      schema: { tags: ['pools'], summary: 'Add or remove one member of a declared pool (a roster change)', params, body: MemberPatchBody },
    },
    async (request, reply) => {
      const { add, remove, reason, expectedVersion } = request.body;
      const edit = add ? { kind: 'add' as const, member: add } : { kind: 'remove' as const, rep: remove! };
      const change: RosterChange = { kind: 'pool.members', poolId: request.params.id, edit };
      const expected = expectedHash(request, { expectedVersion });
      return sendRosterResult(reply, await applyRosterChange(ctx, principalOf(request), change, { reason, expectedVersionHash: expected }));
    },
  );
}
