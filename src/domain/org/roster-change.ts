import { z } from 'zod';
import type { ErrorDetail } from '../errors/error-catalogue.ts';
import { pointer } from '../errors/detail-path.ts';
import { err, ok, type Result } from '../shared/result.ts';
import {
  DateOrInstantSchema,
  ExperienceLevelSchema,
  IdSchema,
  LicenceGrantSchema,
  PoolMemberSchema,
  RepSchema,
  TeamCalendarSchema,
  WorkingHoursSchema,
  type LicenceGrantConfig,
  type OrgConfig,
  type RepConfig,
} from './org-config.schema.ts';

/**
 * Roster operations (docs/operations.md "Day-to-day for sales ops"): small, typed changes to the org that
 * ops make every day. Each is applied to a copy of the version in force and published as the next
 * version, so every decision still names one immutable, hashed version.
 */

export const OutOfOfficePeriodSchema = z.strictObject({
  from: DateOrInstantSchema,
  to: DateOrInstantSchema,
  reason: z.string().max(500).optional(),
});
export type OutOfOfficePeriod = z.infer<typeof OutOfOfficePeriodSchema>;

/** `outOfOffice` in a patch: the whole list, or periods to add and to remove (matched by from and to). */
const OutOfOfficePatchSchema = z.union([
  z.array(OutOfOfficePeriodSchema).max(500),
  z.strictObject({
    add: z.array(OutOfOfficePeriodSchema).max(500).default([]),
    remove: z
      .array(z.strictObject({ from: DateOrInstantSchema, to: DateOrInstantSchema }))
      .max(500)
      .default([]),
  }),
]);

/** The fields ops may change on a rep; every one is a roster field (no licence, no identity). */
export const RepPatchSchema = z.strictObject({
  status: z.enum(['active', 'paused', 'left']).optional().describe('left: the rep has left (ineligible, REP_LEFT).'),
  outOfOffice: OutOfOfficePatchSchema.optional(),
  workingHours: WorkingHoursSchema.nullable().optional().describe('null: always available.'),
  capacity: z
    .strictObject({
      maxOpenLeads: z.number().int().positive().nullable().optional(),
      maxLeadsPerDay: z.number().int().positive().nullable().optional(),
    })
    .optional()
    .describe('Merged into the caps; null removes one.'),
  weight: z.number().positive().max(1000).optional(),
  skills: z.array(IdSchema).max(200).optional(),
  languages: z
    .array(z.string().regex(/^[a-z]{2,3}$/, 'ISO 639 language code, lower case'))
    .max(50)
    .optional(),
  experience: ExperienceLevelSchema.optional(),
  team: IdSchema.optional(),
});
export type RepPatch = z.infer<typeof RepPatchSchema>;

export type RosterChange =
  | { readonly kind: 'rep.update'; readonly repId: string; readonly patch: RepPatch }
  | { readonly kind: 'rep.join'; readonly rep: z.input<typeof RepSchema> }
  | { readonly kind: 'rep.move-team'; readonly repId: string; readonly team: string }
  | { readonly kind: 'team.calendar'; readonly teamId: string; readonly calendar: z.input<typeof TeamCalendarSchema> | null }
  /** Periods from a calendar feed: they replace the rep's previously imported periods; manual ones stay. */
  | {
      readonly kind: 'rep.calendar-import';
      readonly repId: string;
      readonly source: string;
      readonly periods: readonly OutOfOfficePeriod[];
    }
  /** A licence grant for one rep (sensitive: maker-checker). `holder` defaults to the rep; another holder is refused. */
  | { readonly kind: 'licence.add'; readonly repId: string; readonly grant: LicenceGrantInput }
  /** A grant ends (validTo), is revoked or suspended (status) — sensitive: maker-checker. */
  | { readonly kind: 'licence.end'; readonly grantId: string; readonly action: LicenceEndAction; readonly endAt?: string | undefined }
  /** Pool membership (roster-only): the whole list, or one member added or removed. */
  | { readonly kind: 'pool.members'; readonly poolId: string; readonly edit: PoolMembersEdit };

/** A grant as `POST /v1/reps/:repId/licences` takes it: a config licence grant whose holder may be omitted (the rep). */
export const RepLicenceGrantSchema = LicenceGrantSchema.extend({ holder: LicenceGrantSchema.shape.holder.optional() });
export type LicenceGrantInput = z.input<typeof RepLicenceGrantSchema>;

/** end: `validTo` := endAt; revoke / suspend: the status (and `validTo` := endAt when one was given). */
export const LICENCE_END_ACTIONS = ['end', 'revoke', 'suspend'] as const;
export type LicenceEndAction = (typeof LICENCE_END_ACTIONS)[number];

export type PoolMember = z.input<typeof PoolMemberSchema>;
export type PoolMembersEdit =
  | { readonly kind: 'replace'; readonly members: readonly PoolMember[] }
  | { readonly kind: 'add'; readonly member: PoolMember }
  | { readonly kind: 'remove'; readonly rep: string };

/**
 * Which publication path a change takes: `roster` changes may be published by one person (when the policy in
 * force says `rosterEditsSinglePerson`); licence grants are `sensitive` and always wait for a second person
 * (maker-checker, docs/access.md).
 */
export const changeSensitivity = (change: RosterChange): 'roster' | 'sensitive' => {
  switch (change.kind) {
    case 'rep.update':
    case 'rep.join':
    case 'rep.move-team':
    case 'team.calendar':
    case 'rep.calendar-import':
    case 'pool.members':
      return 'roster';
    case 'licence.add':
    case 'licence.end':
      return 'sensitive';
  }
};

/** What a change is about, for the audit subject and the diff's paths. */
export type RosterSubject = { readonly kind: 'rep' | 'team' | 'licence' | 'pool'; readonly id: string };

export const changeSubject = (change: RosterChange): RosterSubject => {
  switch (change.kind) {
    case 'team.calendar':
      return { kind: 'team', id: change.teamId };
    case 'rep.join':
      return { kind: 'rep', id: change.rep.id };
    case 'licence.add':
      return { kind: 'licence', id: change.grant.id };
    case 'licence.end':
      return { kind: 'licence', id: change.grantId };
    case 'pool.members':
      return { kind: 'pool', id: change.poolId };
    default:
      return { kind: 'rep', id: change.repId };
  }
};

/** The config list a subject lives in (`reps`, `teams`, `licences`, `pools`). */
export const SUBJECT_SECTION = { rep: 'reps', team: 'teams', licence: 'licences', pool: 'pools' } as const;

/** The entities of a subject's kind in a config, in order. */
export const subjectList = (config: OrgConfig, kind: RosterSubject['kind']): readonly { readonly id: string }[] =>
  kind === 'pool' ? (config.pools ?? []) : config[SUBJECT_SECTION[kind]];

export type RosterChangeRefusal =
  { readonly kind: 'not-found'; readonly message: string } | { readonly kind: 'invalid'; readonly details: readonly ErrorDetail[] };

type Applied = Result<OrgConfig, RosterChangeRefusal>;

const notFound = (what: string): Applied => err({ kind: 'not-found', message: what });
const invalid = (path: readonly PropertyKey[], message: string) =>
  err<RosterChangeRefusal>({ kind: 'invalid', details: [{ path: pointer(path), message }] });

const samePeriod = (a: { from: string; to: string }, b: { from: string; to: string }) => a.from === b.from && a.to === b.to;

function patchOutOfOffice(current: RepConfig['outOfOffice'], patch: NonNullable<RepPatch['outOfOffice']>) {
  if (Array.isArray(patch)) {
    // Replacing the list replaces the manual periods; imported ones belong to the feed and stay until its next import.
    return ok([...current.filter((p) => p.importedFrom !== undefined), ...patch]);
  }
  const missing = patch.remove.findIndex((r) => !current.some((p) => samePeriod(p, r)));
  if (missing >= 0) return err(missing);
  return ok([...current.filter((p) => !patch.remove.some((r) => samePeriod(p, r))), ...patch.add]);
}

function patchRep(rep: RepConfig, patch: RepPatch, path: readonly PropertyKey[]): Result<RepConfig, RosterChangeRefusal> {
  const next: RepConfig = { ...rep };
  if (patch.status !== undefined) next.status = patch.status;
  if (patch.outOfOffice !== undefined) {
    const periods = patchOutOfOffice(rep.outOfOffice, patch.outOfOffice);
    if (!periods.ok)
      return invalid([...path, 'outOfOffice', 'remove', periods.error], 'the rep has no out-of-office period with this from and to');
    next.outOfOffice = periods.value;
  }
  if (patch.workingHours === null) delete next.workingHours;
  else if (patch.workingHours !== undefined) next.workingHours = patch.workingHours;
  if (patch.capacity !== undefined) {
    const capacity = { ...rep.capacity };
    for (const key of ['maxOpenLeads', 'maxLeadsPerDay'] as const) {
      const value = patch.capacity[key];
      if (value === null) delete capacity[key];
      else if (value !== undefined) capacity[key] = value;
    }
    next.capacity = capacity;
  }
  if (patch.weight !== undefined) next.weight = patch.weight;
  if (patch.skills !== undefined) next.skills = patch.skills;
  if (patch.languages !== undefined) next.languages = patch.languages;
  if (patch.experience !== undefined) next.experience = patch.experience;
  if (patch.team !== undefined) next.team = patch.team;
  return ok(next);
}

function replaceRep(config: OrgConfig, repId: string, update: (rep: RepConfig) => Result<RepConfig, RosterChangeRefusal>): Applied {
  const index = config.reps.findIndex((r) => r.id === repId);
  if (index < 0) return notFound(`no rep ${repId} in the version in force`);
  const next = update(config.reps[index]!);
  if (!next.ok) return next;
  return ok({ ...config, reps: config.reps.map((r, i) => (i === index ? next.value : r)) });
}

function joinRep(config: OrgConfig, input: z.input<typeof RepSchema>): Applied {
  const parsed = RepSchema.safeParse(input);
  if (!parsed.success)
    return err({ kind: 'invalid', details: parsed.error.issues.map((i) => ({ path: pointer(i.path), message: i.message })) });
  if (config.reps.some((r) => r.id === parsed.data.id)) return invalid(['id'], `a rep ${parsed.data.id} already exists (PATCH it instead)`);
  return ok({ ...config, reps: [...config.reps, parsed.data] });
}

function setTeamCalendar(config: OrgConfig, teamId: string, input: z.input<typeof TeamCalendarSchema> | null): Applied {
  const index = config.teams.findIndex((t) => t.id === teamId);
  if (index < 0) return notFound(`no team ${teamId} in the version in force`);
  const team = { ...config.teams[index]! };
  if (input === null) delete team.calendar;
  else {
    const parsed = TeamCalendarSchema.safeParse(input);
    if (!parsed.success)
      return err({ kind: 'invalid', details: parsed.error.issues.map((i) => ({ path: pointer(i.path), message: i.message })) });
    // A calendar set through a change is materialised afresh at publication (days the caller sent are dropped).
    const holidays = parsed.data.holidays ? { ...parsed.data.holidays, days: undefined } : undefined;
    team.calendar = { ...parsed.data, ...(holidays ? { holidays: withoutUndefined(holidays) } : {}) };
  }
  return ok({ ...config, teams: config.teams.map((t, i) => (i === index ? team : t)) });
}

const withoutUndefined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

const issuesOf = (error: z.ZodError, prefix: readonly PropertyKey[] = []): Applied =>
  err({ kind: 'invalid', details: error.issues.map((i) => ({ path: pointer([...prefix, ...i.path]), message: i.message })) });

function addLicence(config: OrgConfig, repId: string, input: LicenceGrantInput): Applied {
  if (!config.reps.some((r) => r.id === repId)) return notFound(`no rep ${repId} in the version in force`);
  const parsed = RepLicenceGrantSchema.safeParse(input);
  if (!parsed.success) return issuesOf(parsed.error);
  const holder = parsed.data.holder ?? { kind: 'individual' as const, rep: repId };
  if (holder.kind !== 'individual' || holder.rep !== repId)
    return invalid(['holder'], `this grant is for rep ${repId}: holder must be {kind: individual, rep: ${repId}} or omitted`);
  if (config.licences.some((l) => l.id === parsed.data.id))
    return invalid(['id'], `a licence grant ${parsed.data.id} already exists (end it, or choose another id)`);
  const grant: LicenceGrantConfig = { ...parsed.data, holder };
  return ok({ ...config, licences: [...config.licences, grant] });
}

function endLicence(config: OrgConfig, change: Extract<RosterChange, { kind: 'licence.end' }>): Applied {
  const index = config.licences.findIndex((l) => l.id === change.grantId);
  if (index < 0) return notFound(`no licence grant ${change.grantId} in the version in force`);
  const grant = config.licences[index]!;
  if (grant.status !== 'active') return invalid(['grantId'], `licence grant ${grant.id} is already ${grant.status}`);
  const next: LicenceGrantConfig = { ...grant };
  if (change.action === 'revoke') next.status = 'revoked';
  if (change.action === 'suspend') next.status = 'suspended';
  const endAt = change.endAt;
  if (change.action === 'end' && endAt === undefined) return invalid(['endAt'], 'ending a grant needs the moment it ends');
  if (endAt !== undefined) {
    if (Date.parse(endAt) < Date.parse(grant.validFrom))
      return invalid(['endAt'], `must not be before the grant's validFrom (${grant.validFrom})`);
    if (grant.validTo !== undefined && Date.parse(endAt) > Date.parse(grant.validTo))
      return invalid(['endAt'], `the grant already ends at ${grant.validTo}; an end can only bring it forward`);
    next.validTo = endAt;
  }
  return ok({ ...config, licences: config.licences.map((l, i) => (i === index ? next : l)) });
}

function editPool(config: OrgConfig, poolId: string, edit: PoolMembersEdit): Applied {
  const pools = config.pools ?? [];
  const index = pools.findIndex((p) => p.id === poolId);
  if (index < 0) return notFound(`no declared pool ${poolId} in the version in force`);
  const pool = pools[index]!;
  let members: NonNullable<(typeof pool)['members']>;
  if (edit.kind === 'replace') {
    const parsed = z.array(PoolMemberSchema).max(1000).safeParse(edit.members);
    if (!parsed.success) return issuesOf(parsed.error, ['members']);
    members = parsed.data;
  } else if (pool.members === undefined) {
    return invalid([edit.kind], `pool ${poolId} is open (every eligible rep): PUT its members to give it a list`);
  } else if (edit.kind === 'add') {
    const parsed = PoolMemberSchema.safeParse(edit.member);
    if (!parsed.success) return issuesOf(parsed.error, ['add']);
    if (pool.members.some((m) => m.rep === parsed.data.rep))
      return invalid(['add', 'rep'], `${parsed.data.rep} is already a member of ${poolId} (PUT the list to change a weight or cap)`);
    members = [...pool.members, parsed.data];
  } else {
    if (!pool.members.some((m) => m.rep === edit.rep)) return invalid(['remove'], `${edit.rep} is not a member of ${poolId}`);
    members = pool.members.filter((m) => m.rep !== edit.rep);
  }
  return ok({ ...config, pools: pools.map((p, i) => (i === index ? { ...pool, members } : p)) });
}

/**
 * Applies a change to a copy of `config` (the version in force); the caller compiles and publishes the result.
 * Pure: the config given is not touched.
 */
export function applyRosterChangeTo(config: OrgConfig, change: RosterChange): Applied {
  switch (change.kind) {
    case 'rep.update':
      return replaceRep(config, change.repId, (rep) => patchRep(rep, change.patch, []));
    case 'rep.move-team':
      return replaceRep(config, change.repId, (rep) => ok({ ...rep, team: change.team }));
    case 'rep.join':
      return joinRep(config, change.rep);
    case 'team.calendar':
      return setTeamCalendar(config, change.teamId, change.calendar);
    case 'rep.calendar-import':
      return replaceRep(config, change.repId, (rep) =>
        ok({
          ...rep,
          outOfOffice: [
            ...rep.outOfOffice.filter((p) => p.importedFrom === undefined),
            ...change.periods.map((p) => ({ ...p, importedFrom: change.source })),
          ],
        }),
      );
    case 'licence.add':
      return addLicence(config, change.repId, change.grant);
    case 'licence.end':
      return endLicence(config, change);
    case 'pool.members':
      return editPool(config, change.poolId, change.edit);
  }
}
